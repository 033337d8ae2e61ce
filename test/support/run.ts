import { type Baseline, recordState } from '../../lambda/domain/baseline.js';
import { normalize } from '../../lambda/domain/cloudtrail.js';
import { type Analysis, analyze, type LiveConfiguration } from '../../lambda/domain/engine.js';
import { isFunctionEvent, type LambdaEvent } from '../../lambda/domain/model.js';
import type { Rec } from './records.js';

export function eventOf(record: Rec): LambdaEvent {
  const r = normalize(record);
  if (r.status !== 'relevant') throw new Error(`fixture is ${r.status}: ${r.reason}`);
  return r.event;
}

/** Replays `history` into a baseline (as the hosts do), then analyzes `record`. */
export function analyzeAfter(
  history: readonly Rec[],
  record: Rec,
  live: LiveConfiguration = { status: 'not-read' },
): Analysis {
  const baselines = new Map<string, Baseline>();
  const step = (event: LambdaEvent, l: LiveConfiguration): Analysis => {
    const baseline = isFunctionEvent(event) ? (baselines.get(event.fn.arn) ?? null) : null;
    const result = analyze(event, { baseline, live: l });
    if (result.state && isFunctionEvent(event))
      baselines.set(event.fn.arn, recordState(baseline, event.fn.arn, result.state));
    return result;
  };
  for (const h of history) step(eventOf(h), { status: 'not-read' });
  return step(eventOf(record), live);
}
