import { createHash } from 'node:crypto';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { PlannedPair } from '../domain/sweep-ledger.js';
import { forEachLimited } from '../pipeline/pool.js';
import type { DeclaredCall } from './calls.js';
import type { PairQueue } from './ports.js';

/** The message of one pair: which run, which account and region. */
export interface PairTask extends PlannedPair {
  readonly runId: string;
}

/** A pair task from a message body, or null when the body is not one. */
export function parsePairTask(body: string): PairTask | null {
  let v: unknown;
  try {
    v = JSON.parse(body);
  } catch {
    return null;
  }
  const t = v as Partial<PairTask> | null;
  const ok =
    typeof t?.runId === 'string' &&
    typeof t.account === 'string' &&
    /^\d{12}$/.test(t.account) &&
    typeof t.region === 'string' &&
    /^[a-z]{2}(-[a-z]+)+-\d$/.test(t.region);
  return ok ? { runId: t.runId as string, account: t.account as string, region: t.region as string } : null;
}

/**
 * Sends one message per pair to the sweep's FIFO queue. The account is the message
 * group: SQS hands a group's messages out one at a time, so that one account's Lambda API is read
 * by one worker at a time, whatever the number of workers. The deduplication id makes a resent
 * plan (a retried plan invocation) a no-op within SQS's five minutes.
 */
export class SqsPairQueue implements PairQueue {
  /** What this adapter sends (see calls.ts). */
  static readonly calls: readonly DeclaredCall[] = [{ action: 'sqs:SendMessage', resource: 'sweep-queue' }];

  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  /** Sends every task, `concurrency` requests at a time; returns those that could not be sent. */
  async enqueue(tasks: readonly PairTask[], concurrency = 16): Promise<(PairTask & { error: string })[]> {
    const failed: (PairTask & { error: string })[] = [];
    await forEachLimited(tasks, concurrency, async (t) => {
      try {
        await this.client.send(
          new SendMessageCommand({
            QueueUrl: this.queueUrl,
            MessageBody: JSON.stringify(t),
            MessageGroupId: t.account,
            MessageDeduplicationId: createHash('sha256')
              .update(`${t.runId}|${t.account}|${t.region}`)
              .digest('hex'),
          }),
        );
      } catch (error) {
        const e = error instanceof Error ? error : new Error(String(error));
        failed.push({ ...t, error: `${e.name}: ${e.message}` });
      }
    });
    return failed;
  }
}
