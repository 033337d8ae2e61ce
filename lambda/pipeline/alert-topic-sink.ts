/** The alert topic as a finding sink: the finding rendered for email, chat and queues, published to SNS. */
import type { AlertPublisher, FindingSink } from '../adapters/ports.js';
import type { Finding } from '../domain/finding.js';

export class AlertTopicSink implements FindingSink {
  readonly name = 'alert-topic';

  constructor(private readonly publisher: AlertPublisher) {}

  async deliver(finding: Finding): Promise<string> {
    // Loaded by the first finding, not at every cold start: most events render no alert. In the
    // bundle, esbuild keeps the renderer in a module evaluated at this first import().
    const { renderAlert } = await import('../domain/render/alert.js');
    return this.publisher.publish(renderAlert(finding));
  }
}
