import { planRun } from '../../../lambda/pipeline/sweep-plan.js';
import { MemoryLedger, MemoryQueue } from '../../support/fake-ledger.js';
import { FakePublisher, observability, recordingTelemetry } from '../../support/fakes.js';

const A = '111111111111';
const B = '222222222222';
const NOW = new Date('2026-12-07T03:00:00Z');
const later = (hours: number) => new Date(NOW.getTime() + hours * 3600_000);
const scope = { accounts: [A, B], regions: ['us-east-1', 'eu-west-1'], discoveryError: null };

function ports(queue = new MemoryQueue()) {
  const obs = observability();
  return { ledger: new MemoryLedger(), queue, reporter: new FakePublisher(), metrics: obs.metrics, obs };
}

describe('sweep plan step', () => {
  it('claims the run and queues one message per account and region', async () => {
    const p = ports();
    const result = await planRun(scope, 20, p, recordingTelemetry(), NOW);
    expect(result).toMatchObject({ status: 'planned', pairs: 4 });
    expect(p.queue.sent.map((t) => `${t.account}/${t.region}`)).toEqual([
      `${A}/us-east-1`,
      `${A}/eu-west-1`,
      `${B}/us-east-1`,
      `${B}/eu-west-1`,
    ]);
    expect(new Set(p.queue.sent.map((t) => t.runId))).toEqual(new Set([(result as { runId: string }).runId]));
  });

  it('skips a start while the run holds the sweep, counting it, and plans again once the run let it go', async () => {
    const p = ports();
    const t = recordingTelemetry();
    const first = await planRun(scope, 20, p, t, NOW);
    expect(await planRun(scope, 20, p, t, later(1))).toEqual({
      status: 'skipped',
      holder: (first as { runId: string }).runId,
    });
    expect(t.counted).toEqual(['SweepOverlaps']);
    expect(p.queue.sent).toHaveLength(4);
    await p.ledger.finish((first as { runId: string }).runId, later(2).toISOString());
    expect(await planRun(scope, 20, p, t, later(3))).toMatchObject({ status: 'planned' });
  });

  it('reports a run whose hold ended without a report, naming its unfinished pairs, then plans', async () => {
    const p = ports();
    const first = (await planRun(scope, 20, p, recordingTelemetry(), NOW)) as { runId: string };
    await p.ledger.settle(
      first.runId,
      { account: A, region: 'us-east-1' },
      {
        status: 'ok',
        functions: 2,
        seeded: 0,
        drifted: 0,
        unchanged: 2,
      },
    );
    const next = await planRun(scope, 20, p, recordingTelemetry(), later(21));
    expect(next).toMatchObject({ status: 'planned' });
    expect(p.reporter.published).toHaveLength(1);
    expect(p.reporter.published[0]?.subject).toBe(
      '[HIGH] layerwatch drift sweep could not reach 3 of 4 account/region pairs',
    );
    expect(p.reporter.published[0]?.message).toContain('no outcome by 2026-12-07T23:00:00.000Z');
  });

  it('settles a pair it could not queue as failed, so that the run still adds up and is reported', async () => {
    const p = ports(new MemoryQueue(new Set([A, B])));
    await planRun(scope, 20, p, recordingTelemetry(), NOW);
    expect(p.reporter.published).toHaveLength(1);
    expect(p.reporter.published[0]?.message).toContain(
      'could not be queued: InternalError: queue unavailable',
    );
    expect(p.ledger.lock).toBeNull();
  });

  it('reports a run with no pair at once (an organization it could not list)', async () => {
    const p = ports();
    await planRun(
      { accounts: [], regions: ['us-east-1'], discoveryError: 'AccessDenied: no' },
      20,
      p,
      recordingTelemetry(),
      NOW,
    );
    expect(p.reporter.published[0]?.subject).toMatch(/could not reach 1 of 0/);
  });
});
