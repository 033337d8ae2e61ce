/** Sweep step 1, plan: one run's identity, its account/region pairs and its tally. */
import { randomUUID } from 'node:crypto';
import type { OrganizationAccounts } from '../adapters/ports.js';
import type { SweepSummary } from '../domain/render/sweep.js';
import type { Telemetry } from './telemetry.js';

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

/** The organization's accounts to sweep, or why they could not be listed (reported, never silent). */
export async function discoverAccounts(
  discover: OrganizationAccounts | undefined,
  t: Telemetry,
): Promise<{ accounts: readonly string[]; error: string | null }> {
  if (!discover) return { accounts: [], error: null };
  try {
    return { accounts: await discover.accounts(), error: null };
  } catch (error) {
    const e = error as Error;
    t.logger.error('Sweep could not list the organization', { error: e.message });
    return { accounts: [], error: `${e.name}: ${e.message}` };
  }
}
