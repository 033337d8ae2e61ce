/**
 * Fan-out step 1, plan: the run's pairs, queued one message each, once the run holds the sweep. A
 * run still holding it (its hold has not ended) is never doubled: the new start is skipped, logged
 * and counted (SweepOverlaps). A run whose hold ended without a report is reported first, its
 * unfinished pairs named.
 */
import { randomUUID } from 'node:crypto';
import type { PairQueue, SweepLedger } from '../adapters/ports.js';
import { type PlannedRun, plannedPairs } from '../domain/sweep-ledger.js';
import { type CoveragePorts, reportCoverage } from './sweep-coverage.js';
import type { Telemetry } from './telemetry.js';

export interface PlanPorts extends CoveragePorts {
  readonly ledger: SweepLedger;
  readonly queue: PairQueue;
}

export type PlanResult =
  | { status: 'planned'; runId: string; pairs: number }
  | { status: 'skipped'; holder: string };

export async function planRun(
  scope: { accounts: readonly string[]; regions: readonly string[]; discoveryError: string | null },
  holdHours: number,
  ports: PlanPorts,
  t: Telemetry,
  now: Date,
): Promise<PlanResult> {
  const nowSeconds = Math.floor(now.getTime() / 1000);
  const previous = await ports.ledger.holder();
  if (previous && !previous.reported && previous.run.holdUntil < nowSeconds) {
    const end = new Date(previous.run.holdUntil * 1000).toISOString();
    t.logger.warn('Sweep run ended without a report: reporting it', { runId: previous.run.runId });
    await reportCoverage(previous.run, ports, t, now, end);
  }
  const run: PlannedRun = {
    // An event id must never repeat across runs (it keys the drift events).
    runId: `${now.toISOString()}#${randomUUID()}`,
    startedAt: now.toISOString(),
    accounts: [...scope.accounts],
    regions: [...scope.regions],
    holdUntil: nowSeconds + Math.round(holdHours * 3600),
    ...(scope.discoveryError ? { discoveryError: scope.discoveryError } : {}),
  };
  const claim = await ports.ledger.claim(run, nowSeconds);
  if (!claim.claimed) {
    t.count('SweepOverlaps');
    t.logger.warn('Sweep skipped: the previous run still holds it', { holder: claim.holder });
    return { status: 'skipped', holder: claim.holder };
  }
  const pairs = plannedPairs(run);
  if (pairs.length === 0) {
    await reportCoverage(run, ports, t, now);
    return { status: 'planned', runId: run.runId, pairs: 0 };
  }
  const failed = await ports.queue.enqueue(pairs.map((p) => ({ runId: run.runId, ...p })));
  // A pair that could not be queued is settled as failed at once: the run still adds up.
  for (const f of failed) {
    const left = await ports.ledger.settle(
      run.runId,
      f,
      { status: 'failed', error: `could not be queued: ${f.error}` },
      run.holdUntil + 7 * 24 * 3600,
    );
    if (left === 0) await reportCoverage(run, ports, t, now);
  }
  t.logger.info('Sweep planned', { runId: run.runId, pairs: pairs.length, unqueued: failed.length });
  return { status: 'planned', runId: run.runId, pairs: pairs.length };
}
