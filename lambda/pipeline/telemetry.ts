/** Logs and metrics as the steps use them: one logger, and counters flushed once per invocation. */
import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

/** Every metric's namespace; Powertools adds the runtime's `service` dimension to each. */
export const METRIC_NAMESPACE = 'LayerWatch';

/**
 * Every metric the runtimes emit, in one place: its runtime's `service`, the sets of dimensions it
 * is emitted with (besides `service`), and what it counts. `count`/`measure` accept only these names,
 * the dashboard (lib/constructs/dashboard.ts) draws each of them, and a test reads the sources for
 * every name emitted. Dimensions have bounded values only: a region, an account of the organization,
 * a detection id, a severity, a sink.
 */
export const EMITTED_METRICS = {
  Heartbeat: { service: 'layerwatch', dimensions: [['Region'], ['Account', 'Region']] },
  DetectionLatency: { service: 'layerwatch', dimensions: [['Region']] },
  FindingsPublished: { service: 'layerwatch', dimensions: [['detectionId', 'severity']] },
  FindingsSuppressed: { service: 'layerwatch', dimensions: [['detectionId']] },
  DeliveryFailures: { service: 'layerwatch', dimensions: [['sink']] },
  MalformedEvents: { service: 'layerwatch', dimensions: [[]] },
  IgnoredEvents: { service: 'layerwatch', dimensions: [[]] },
  DuplicateEvents: { service: 'layerwatch', dimensions: [[]] },
  DetectionErrors: { service: 'layerwatch', dimensions: [[]] },
  EnrichmentFailures: { service: 'layerwatch', dimensions: [[]] },
  LayerInspectionGaps: { service: 'layerwatch', dimensions: [[]] },
  LayerInspections: { service: 'layerwatch', dimensions: [[]] },
  InspectionCacheHits: { service: 'layerwatch', dimensions: [[]] },
  InspectionCacheFailures: { service: 'layerwatch', dimensions: [[]] },
  SweepFunctions: { service: 'layerwatch-sweep', dimensions: [[]] },
  SweepSeeded: { service: 'layerwatch-sweep', dimensions: [[]] },
  SweepDrifted: { service: 'layerwatch-sweep', dimensions: [[]] },
  SweepUnreachable: { service: 'layerwatch-sweep', dimensions: [[]] },
  SweepOverlaps: { service: 'layerwatch-sweep', dimensions: [[]] },
} as const satisfies Record<string, { service: string; dimensions: readonly (readonly string[])[] }>;

export type MetricName = keyof typeof EMITTED_METRICS;
/** The sweep's counts, published once per run (pipeline/sweep-coverage.ts). */
export type SweepMetricName = {
  [K in MetricName]: (typeof EMITTED_METRICS)[K]['service'] extends 'layerwatch-sweep' ? K : never;
}[MetricName];

export interface Telemetry {
  readonly logger: Logger;
  /** Counts one occurrence; with dimensions, the metric goes out at once (a single metric). */
  count(name: MetricName, dimensions?: Readonly<Record<string, string>>): void;
  /** Records a duration in milliseconds, with dimensions, at once (a single metric). */
  measure(name: MetricName, milliseconds: number, dimensions: Readonly<Record<string, string>>): void;
}

export interface InvocationTelemetry extends Telemetry {
  /** Publishes the counters stored since the last flush, if any (an empty flush warns on every event). */
  flush(): void;
}

export function invocationTelemetry(logger: Logger, metrics: Metrics): InvocationTelemetry {
  let stored = false;
  // One single-metric emitter, made on first use and kept: `singleMetric()` builds a whole Metrics
  // (its own Console, stores, environment reads; about 10 KB of heap) on every call, and each
  // emission already clears what it was given (metric, dimensions, metadata).
  let single: Metrics | undefined;
  const emit = (
    name: MetricName,
    unit: (typeof MetricUnit)[keyof typeof MetricUnit],
    value: number,
    dimensions: Readonly<Record<string, string>>,
  ) => {
    single ??= metrics.singleMetric();
    try {
      // Own keys of a plain object, in Object.entries' order, without its arrays of pairs.
      for (const k in dimensions)
        if (Object.hasOwn(dimensions, k)) single.addDimension(k, dimensions[k] as string);
      single.addMetric(name, unit, value);
    } finally {
      // A metric refused (bad value) leaves its dimensions behind: they must not reach the next one.
      single.clearDimensions();
    }
  };
  return {
    logger,
    count(name, dimensions) {
      if (dimensions === undefined || !hasOwnKeys(dimensions)) {
        metrics.addMetric(name, MetricUnit.Count, 1);
        stored = true;
        return;
      }
      emit(name, MetricUnit.Count, 1, dimensions);
    },
    measure(name, milliseconds, dimensions) {
      emit(name, MetricUnit.Milliseconds, milliseconds, dimensions);
    },
    flush() {
      if (stored) metrics.publishStoredMetrics();
      stored = false;
    },
  };
}

/** Whether a plain object has an own enumerable key (Object.keys(o).length > 0, without the array). */
function hasOwnKeys(o: Readonly<Record<string, string>>): boolean {
  for (const k in o) if (Object.hasOwn(o, k)) return true;
  return false;
}
