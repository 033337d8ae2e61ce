/** Sweep step 1, plan: one run's identity, its account/region pairs and its tally. */
import { randomUUID } from 'node:crypto';
import type { SweepSummary } from '../domain/render/sweep.js';

export interface Pair {
  account: string;
  region: string;
}

export interface SweepRun {
  /** Unique per run, even for two runs that read the same clock (it keys the drift events). */
  runId: string;
  pairs: Pair[];
  summary: SweepSummary;
  /** Functions whose drift could not be reported or recorded (not coverage gaps: the run fails). */
  failures: Error[];
}

export function startRun(accounts: readonly string[], regions: readonly string[], now: Date): SweepRun {
  const pairs = accounts.flatMap((account) => regions.map((region) => ({ account, region })));
  return {
    // An event id must never repeat across runs, or the baseline would take the previous run's
    // state for this event's own.
    runId: `${now.toISOString()}#${randomUUID()}`,
    pairs,
    summary: {
      startedAt: now.toISOString(),
      pairs: pairs.length,
      reached: 0,
      functions: 0,
      seeded: 0,
      drifted: 0,
      unchanged: 0,
      unreachable: [],
    },
    failures: [],
  };
}
