/** The alert topic as a finding sink: the finding rendered for email, chat and queues, published to SNS. */
import type { AlertPublisher, FindingSink } from '../adapters/ports.js';
import type { Finding } from '../domain/finding.js';
import { renderAlert } from '../domain/render/alert.js';

export class AlertTopicSink implements FindingSink {
  readonly name = 'alert-topic';

  constructor(private readonly publisher: AlertPublisher) {}

  deliver(finding: Finding): Promise<string> {
    return this.publisher.publish(renderAlert(finding));
  }
}
