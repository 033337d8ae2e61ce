/**
 * Sweep step 4, report: the run's counts as metrics and a log line; coverage gaps (pairs not
 * reached, versions and aliases not compared) to the operations topic; then, if any function could not be reported or recorded, the run fails (after the report).
 */
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { AlertPublisher } from '../adapters/ports.js';
import { renderSweepReport } from '../domain/render/sweep.js';
import type { SweepRun } from './sweep-run.js';
import type { SweepMetricName, Telemetry } from './telemetry.js';

export class SweepFailedError extends AggregateError {
  override name = 'SweepFailedError';
}

export async function reportRun(
  { summary, failures }: SweepRun,
  reporter: AlertPublisher,
  metrics: Metrics,
  t: Telemetry,
): Promise<void> {
  for (const [name, value] of [
    ['SweepFunctions', summary.functions],
    ['SweepSeeded', summary.seeded],
    ['SweepDrifted', summary.drifted],
    ['SweepUnreachable', summary.unreachable.length],
  ] as const satisfies readonly (readonly [SweepMetricName, number])[]) {
    metrics.addMetric(name, MetricUnit.Count, value);
  }
  metrics.publishStoredMetrics();
  t.logger.info('Sweep done', { ...summary });
  // A pair not reached, or a version or alias not compared: named on the operations topic.
  if (summary.unreachable.length > 0 || (summary.qualifierGaps ?? []).length > 0)
    await reporter.publish(renderSweepReport(summary));
  if (failures.length > 0) {
    throw new SweepFailedError(
      failures,
      `layerwatch sweep: ${failures.length} function(s) could not be reported or recorded`,
    );
  }
}
