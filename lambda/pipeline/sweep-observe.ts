/**
 * Sweep step 3, compare, analyze, deliver, record, for one observed function: unchanged since its
 * baseline (layers, and start-up hook variables when both sides know them) -> nothing; never seen,
 * or hook variables never known -> a baseline is seeded; changed without an event -> the engine
 * reports the drift (`lambda-layer-drift`, `lambda-layer-reordered`, `lambda-exec-hook-set`) to
 * every sink, then the baseline moves. A failed delivery throws
 * before the baseline moves, so that the next run reports the drift again.
 */
import type { BaselineStore, FindingSink } from '../adapters/ports.js';
import { latestHooks, latestState } from '../domain/baseline.js';
import { analyze } from '../domain/engine.js';
import { sameHooks } from '../domain/inspection/exec-hook-variable.js';
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
  const knownHooks = latestHooks(baseline);
  // Hook variables the sweep could not read say nothing: compared only when read.
  const hooksUnchanged = !o.hooks || (knownHooks !== null && sameHooks(knownHooks, o.hooks));
  if (known && sameLayers(known.layers, o.layers) && hooksUnchanged) return 'unchanged';
  const { finding, state } = analyze(observationEvent(o, runId), {
    baseline,
    live: {
      status: 'ok',
      layers: o.layers,
      runtime: o.runtime,
      role: o.role,
      ...(o.hooks === undefined ? {} : { hooks: o.hooks }),
    },
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
  // Hook variables seen for the first time on a known layer list seed the baseline, as layers do.
  const seededHooks = knownHooks === null && known !== null && sameLayers(known.layers, o.layers);
  return known && !seededHooks ? 'drifted' : 'seeded';
}
