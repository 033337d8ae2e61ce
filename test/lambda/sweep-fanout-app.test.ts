import type { SQSRecord } from 'aws-lambda';
import { parseSettings } from '../../lambda/domain/settings.js';
import { AlertTopicSink } from '../../lambda/pipeline/alert-topic-sink.js';
import { createSweepPlan, createSweepWorker } from '../../lambda/sweep-fanout-app.js';
import { FakeLister, observation } from '../support/builders.js';
import { MemoryLedger, MemoryQueue } from '../support/fake-ledger.js';
import { FakePublisher, MemoryBaselines, observability } from '../support/fakes.js';

const A = '111122223333';
const DLQ = 'arn:aws:sqs:us-east-1:111122223333:sweep-dlq.fifo';
const NOW = new Date('2026-12-07T03:00:00Z');

/** Records each backoff asked for; throws when `fail` is set. */
class FakeRetry {
  asked: { receiptHandle: string; seconds: number }[] = [];
  fail: Error | null = null;
  async retryIn(receiptHandle: string, seconds: number) {
    if (this.fail) throw this.fail;
    this.asked.push({ receiptHandle, seconds });
  }
}

function world(failing = new Set<string>(), retry = new FakeRetry()) {
  const obs = observability();
  const ledger = new MemoryLedger();
  const queue = new MemoryQueue();
  const reporter = new FakePublisher();
  const plan = createSweepPlan({
    ledger,
    queue,
    reporter,
    accounts: [A],
    regions: ['us-east-1', 'eu-west-1'],
    discover: { accounts: async () => [A] },
    holdHours: 20,
    logger: obs.logger,
    metrics: obs.metrics,
    now: () => NOW,
  });
  const worker = createSweepWorker({
    lister: new FakeLister([observation('a', [], NOW.toISOString())], failing),
    baselines: new MemoryBaselines(),
    sinks: [new AlertTopicSink(new FakePublisher())],
    ledger,
    reporter,
    settings: parseSettings({}),
    deadLetterQueueArn: DLQ,
    retry,
    logger: obs.logger,
    metrics: obs.metrics,
    now: () => NOW,
  });
  const record = (i: number, o: Partial<SQSRecord> = {}) =>
    ({
      messageId: `m${i}`,
      receiptHandle: `r${i}`,
      body: JSON.stringify(queue.sent[i]),
      attributes: { ApproximateReceiveCount: '1' },
      eventSourceARN: 'arn:aws:sqs:us-east-1:111122223333:sweep.fifo',
      ...o,
    }) as SQSRecord;
  return { plan, worker, queue, reporter, record, retry, logged: obs };
}

describe('fanned-out sweep host', () => {
  it('plans the accounts listed and discovered once each, and the workers report the run', async () => {
    const w = world();
    await expect(w.plan()).resolves.toMatchObject({ status: 'planned', pairs: 2 });
    await expect(w.worker({ Records: [w.record(0), w.record(1)] })).resolves.toEqual({
      batchItemFailures: [],
    });
    expect(w.reporter.published.map((m) => m.subject)).toEqual([
      '[INFO] layerwatch drift sweep reached all 2 account/region pairs',
    ]);
  });

  it('hands a failed message back, and every later one of the batch (FIFO order within an account)', async () => {
    const w = world(new Set([A]));
    await w.plan();
    await expect(w.worker({ Records: [w.record(0), w.record(1)] })).resolves.toEqual({
      batchItemFailures: [{ itemIdentifier: 'm0' }, { itemIdentifier: 'm1' }],
    });
    // From the dead-letter queue, the same messages settle the pairs as failed, and the run is reported.
    await w.worker({ Records: [w.record(0, { eventSourceARN: DLQ }), w.record(1, { eventSourceARN: DLQ })] });
    expect(w.reporter.published[0]?.subject).toBe(
      '[HIGH] layerwatch drift sweep could not reach 2 of 2 account/region pairs',
    );
  });

  it.each([
    { attempt: '1', from: 'the queue', seconds: [30] },
    { attempt: '2', from: 'the queue', seconds: [120] },
    { attempt: '3', from: 'the queue', seconds: [480] },
    { attempt: '1', from: 'the dead-letter queue', seconds: [] },
  ])('a pair failed on attempt $attempt from $from is handed out again after $seconds s', async (c) => {
    const w = world(new Set([A]));
    await w.plan();
    const record = w.record(0, {
      attributes: { ApproximateReceiveCount: c.attempt } as SQSRecord['attributes'],
      ...(c.from === 'the dead-letter queue' ? { eventSourceARN: DLQ } : {}),
    });
    await w.worker({ Records: [record] });
    expect(w.retry.asked).toEqual(c.seconds.map((seconds) => ({ receiptHandle: 'r0', seconds })));
  });

  it('still hands the pair back when its backoff cannot be set (the visibility timeout applies)', async () => {
    const retry = new FakeRetry();
    retry.fail = new Error('AccessDenied');
    const w = world(new Set([A]), retry);
    await w.plan();
    await expect(w.worker({ Records: [w.record(0)] })).resolves.toEqual({
      batchItemFailures: [{ itemIdentifier: 'm0' }],
    });
  });

  it('drops a message that is no pair, without failing the batch', async () => {
    const w = world();
    await w.plan();
    const bad = { ...w.record(0), body: '{"runId":"r","account":"x","region":"us-east-1"}' } as SQSRecord;
    await expect(w.worker({ Records: [bad] })).resolves.toEqual({ batchItemFailures: [] });
  });
});
