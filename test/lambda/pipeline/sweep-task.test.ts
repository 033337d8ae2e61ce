import { parseSettings } from '../../../lambda/domain/settings.js';
import { AlertTopicSink } from '../../../lambda/pipeline/alert-topic-sink.js';
import { type PairTaskInput, runPairTask, type TaskPorts } from '../../../lambda/pipeline/sweep-task.js';
import { FakeLister, observation } from '../../support/builders.js';
import { MemoryLedger } from '../../support/fake-ledger.js';
import {
  FakePublisher,
  FakeSink,
  MemoryBaselines,
  observability,
  recordingTelemetry,
} from '../../support/fakes.js';
import { layerArn } from '../../support/records.js';

const A = '111122223333';
const NOW = new Date('2026-12-07T03:00:00Z');

async function setup(lister: FakeLister, regions = ['us-east-1']) {
  const ledger = new MemoryLedger();
  const reporter = new FakePublisher();
  const run = {
    runId: 'run-1',
    startedAt: NOW.toISOString(),
    accounts: [A],
    regions,
    holdUntil: NOW.getTime() / 1000 + 3600,
  };
  await ledger.claim(run, NOW.getTime() / 1000);
  const ports: TaskPorts = {
    lister,
    ledger,
    reporter,
    baselines: new MemoryBaselines(),
    sinks: [new AlertTopicSink(new FakePublisher())],
    settings: parseSettings({ minSeverity: 'informational' }),
    metrics: observability().metrics,
  };
  const task = (region: string, o: Partial<PairTaskInput> = {}): PairTaskInput => ({
    runId: run.runId,
    account: A,
    region,
    attempt: 1,
    givenUp: false,
    ...o,
  });
  return { ledger, reporter, ports, task };
}

describe('sweep pair task', () => {
  it('sweeps the pair, settles it with its counts, and the last pair reports the run', async () => {
    const lister = new FakeLister([
      observation('a', [], NOW.toISOString()),
      observation('b', [], NOW.toISOString()),
    ]);
    const { ledger, reporter, ports, task } = await setup(lister, ['us-east-1', 'eu-west-1']);
    await runPairTask(task('us-east-1'), ports, recordingTelemetry(), NOW);
    expect(reporter.published).toHaveLength(0);
    expect([...ledger.outcomes.values()]).toEqual([
      { status: 'ok', functions: 2, seeded: 2, drifted: 0, unchanged: 0, aliases: 0 },
    ]);
    await runPairTask(task('eu-west-1'), ports, recordingTelemetry(), NOW);
    expect(reporter.published.map((m) => m.subject)).toEqual([
      '[INFO] layerwatch drift sweep reached all 2 account/region pairs',
    ]);
  });

  it("compares each function's aliases too, and the run's report names what it could not compare", async () => {
    const lister = new FakeLister([observation('a', [], NOW.toISOString())]);
    lister.aliases.a = Object.assign(new Error('slow down'), { name: 'TooManyRequestsException' });
    const { ledger, reporter, ports, task } = await setup(lister);
    await runPairTask(task('us-east-1'), ports, recordingTelemetry(), NOW);
    expect([...ledger.outcomes.values()]).toEqual([
      {
        status: 'ok',
        functions: 1,
        seeded: 1,
        drifted: 0,
        unchanged: 0,
        qualifierGaps: [
          {
            functionArn: observation('a', [], NOW.toISOString()).fn.arn,
            gap: 'aliases not listed (TooManyRequestsException: slow down)',
          },
        ],
      },
    ]);
    expect(reporter.published).toHaveLength(1);
    expect(reporter.published[0]?.message).toContain(
      'aliases not listed (TooManyRequestsException: slow down)',
    );
  });

  it.each([
    // Every sink is tried before the attempt fails: the one that took it is sent it again.
    { failing: 'the alert topic', onTopic: 0, onHub: 2 },
    { failing: 'a secondary sink', onTopic: 1, onHub: 1 },
  ])(
    'a drift $failing cannot take fails the attempt and leaves the baseline, so that the next attempt reports it',
    async (c) => {
      const lister = new FakeLister([observation('a', [], NOW.toISOString())]);
      const { ledger, ports, task } = await setup(lister);
      const topic = new FakePublisher();
      const hub = new FakeSink('security-hub');
      const p: TaskPorts = { ...ports, sinks: [new AlertTopicSink(topic), hub] };
      await runPairTask(task('us-east-1'), p, recordingTelemetry(), NOW);
      // The seeding run is reported and lets the sweep go; the next day's run finds the drift.
      const next = { runId: 'run-2', startedAt: NOW.toISOString(), accounts: [A], regions: ['us-east-1'] };
      await ledger.claim({ ...next, holdUntil: NOW.getTime() / 1000 + 3600 }, NOW.getTime() / 1000);
      lister.functions = [observation('a', [layerArn('x', 1)], NOW.toISOString())];
      const down = new Error('down');
      if (c.failing === 'the alert topic') topic.fail = down;
      else hub.fail = down;
      await expect(
        runPairTask(task('us-east-1', { runId: 'run-2' }), p, recordingTelemetry(), NOW),
      ).rejects.toThrow(/attempt 1: could not report or record: .*down/);
      expect(topic.published).toHaveLength(c.onTopic);
      const arn = observation('a', [], NOW.toISOString()).fn.arn;
      expect((await p.baselines.get(arn))?.states.at(-1)?.layers).toEqual([]);
      topic.fail = null;
      hub.fail = null;
      await runPairTask(task('us-east-1', { runId: 'run-2', attempt: 2 }), p, recordingTelemetry(), NOW);
      expect(ledger.outcomes.get(`run-2#${A}#us-east-1`)).toMatchObject({ status: 'ok', drifted: 1 });
      expect(hub.delivered).toHaveLength(c.onHub);
      expect(topic.published).toHaveLength(c.onTopic + 1);
    },
  );

  it('keeps the error of a failed attempt and throws, so that the queue hands the pair out again', async () => {
    const { ledger, reporter, ports, task } = await setup(new FakeLister([], new Set([A])));
    await expect(runPairTask(task('us-east-1'), ports, recordingTelemetry(), NOW)).rejects.toThrow(
      /attempt 1: AccessDenied: not authorized/,
    );
    expect(ledger.outcomes.size).toBe(0);
    expect([...ledger.attempts.values()]).toEqual(['AccessDenied: not authorized']);
    expect(reporter.published).toHaveLength(0);
  });

  it('settles a pair from the dead-letter queue as failed with its last error, and reports it', async () => {
    const { ledger, reporter, ports, task } = await setup(new FakeLister([], new Set([A])));
    await expect(runPairTask(task('us-east-1'), ports, recordingTelemetry(), NOW)).rejects.toThrow();
    await runPairTask(task('us-east-1', { attempt: 4, givenUp: true }), ports, recordingTelemetry(), NOW);
    expect([...ledger.outcomes.values()]).toEqual([
      { status: 'failed', error: 'given up after its retries: AccessDenied: not authorized' },
    ]);
    expect(reporter.published[0]?.message).toContain(`${A} / us-east-1: given up after its retries`);
  });

  it('names a pair whose worker never finished an attempt (timed out)', async () => {
    const { reporter, ports, task } = await setup(new FakeLister([]));
    await runPairTask(task('us-east-1', { attempt: 4, givenUp: true }), ports, recordingTelemetry(), NOW);
    expect(reporter.published[0]?.message).toContain('the worker never finished (timed out or stopped)');
  });

  it('settles a pair delivered twice once, and reports the run once', async () => {
    const { reporter, ports, task } = await setup(new FakeLister([]));
    await runPairTask(task('us-east-1'), ports, recordingTelemetry(), NOW);
    await runPairTask(task('us-east-1'), ports, recordingTelemetry(), NOW);
    expect(reporter.published).toHaveLength(1);
  });
});
