/**
 * The detection engine: one event plus what the host knows (baseline, live configuration) in,
 * at most one finding and the state to record out. Pure: both hosts (Lambda, CLI) call this.
 */
import { type Baseline, type LayerState, stateBefore } from './baseline.js';
import type { Detection, DetectionInput, LayerChange } from './detections/detection.js';
import { DETECTIONS } from './detections/index.js';
import { buildFinding, type Finding } from './finding.js';
import { diffLayers, sameLayers } from './layers.js';
import { type FunctionDetails, type FunctionEvent, isFunctionEvent, type LambdaEvent } from './model.js';
import { type Signal, score } from './scoring.js';

/** The function's configuration as the host read it (Lambda host only). */
export type LiveConfiguration =
  | { status: 'ok'; layers: string[]; runtime: string | null; role: string | null }
  | { status: 'not-found' | 'access-denied' | 'error'; message: string }
  | { status: 'not-read' };

export interface AnalysisContext {
  baseline: Baseline | null;
  live: LiveConfiguration;
  /** Event ids that bear on this one (correlation), newest last. */
  related?: string[];
}

export interface VerdictRecord {
  detectionId: string;
  status: 'match' | 'no-match' | 'not-applicable' | 'error';
  error?: string;
}

export interface Analysis {
  finding: Finding | null;
  /** The layer state this event establishes for its function, to record in the baseline. */
  state: LayerState | null;
  verdicts: VerdictRecord[];
}

export function analyze(
  event: LambdaEvent,
  context: AnalysisContext,
  detections: readonly Detection[] = DETECTIONS,
): Analysis {
  const change = isFunctionEvent(event) ? layerChangeOf(event, context) : null;
  const input: DetectionInput = { event, change };
  const verdicts: VerdictRecord[] = [];
  let finding: Finding | null = null;
  for (const detection of detections) {
    if (finding) break;
    let verdict: ReturnType<Detection['evaluate']>;
    try {
      verdict = detection.evaluate(input);
    } catch (error) {
      // A detection that throws is isolated: recorded, and the others still run.
      verdicts.push({
        detectionId: detection.id,
        status: 'error',
        error: error instanceof Error ? error.message : String(error),
      });
      continue;
    }
    verdicts.push({ detectionId: detection.id, status: verdict.status });
    if (verdict.status !== 'match') continue;
    const signals: Signal[] = [...verdict.evidence.signals, ...contextSignals(change)];
    finding = buildFinding({
      detection,
      evidence: { ...verdict.evidence, signals },
      event,
      change,
      score: score(detection.baseScore, detection.baseReason, signals),
      related: context.related ?? [],
      gaps: gapsOf(event, context),
      details: detailsOf(event, context.live),
    });
  }
  const state: LayerState | null =
    change?.after != null
      ? { layers: change.after, eventTime: event.meta.time, eventId: event.meta.id, source: 'event' }
      : null;
  return { finding, state, verdicts };
}

function layerChangeOf(event: FunctionEvent, context: AnalysisContext): LayerChange {
  const live = context.live.status === 'ok' ? context.live.layers : null;
  const { requested, responded } = event;
  const respondedList = responded.state === 'list' ? responded.layers : null;
  let after: string[] | null;
  if (requested.state === 'list') after = respondedList ?? requested.layers;
  else if (requested.state === 'unreadable') after = respondedList ?? live;
  else after = respondedList;
  // A created function had no layers before; otherwise the baseline's state just before the event.
  const before =
    event.kind === 'CreateFunction'
      ? []
      : (stateBefore(context.baseline, event.meta.timeMs, event.meta.id)?.layers ?? null);
  return {
    before,
    after,
    requested: requested.state !== 'absent',
    diff: before !== null && after !== null ? diffLayers(before, after) : null,
    current: live,
  };
}

function detailsOf(event: LambdaEvent, live: LiveConfiguration): FunctionDetails {
  const own = isFunctionEvent(event) ? event.details : { runtime: null, role: null };
  const read = live.status === 'ok' ? live : { runtime: null, role: null };
  return { runtime: own.runtime ?? read.runtime, role: own.role ?? read.role };
}

function contextSignals(change: LayerChange | null): Signal[] {
  if (!change?.current || !change.after || sameLayers(change.current, change.after)) return [];
  return [
    {
      id: 'live-differs',
      points: 0,
      reason: 'the function now has other layers than this event set: a later change or a revert followed',
    },
  ];
}

function gapsOf(event: LambdaEvent, context: AnalysisContext): string[] {
  const gaps: string[] = [];
  if (!isFunctionEvent(event)) return gaps;
  const live = context.live;
  if (live.status === 'not-found')
    gaps.push(`function configuration: the function no longer exists (${live.message})`);
  else if (live.status === 'access-denied')
    gaps.push(`function configuration: access denied (${live.message})`);
  else if (live.status === 'error') gaps.push(`function configuration: could not be read (${live.message})`);
  if (event.requested.state === 'unreadable')
    gaps.push(`requested layers unreadable: ${event.requested.detail}`);
  return gaps;
}
