/**
 * The drift sweep in one process (the deployed sweep fans the same per-pair steps out: see
 * sweep-fanout-app.ts; this form remains for tests that sweep a few pairs at once): lists every
 * function of every covered account and region, seeds baselines for functions never seen, and
 * reports `lambda-layer-drift` for layer lists that changed without an event. Named steps
 * (lambda/pipeline/sweep-*.ts):
 *
 *   plan -> for each pair, a few at a time: list -> for each function: observe, its versions and
 *   aliases -> report
 *
 * A pair that cannot be listed is reported to the operations topic, never passed over in silence;
 * a drift that cannot be delivered or recorded fails the run after the report (the sweep alarm
 * fires, and the next run reports the drift again: its baseline was not moved).
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type {
  AlertPublisher,
  BaselineStore,
  FindingSink,
  FunctionLister,
  OrganizationAccounts,
} from './adapters/ports.js';
import type { SweepSummary } from './domain/render/sweep.js';
import type { DetectionSettings } from './domain/settings.js';
import { forEachLimited } from './pipeline/pool.js';
import { observeFunction } from './pipeline/sweep-observe.js';
import { sweepPair } from './pipeline/sweep-pair.js';
import { observeQualifiers } from './pipeline/sweep-qualifiers.js';
import { reportRun } from './pipeline/sweep-report.js';
import { discoverAccounts, startRun } from './pipeline/sweep-run.js';
import { invocationTelemetry } from './pipeline/telemetry.js';

export interface SweepDeps {
  lister: FunctionLister;
  baselines: BaselineStore;
  /** Where drift findings go; the first is the alert topic. */
  sinks: readonly FindingSink[];
  /** Where coverage gaps are reported (the operations topic). */
  reporter: AlertPublisher;
  settings: DetectionSettings;
  accounts: readonly string[];
  /** The organization's accounts, swept besides `accounts` (organization mode without sweepAccounts). */
  discover?: OrganizationAccounts;
  regions: readonly string[];
  /** Pairs swept at once. @default 4 */
  concurrency?: number;
  logger: Logger;
  metrics: Metrics;
  now?: () => Date;
}

export function createSweep(deps: SweepDeps): () => Promise<SweepSummary> {
  const { lister, reporter, logger, metrics } = deps;
  // Counters with dimensions (a failed sink) go out at once; the run totals with reportRun.
  const t = invocationTelemetry(logger, metrics);
  return async () => {
    const discovered = await discoverAccounts(deps.discover, t);
    const accounts = [...new Set([...deps.accounts, ...discovered.accounts])];
    const run = startRun(accounts, deps.regions, deps.now?.() ?? new Date());
    // An organization that cannot be listed is a coverage gap like a pair that cannot be listed.
    if (discovered.error)
      run.summary.unreachable.push({ account: 'organization', region: 'all', error: discovered.error });
    const observe = async (o: Parameters<typeof observeFunction>[0]) => {
      run.summary.functions += 1;
      run.summary[await observeFunction(o, run.runId, deps, t)] += 1;
      await observeQualifiers(o, run, deps, t);
    };
    await forEachLimited(run.pairs, deps.concurrency ?? 4, (pair) =>
      sweepPair(pair, lister, observe, run, t),
    );
    await reportRun(run, reporter, metrics, t);
    return run.summary;
  };
}
