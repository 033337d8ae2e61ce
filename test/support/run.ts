import { normalize } from '../../lambda/domain/cloudtrail.js';
import type { Analysis, LiveConfiguration } from '../../lambda/domain/engine.js';
import { History } from '../../lambda/domain/history.js';
import type { LambdaEvent } from '../../lambda/domain/model.js';
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

/** Replays `history` (as the hosts do), then analyzes `record` with what the host read. */
export function analyzeAfter(
  history: readonly Rec[],
  record: Rec,
  live: LiveConfiguration = { status: 'not-read' },
  extra: Extra = {},
): Analysis {
  const h = new History(extra.settings);
  for (const r of history) h.next(eventOf(r));
  return h.next(eventOf(record), { live, layers: extra.layers });
}
