/**
 * Sweep step 2, list: every function of one account and region, each handed to `observe`. A pair
 * that cannot be listed is a coverage gap (reported, never passed over); a function that cannot be
 * reported or recorded is a failure of the run (the sweep alarm fires, the next run tries again).
 */
import type { FunctionLister } from '../adapters/ports.js';
import type { Observation } from '../domain/observation.js';
import type { Pair, SweepRun } from './sweep-run.js';
import type { Telemetry } from './telemetry.js';

export async function sweepPair(
  { account, region }: Pair,
  lister: FunctionLister,
  observe: (o: Observation) => Promise<void>,
  run: SweepRun,
  t: Telemetry,
): Promise<void> {
  const functions = lister.listFunctions(account, region)[Symbol.asyncIterator]();
  for (;;) {
    let next: IteratorResult<Observation>;
    try {
      next = await functions.next();
    } catch (error) {
      const e = error instanceof Error ? error : new Error(String(error));
      run.summary.unreachable.push({ account, region, error: `${e.name}: ${e.message}` });
      t.logger.error('Sweep could not list functions', { account, region, error: e.message });
      return;
    }
    if (next.done) break;
    try {
      await observe(next.value);
    } catch (error) {
      const e = error instanceof Error ? error : new Error(String(error));
      run.failures.push(e);
      t.logger.error('Sweep could not report or record a function', {
        functionArn: next.value.fn.arn,
        error: e.message,
      });
    }
  }
  run.summary.reached += 1;
}
