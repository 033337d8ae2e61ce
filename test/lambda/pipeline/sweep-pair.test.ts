import { sweepPair } from '../../../lambda/pipeline/sweep-pair.js';
import { startRun } from '../../../lambda/pipeline/sweep-run.js';
import { FakeLister, observation } from '../../support/builders.js';
import { recordingTelemetry } from '../../support/fakes.js';

const A = '111122223333';
const pair = { account: A, region: 'us-east-1' };

describe('sweep list step', () => {
  it('hands every function of the pair to observe, and counts the pair reached', async () => {
    const run = startRun([A], ['us-east-1'], new Date());
    const seen: string[] = [];
    const lister = new FakeLister([
      observation('a', [], '2026-03-14T10:00:00Z'),
      observation('b', [], '2026-03-14T10:00:00Z'),
    ]);
    await sweepPair(pair, lister, async (o) => void seen.push(o.fn.name), run, recordingTelemetry());
    expect(seen).toEqual(['a', 'b']);
    expect(run.summary.reached).toBe(1);
  });

  it('reports a pair it cannot list as unreachable, not reached', async () => {
    const run = startRun([A], ['us-east-1'], new Date());
    await sweepPair(pair, new FakeLister([], new Set([A])), async () => {}, run, recordingTelemetry());
    expect(run.summary).toMatchObject({
      reached: 0,
      unreachable: [{ account: A, error: 'AccessDenied: not authorized' }],
    });
  });

  it('keeps going past a function it cannot observe, and remembers the failure for the run', async () => {
    const run = startRun([A], ['us-east-1'], new Date());
    const lister = new FakeLister([
      observation('a', [], '2026-03-14T10:00:00Z'),
      observation('b', [], '2026-03-14T10:00:00Z'),
    ]);
    const seen: string[] = [];
    await sweepPair(
      pair,
      lister,
      async (o) => {
        seen.push(o.fn.name);
        if (o.fn.name === 'a') throw new Error('SNS down');
      },
      run,
      recordingTelemetry(),
    );
    expect(seen).toEqual(['a', 'b']);
    expect(run.failures.map((e) => e.message)).toEqual(['SNS down']);
    expect(run.summary).toMatchObject({ reached: 1, unreachable: [] });
  });
});
