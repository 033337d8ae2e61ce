import { forEachLimited } from '../../../lambda/pipeline/pool.js';
import { startRun } from '../../../lambda/pipeline/sweep-run.js';

describe('sweep plan', () => {
  it('covers every account x region pair, with a run id unique even on the same clock', () => {
    const now = new Date('2026-03-14T10:00:00Z');
    const a = startRun(['1', '2'], ['us-east-1', 'eu-west-1'], now);
    const b = startRun(['1', '2'], ['us-east-1', 'eu-west-1'], now);
    expect(a.pairs).toHaveLength(4);
    expect(a.summary).toMatchObject({ startedAt: '2026-03-14T10:00:00.000Z', pairs: 4, reached: 0 });
    expect(a.runId).not.toBe(b.runId);
    expect(a.runId.startsWith('2026-03-14T10:00:00.000Z#')).toBe(true);
  });

  it('works through every item, never more than `concurrency` at once', async () => {
    let running = 0;
    let peak = 0;
    const done: number[] = [];
    await forEachLimited([1, 2, 3, 4, 5, 6, 7], 3, async (i) => {
      running += 1;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, 2));
      done.push(i);
      running -= 1;
    });
    expect(done.sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(peak).toBe(3);
  });

  it('runs with one worker when asked for none, and with nothing to do', async () => {
    const done: number[] = [];
    await forEachLimited([1, 2], 0, async (i) => void done.push(i));
    await forEachLimited([], 4, async () => {
      throw new Error('never');
    });
    expect(done).toEqual([1, 2]);
  });
});
