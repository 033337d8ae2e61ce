/**
 * The fanned-out sweep's bookkeeping, as data: a planned run, each pair's final outcome, and the
 * coverage a run's records add up to. Every planned pair without a successful outcome is named in
 * the coverage, with the last error known of it, or as never finished: never passed over.
 */
import { addQualifierGap, type SweepSummary } from './render/sweep.js';

/**
 * How long the sweep's worker may take over one pair (an account and region of many functions):
 * its function timeout. A plain number, so that the worker and the stack (lib/constructs/sweep.ts,
 * which makes it a Duration) read the same one.
 */
export const PAIR_TIMEOUT_SECONDS = 15 * 60;

/**
 * How long a pair taken from the sweep's queue (or its dead-letter queue) stays hidden: the
 * worker's timeout and a minute. The queues' visibility timeout (lib/constructs/sweep.ts), the
 * longest backoff the worker sets (below) and the dead-letter age alarm (lib/constructs/operations.ts)
 * all come from this one number.
 */
export const PAIR_VISIBILITY_SECONDS = PAIR_TIMEOUT_SECONDS + 60;

/**
 * How long a pair whose attempt `attempt` (1 for the first) failed waits before it is handed out
 * again: 30 s, then 2 and 8 minutes (a throttle or a stalled role eases in seconds to minutes),
 * never longer than the queue's own visibility timeout, which applies when this cannot be set.
 */
export function pairRetryDelaySeconds(attempt: number, visibilitySeconds = PAIR_VISIBILITY_SECONDS): number {
  const n = Math.max(1, Math.floor(attempt));
  return Math.min(visibilitySeconds, 30 * 4 ** (n - 1));
}

/** One account/region pair of a planned run. */
export interface PlannedPair {
  readonly account: string;
  readonly region: string;
}

/** A run as planned: its identity, what it covers, until when it holds the sweep. */
export interface PlannedRun {
  readonly runId: string;
  readonly startedAt: string;
  readonly accounts: readonly string[];
  readonly regions: readonly string[];
  /** Epoch seconds after which the run no longer holds the sweep (a later run may start). */
  readonly holdUntil: number;
  /** Why the organization could not be listed, when it could not (reported with the run). */
  readonly discoveryError?: string;
}

/** The final word on one pair: swept (with its counts), or given up after its retries. */
export type PairOutcome =
  | ({ status: 'ok'; functions: number; seeded: number; drifted: number; unchanged: number } & PairQualifiers)
  | { status: 'failed'; error: string };

/** What the pair's sweep of versions and aliases counted, and what it could not compare (each named). */
export type PairQualifiers = Pick<
  SweepSummary,
  'aliases' | 'versionsRead' | 'qualifiersDrifted' | 'qualifierGaps' | 'qualifierGapsMore'
>;

/** What is recorded of a pair when its run is reported. */
export interface PairRecord {
  outcome?: PairOutcome;
  /** The error of its last failed attempt, when one was recorded. */
  lastError?: string;
}

/** A run as the ledger holds it: its plan, and the pairs still without a final outcome. */
export interface RunState {
  readonly run: PlannedRun;
  readonly remaining: number;
  readonly reported: boolean;
}

export function plannedPairs(run: PlannedRun): PlannedPair[] {
  return run.accounts.flatMap((account) => run.regions.map((region) => ({ account, region })));
}

/**
 * The run's coverage from its records (in the order of `plannedPairs`): reached pairs add their
 * counts; every other pair is unreachable, with its error, its last attempt's, or "no outcome".
 */
export function coverageOf(
  run: PlannedRun,
  records: readonly PairRecord[],
  cutOff: string | null,
): SweepSummary {
  const pairs = plannedPairs(run);
  const summary: SweepSummary = {
    startedAt: run.startedAt,
    pairs: pairs.length,
    reached: 0,
    functions: 0,
    seeded: 0,
    drifted: 0,
    unchanged: 0,
    unreachable: run.discoveryError
      ? [{ account: 'organization', region: 'all', error: run.discoveryError }]
      : [],
  };
  pairs.forEach((pair, i) => {
    const r = records[i] ?? {};
    const o = r.outcome;
    if (o?.status === 'ok') {
      summary.reached += 1;
      summary.functions += o.functions;
      summary.seeded += o.seeded;
      summary.drifted += o.drifted;
      summary.unchanged += o.unchanged;
      addQualifiers(summary, o);
      return;
    }
    const error =
      o?.status === 'failed'
        ? o.error
        : cutOff
          ? `no outcome by ${cutOff}${r.lastError ? ` (last attempt: ${r.lastError})` : ''}`
          : (r.lastError ?? 'no outcome');
    summary.unreachable.push({ ...pair, error });
  });
  return summary;
}

function addQualifiers(summary: SweepSummary, o: PairQualifiers): void {
  for (const key of ['aliases', 'versionsRead', 'qualifiersDrifted'] as const)
    if (o[key] !== undefined) summary[key] = (summary[key] ?? 0) + (o[key] ?? 0);
  for (const g of o.qualifierGaps ?? []) addQualifierGap(summary, g.functionArn, g.gap);
  if (o.qualifierGapsMore) summary.qualifierGapsMore = (summary.qualifierGapsMore ?? 0) + o.qualifierGapsMore;
}
