/**
 * The baseline: each function's recent layer lists, ordered by the time of the event that set them.
 * Keeping a short history rather than one value lets a late or replayed event be diffed against the
 * state that held just before it, and makes an older event unable to overwrite a newer state: the
 * newest state is always the one with the latest event time, whatever the order of arrival.
 */

import { type QualifierState, type QualifierUpdate, recordQualifiers } from './qualifiers.js';

export interface LayerState {
  layers: string[];
  /** Time of the event that established this state (ISO 8601). */
  eventTime: string;
  eventId: string;
  /** `event`: a CloudTrail event said so; `observed`: read from the live function (seeding). */
  source: 'event' | 'observed';
  /**
   * The function's start-up hook variables (name -> value) when this state was set, and no other
   * environment variable. Absent when they were not read (records older than this field, an
   * unreadable environment, the offline scanner): unknown, never "none".
   */
  hooks?: Record<string, string>;
  /** Who made the change (correlation.ts actorKeyOf): a later publish names the attach it froze. */
  actor?: string;
}

export interface Baseline {
  functionArn: string;
  /** Oldest first. */
  states: LayerState[];
  /** True once older states were dropped: an event older than all kept states has no known "before". */
  truncated: boolean;
  /** Its published versions and aliases (qualifiers.ts); absent when none was seen. */
  qualifiers?: QualifierState;
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

/**
 * The hook variables in force just before an event: those of the newest state before it that
 * knows them (a state that could not read them does not erase what an earlier one knew), or null.
 */
export function hooksBefore(
  baseline: Baseline | null,
  timeMs: number,
  eventId: string,
): Record<string, string> | null {
  let found: Record<string, string> | null = null;
  for (const state of baseline?.states ?? []) {
    if (state.eventId === eventId) continue;
    if (timeOf(state) > timeMs) break;
    if (state.hooks) found = state.hooks;
  }
  return found;
}

/** The newest known hook variables, or null when no kept state knows them. */
export function latestHooks(baseline: Baseline | null): Record<string, string> | null {
  return hooksBefore(baseline, Number.POSITIVE_INFINITY, '');
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
  states.splice(index, 0, {
    ...state,
    layers: [...state.layers],
    ...(state.hooks ? { hooks: { ...state.hooks } } : {}),
  });
  const overflow = Math.max(0, states.length - MAX_STATES);
  return {
    functionArn,
    states: states.slice(overflow),
    truncated: (baseline?.truncated ?? false) || overflow > 0,
    ...(baseline?.qualifiers ? { qualifiers: baseline.qualifiers } : {}),
  };
}

/** Records what an event established for the function's versions and aliases. */
export function recordQualifier(
  baseline: Baseline | null,
  functionArn: string,
  update: QualifierUpdate,
): Baseline {
  return {
    functionArn,
    states: baseline?.states ?? [],
    truncated: baseline?.truncated ?? false,
    qualifiers: recordQualifiers(baseline?.qualifiers, update),
  };
}
