/** Logs and metrics as the steps use them: one logger, and counters flushed once per invocation. */
import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

export interface Telemetry {
  readonly logger: Logger;
  /** Counts one occurrence; with dimensions, the metric goes out at once (a single metric). */
  count(name: string, dimensions?: Readonly<Record<string, string>>): void;
  /** Records a duration in milliseconds, with dimensions, at once (a single metric). */
  measure(name: string, milliseconds: number, dimensions: Readonly<Record<string, string>>): void;
}

export interface InvocationTelemetry extends Telemetry {
  /** Publishes the counters stored since the last flush, if any (an empty flush warns on every event). */
  flush(): void;
}

export function invocationTelemetry(logger: Logger, metrics: Metrics): InvocationTelemetry {
  let stored = false;
  return {
    logger,
    count(name, dimensions = {}) {
      if (Object.keys(dimensions).length === 0) {
        metrics.addMetric(name, MetricUnit.Count, 1);
        stored = true;
        return;
      }
      const single = metrics.singleMetric();
      for (const [k, v] of Object.entries(dimensions)) single.addDimension(k, v);
      single.addMetric(name, MetricUnit.Count, 1);
    },
    measure(name, milliseconds, dimensions) {
      const single = metrics.singleMetric();
      for (const [k, v] of Object.entries(dimensions)) single.addDimension(k, v);
      single.addMetric(name, MetricUnit.Milliseconds, milliseconds);
    },
    flush() {
      if (stored) metrics.publishStoredMetrics();
      stored = false;
    },
  };
}
