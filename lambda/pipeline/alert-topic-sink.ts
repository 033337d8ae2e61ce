/** The alert topic as a finding sink: the finding rendered for email, chat and queues, published to SNS. */
import type { AlertPublisher, FindingSink } from '../adapters/ports.js';
import type { Finding } from '../domain/finding.js';

type Renderer = typeof import('../domain/render/alert.js');
/**
 * Loaded by the first finding, not at every cold start: most events render no alert. In the bundle,
 * esbuild keeps the renderer in a module evaluated at this first import(). The promise is kept: every
 * later `import()` would resolve the specifier again (through the loader's hooks, where there are
 * any) for a module already loaded.
 */
let renderer: Promise<Renderer> | undefined;

export class AlertTopicSink implements FindingSink {
  readonly name = 'alert-topic';

  constructor(private readonly publisher: AlertPublisher) {}

  async deliver(finding: Finding): Promise<string> {
    // A failed load is not kept: the next finding tries again (this one fails as a sink failure).
    renderer ??= import('../domain/render/alert.js').catch((error: unknown) => {
      renderer = undefined;
      throw error;
    });
    const { renderAlert } = await renderer;
    return this.publisher.publish(renderAlert(finding));
  }
}
