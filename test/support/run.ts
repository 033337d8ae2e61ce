import { type Baseline, recordState } from '../../lambda/domain/baseline.js';
import { normalize } from '../../lambda/domain/cloudtrail.js';
import type { PublishRecord } from '../../lambda/domain/correlation.js';
import { type Analysis, analyze, type LiveConfiguration } from '../../lambda/domain/engine.js';
import { isFunctionEvent, type LambdaEvent } from '../../lambda/domain/model.js';
import type { LayerLookup } from '../../lambda/domain/provenance.js';
import type { DetectionSettings } from '../../lambda/domain/settings.js';
import type { Rec } from './records.js';

export function eventOf(record: Rec): LambdaEvent {
  const r = normalize(record);
  if (r.status !== 'relevant') throw new Error(`fixture is ${r.status}: ${r.reason}`);
  return r.event;
}

export interface Extra {
  settings?: DetectionSettings;
  layers?: Record<string, LayerLookup>;
}

/** Replays `history` into a baseline and publications (as the hosts do), then analyzes `record`. */
export function analyzeAfter(
  history: readonly Rec[],
  record: Rec,
  live: LiveConfiguration = { status: 'not-read' },
  extra: Extra = {},
): Analysis {
  const baselines = new Map<string, Baseline>();
  const publishes: PublishRecord[] = [];
  const step = (event: LambdaEvent, l: LiveConfiguration): Analysis => {
    const baseline = isFunctionEvent(event) ? (baselines.get(event.fn.arn) ?? null) : null;
    const result = analyze(event, { baseline, live: l, publishes, ...extra });
    if (result.state && isFunctionEvent(event)) {
      baselines.set(event.fn.arn, recordState(baseline, event.fn.arn, result.state));
    }
    if (result.publish) publishes.push(result.publish);
    return result;
  };
  for (const h of history) step(eventOf(h), { status: 'not-read' });
  return step(eventOf(record), live);
}
