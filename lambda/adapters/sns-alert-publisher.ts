import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { AlertMessage } from '../domain/render/alert.js';
import type { DeclaredCall } from './calls.js';
import { built, type Deferred } from './client-options.js';
import { PublishError } from './errors.js';
import type { AlertPublisher } from './ports.js';

/** Publishes an alert as a JSON-structured SNS message (one body per protocol). */
export class SnsAlertPublisher implements AlertPublisher {
  /** What this adapter sends (see calls.ts). */
  static readonly calls: readonly DeclaredCall[] = [{ action: 'sns:Publish', resource: 'topic' }];

  constructor(
    private readonly client: Deferred<SNSClient>,
    private readonly topicArn: string,
  ) {}

  async publish(alert: AlertMessage): Promise<string> {
    try {
      const out = await built(this.client).send(
        new PublishCommand({
          TopicArn: this.topicArn,
          Subject: alert.subject,
          Message: alert.message,
          MessageStructure: 'json',
          MessageAttributes: alert.attributes,
        }),
      );
      return out.MessageId ?? '';
    } catch (error) {
      throw new PublishError(`publishing to ${this.topicArn} failed`, { cause: error });
    }
  }
}
