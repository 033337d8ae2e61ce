import { ChangeMessageVisibilityCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { DeclaredCall } from './calls.js';
import type { PairRetry } from './ports.js';

/**
 * Shortens the wait of a pair whose attempt failed: Lambda's event source mapping leaves a failed
 * message (a batch item failure) invisible for the queue's whole visibility timeout, 16 minutes,
 * set for the longest pair; the worker sets it to its backoff instead (domain/sweep-ledger.ts).
 * The message stays first in its account's group, so the account's other regions wait with it.
 */
export class SqsPairRetry implements PairRetry {
  /** What this adapter sends (see calls.ts). */
  static readonly calls: readonly DeclaredCall[] = [
    { action: 'sqs:ChangeMessageVisibility', resource: 'sweep-queue' },
  ];

  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async retryIn(receiptHandle: string, seconds: number): Promise<void> {
    await this.client.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: this.queueUrl,
        ReceiptHandle: receiptHandle,
        VisibilityTimeout: Math.max(0, Math.round(seconds)),
      }),
    );
  }
}
