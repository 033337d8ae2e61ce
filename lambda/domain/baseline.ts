/**
 * The baseline: each function's recent layer lists, ordered by the time of the event that set them.
 * Keeping a short history rather than one value lets a late or replayed event be diffed against the
 * state that held just before it, and makes an older event unable to overwrite a newer state: the
 * newest state is always the one with the latest event time, whatever the order of arrival.
 */

export interface LayerState {
  layers: string[];
  /** Time of the event that established this state (ISO 8601). */
  eventTime: string;
  eventId: string;
  /** `event`: a CloudTrail event said so; `observed`: read from the live function (seeding). */
  source: 'event' | 'observed';
}

export interface Baseline {
  functionArn: string;
  /** Oldest first. */
  states: LayerState[];
  /** True once older states were dropped: an event older than all kept states has no known "before". */
  truncated: boolean;
}

/** States kept per function. */
export const MAX_STATES = 16;

function timeOf(state: LayerState): number {
  return Date.parse(state.eventTime);
}

/** The state in force just before an event at `timeMs` (excluding the event itself), or null if unknown. */
export function stateBefore(baseline: Baseline | null, timeMs: number, eventId: string): LayerState | null {
  if (!baseline) return null;
  let found: LayerState | null = null;
  for (const state of baseline.states) {
    if (state.eventId === eventId) continue;
    if (timeOf(state) <= timeMs) found = state;
    else break;
  }
  return found;
}

/** The newest known state. */
export function latestState(baseline: Baseline | null): LayerState | null {
  return baseline?.states.at(-1) ?? null;
}

/**
 * Records a state. Idempotent for the same event id; keeps time order (ties keep arrival order);
 * drops the oldest states past MAX_STATES.
 */
export function recordState(baseline: Baseline | null, functionArn: string, state: LayerState): Baseline {
  const states = (baseline?.states ?? []).filter((s) => s.eventId !== state.eventId);
  const at = timeOf(state);
  let index = states.length;
  while (index > 0 && timeOf(states[index - 1] as LayerState) > at) index -= 1;
  states.splice(index, 0, { ...state, layers: [...state.layers] });
  const overflow = Math.max(0, states.length - MAX_STATES);
  return {
    functionArn,
    states: states.slice(overflow),
    truncated: (baseline?.truncated ?? false) || overflow > 0,
  };
}
