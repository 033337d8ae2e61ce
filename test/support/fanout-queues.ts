/**
 * The fanned-out sweep's queues in moto, and a drain that plays Lambda's SQS event source mapping:
 * one message a batch, its receive count as `ApproximateReceiveCount`, a failed message left to come
 * back (visibility timeout 0 here, so at once), a message received `attempts` times moved to the
 * dead-letter queue by SQS itself (its redrive policy), whose messages go to the same worker.
 */
import {
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { clientConfig } from './moto.js';

export interface FanOutQueues {
  queueUrl: string;
  deadLetterQueueArn: string;
}

export async function fanOutQueues<T extends { worker: (e: SQSEvent) => Promise<SQSBatchResponse> }>(
  sqs: SQSClient,
  attempts: number,
  build: (q: FanOutQueues) => T,
  /** 0 hands a failed message out again at once; concurrent drains need more, as Lambda's mapping has. */
  visibilitySeconds = 0,
) {
  const n = Math.random().toString(36).slice(2, 8);
  const create = async (name: string, attributes: Record<string, string>) => {
    const url = (
      await sqs.send(
        new CreateQueueCommand({
          QueueName: `${name}-${n}.fifo`,
          Attributes: { FifoQueue: 'true', VisibilityTimeout: String(visibilitySeconds), ...attributes },
        }),
      )
    ).QueueUrl as string;
    const arn = (
      await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }))
    ).Attributes?.QueueArn as string;
    return { url, arn };
  };
  const dlq = await create('sweep-dlq', {});
  const queue = await create('sweep', {
    RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: attempts }),
  });
  const built = build({ queueUrl: queue.url, deadLetterQueueArn: dlq.arn });
  let onInvocation: ((ms: number) => void) | undefined;
  const take = async (q: { url: string; arn: string }): Promise<boolean> => {
    const out = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: q.url,
        MaxNumberOfMessages: 1,
        MessageSystemAttributeNames: ['ApproximateReceiveCount'],
      }),
    );
    const m = out.Messages?.[0];
    if (!m) return false;
    const record = {
      messageId: m.MessageId,
      receiptHandle: m.ReceiptHandle,
      body: m.Body,
      attributes: { ApproximateReceiveCount: m.Attributes?.ApproximateReceiveCount ?? '1' },
      eventSourceARN: q.arn,
    } as unknown as SQSRecord;
    const started = performance.now();
    const result = await built.worker({ Records: [record] });
    onInvocation?.(performance.now() - started);
    if (result.batchItemFailures.length === 0)
      await sqs.send(new DeleteMessageCommand({ QueueUrl: q.url, ReceiptHandle: m.ReceiptHandle }));
    else
      await sqs.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: q.url,
          ReceiptHandle: m.ReceiptHandle,
          VisibilityTimeout: 0,
        }),
      );
    return true;
  };
  /**
   * Hands out messages, `concurrency` workers at once, until both queues stay empty (or, given
   * `until`, until it says so: a FIFO group waits out its visibility timeout); returns how many
   * invocations the workers had (each timed through `timed`).
   */
  const drain = async (
    limit = 10_000,
    concurrency = 1,
    timed?: (ms: number) => void,
    until?: () => Promise<boolean>,
  ): Promise<number> => {
    onInvocation = timed;
    let invocations = 0;
    const loop = async () => {
      for (let idle = 0; invocations < limit; ) {
        const took = (await take(queue)) || (await take(dlq));
        if (took) {
          invocations += 1;
          idle = 0;
          continue;
        }
        idle += 1;
        if (!until && idle >= 2) return;
        if (until && (await until())) return;
        if (until) await new Promise((r) => setTimeout(r, 250));
      }
    };
    await Promise.all(Array.from({ length: concurrency }, loop));
    return invocations;
  };
  return { ...built, drain, queueUrl: queue.url, deadLetterQueueArn: dlq.arn };
}

/**
 * A fresh pair of sweep queues in moto's default account, and every message on the first as the
 * event source mapping would hand it out (for the deployed entries, loaded as Lambda loads them).
 */
export async function fanOutQueuesIn(endpoint: string) {
  const sqs = new SQSClient(clientConfig(endpoint));
  let receiveAll: () => Promise<SQSRecord[]> = async () => [];
  const q = await fanOutQueues(sqs, 3, (queues) => {
    receiveAll = async () => {
      const out = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queues.queueUrl,
          MaxNumberOfMessages: 10,
          MessageSystemAttributeNames: ['ApproximateReceiveCount'],
        }),
      );
      return (out.Messages ?? []).map(
        (m) =>
          ({
            messageId: m.MessageId,
            receiptHandle: m.ReceiptHandle,
            body: m.Body,
            attributes: { ApproximateReceiveCount: m.Attributes?.ApproximateReceiveCount ?? '1' },
            eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:the-queue',
          }) as unknown as SQSRecord,
      );
    };
    return { worker: async () => ({ batchItemFailures: [] }) };
  });
  return { queueUrl: q.queueUrl, deadLetterQueueArn: q.deadLetterQueueArn, receiveAll };
}
