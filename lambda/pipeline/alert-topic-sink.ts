/** The alert topic as a finding sink: the finding rendered for email, chat and queues, published to SNS. */
import { loadOnDemand } from '../adapters/load-on-demand.js';
import type { AlertPublisher, FindingSink } from '../adapters/ports.js';
import type { Finding } from '../domain/finding.js';

/** What the sink needs of the renderer's module (tests stand in a loader that fails). */
export type AlertRenderer = Pick<typeof import('../domain/render/alert.js'), 'renderAlert'>;

/** The renderer's module, as the bundle loads it. */
const importRenderer = (): Promise<AlertRenderer> => import('../domain/render/alert.js');

export class AlertTopicSink implements FindingSink {
  readonly name = 'alert-topic';
  /**
   * Loaded by the first finding, not at every cold start: most events render no alert. In the
   * bundle, esbuild keeps the renderer in a module evaluated at this first import(). A load that
   * worked is kept (one per sink, and a container builds one sink); a failed one is not, so the next
   * finding tries again (this one fails as a sink failure, and Lambda retries the event).
   */
  private readonly renderer: () => Promise<AlertRenderer>;

  constructor(
    private readonly publisher: AlertPublisher,
    loadRenderer: () => Promise<AlertRenderer> = importRenderer,
  ) {
    this.renderer = loadOnDemand(loadRenderer);
  }

  async deliver(finding: Finding): Promise<string> {
    const { renderAlert } = await this.renderer();
    return this.publisher.publish(renderAlert(finding));
  }
}
