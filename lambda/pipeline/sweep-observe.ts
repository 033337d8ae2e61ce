/**
 * Sweep step 3, compare, analyze, deliver, record, for one observed function: unchanged since its
 * baseline -> nothing; never seen -> a baseline is seeded; changed without an event -> the engine
 * reports `lambda-layer-drift` to every sink, then the baseline moves. A failed delivery throws
 * before the baseline moves, so that the next run reports the drift again.
 */
import type { BaselineStore, FindingSink } from '../adapters/ports.js';
import { latestState } from '../domain/baseline.js';
import { analyze } from '../domain/engine.js';
import { sameLayers } from '../domain/layers.js';
import { type Observation, observationEvent } from '../domain/observation.js';
import type { DetectionSettings } from '../domain/settings.js';
import { deliverToSinks, throwIfFailed, unguarded } from './sinks.js';
import type { Telemetry } from './telemetry.js';

export interface ObservePorts {
  readonly baselines: BaselineStore;
  readonly sinks: readonly FindingSink[];
  readonly settings: DetectionSettings;
}

export type Observed = 'unchanged' | 'seeded' | 'drifted';

export async function observeFunction(
  o: Observation,
  runId: string,
  ports: ObservePorts,
  t: Telemetry,
): Promise<Observed> {
  const baseline = await ports.baselines.get(o.fn.arn);
  const known = latestState(baseline);
  if (known && sameLayers(known.layers, o.layers)) return 'unchanged';
  const { finding, state } = analyze(observationEvent(o, runId), {
    baseline,
    live: { status: 'ok', layers: o.layers, runtime: o.runtime, role: o.role },
    settings: ports.settings,
  });
  if (finding && !finding.suppression) {
    const settled = await deliverToSinks(finding, ports.sinks, unguarded, t);
    if (settled.deliveries.length > 0) {
      t.logger.info('Drift published', {
        functionArn: o.fn.arn,
        findingId: finding.findingId,
        severity: finding.severity,
        deliveries: settled.deliveries,
      });
    }
    throwIfFailed(settled, finding.findingId);
  }
  if (state) await ports.baselines.record(o.fn.arn, { ...state, source: 'observed' });
  return known ? 'drifted' : 'seeded';
}
