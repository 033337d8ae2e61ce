/**
 * Fan-out step 3, report: a run's coverage, from the ledger, to the operations topic and as metrics,
 * every run (a run that reached every pair says so too), then the run lets the sweep go. Sent by the
 * worker that settles a run's last pair, or by the next plan when a run's hold ended without one.
 */
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { AlertPublisher, SweepLedger } from '../adapters/ports.js';
import { renderSweepReport, type SweepSummary } from '../domain/render/sweep.js';
import { coverageOf, type PlannedRun, plannedPairs } from '../domain/sweep-ledger.js';
import type { SweepMetricName, Telemetry } from './telemetry.js';

export interface CoveragePorts {
  readonly ledger: SweepLedger;
  readonly reporter: AlertPublisher;
  readonly metrics: Metrics;
}

/**
 * Reports `run` (published before it is marked reported: a report may be sent twice, never lost)
 * and returns its coverage; null when another invocation had reported it.
 * `cutOff` names when pairs without an outcome were given up (a run whose hold ended).
 */
export async function reportCoverage(
  run: PlannedRun,
  ports: CoveragePorts,
  t: Telemetry,
  now: Date,
  cutOff: string | null = null,
): Promise<SweepSummary | null> {
  const summary = coverageOf(run, await ports.ledger.records(run.runId, plannedPairs(run)), cutOff);
  await ports.reporter.publish(renderSweepReport(summary));
  for (const [name, value] of [
    ['SweepFunctions', summary.functions],
    ['SweepSeeded', summary.seeded],
    ['SweepDrifted', summary.drifted],
    ['SweepUnreachable', summary.unreachable.length],
  ] as const satisfies readonly (readonly [SweepMetricName, number])[]) {
    ports.metrics.addMetric(name, MetricUnit.Count, value);
  }
  ports.metrics.publishStoredMetrics();
  const first = await ports.ledger.finish(run.runId, now.toISOString());
  t.logger.info('Sweep reported', {
    runId: run.runId,
    ...summary,
    unreachable: summary.unreachable.length,
    first,
  });
  return first ? summary : null;
}
