/**
 * The detection engine: one event plus what the host knows (baseline, live configuration, layer
 * lookups, recent publications, settings) in; at most one finding and the state to record out.
 * Pure: both hosts (Lambda, CLI) call this.
 */
import { actorContext } from './actor.js';
import { type Baseline, hooksBefore, type LayerState, stateBefore } from './baseline.js';
import { applyCapacityProvider, type CapacityProviderContext } from './capacity-provider.js';
import { inspectionScoring } from './content-scoring.js';
import { actorKeyOf, type PublishRecord } from './correlation.js';
import type { Detection, DetectionInput, Evidence, HookChange, LayerChange } from './detections/detection.js';
import { DETECTIONS } from './detections/index.js';
import { buildFinding, type Finding } from './finding.js';
import { diffHooks, hookVariablesOf } from './inspection/exec-hook-variable.js';
import type { LayerInspection } from './layer-inspection.js';
import { diffLayers, sameLayers, type VersionChange } from './layers.js';
import {
  type FunctionDetails,
  type FunctionEvent,
  isFunctionEvent,
  type LambdaEvent,
  qualifierFunctionOf,
} from './model.js';
import { type LayerLookup, provenanceOf } from './provenance.js';
import { qualifierViewOf } from './qualifier-view.js';
import type { QualifierUpdate } from './qualifiers.js';
import { runsInOf, runsInSteps } from './runs-in.js';
import { actorSignals, correlationSignals, provenanceSignals, type Signal, score } from './scoring.js';
import { DEFAULT_SETTINGS, type DetectionSettings } from './settings.js';
import { suppressionOf } from './suppression.js';

/** The function's configuration as the host read it (Lambda host only). */
export type LiveConfiguration =
  | {
      status: 'ok';
      layers: string[];
      runtime: string | null;
      role: string | null;
      /**
       * The start-up hook variables only (inspection/exec-hook-variable.ts), never another
       * environment variable. Absent: not read; null: the environment could not be read.
       */
      hooks?: Record<string, string> | null;
      /** Why the hook variables could not be read, when `hooks` is null. */
      hooksError?: string;
      /** Lambda Managed Instances: the capacity provider's ARN (absent or null: none). */
      capacityProvider?: string | null;
    }
  | { status: 'not-found' | 'access-denied' | 'error'; message: string }
  | { status: 'not-read' };

export interface AnalysisContext {
  baseline: Baseline | null;
  live: LiveConfiguration;
  /** Lookups of layer versions, by version ARN (Lambda host: GetLayerVersion + policy). */
  layers?: Readonly<Record<string, LayerLookup>>;
  /** Recent PublishLayerVersion events, for publish-then-attach correlation. */
  publishes?: readonly PublishRecord[];
  /**
   * Normalized file paths of layer versions, by version ARN (Lambda host: the inspect step fills it
   * for every layer of the new list when a change only reorders layers).
   */
  layerPaths?: Readonly<Record<string, readonly string[]>>;
  /** Layers of published versions the host read for this event, by version (versionsToRead). */
  versions?: Readonly<Record<string, readonly string[]>>;
  /**
   * Lambda Managed Instances: the function's capacity provider and the function versions on it
   * (Lambda host: ListFunctionVersionsByCapacityProvider), or why they were not listed.
   */
  capacityProvider?: CapacityProviderContext;
  /** Reports of the layer versions' content, by version ARN (Lambda host: the inspect step). */
  inspections?: Readonly<Record<string, LayerInspection>>;
  settings?: DetectionSettings;
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
  /** A publication to remember for correlation. */
  publish: PublishRecord | null;
  /** What the event establishes for the function's versions and aliases (qualifiers.ts). */
  qualifier: QualifierUpdate | null;
  verdicts: VerdictRecord[];
}

/**
 * The layer versions a host should look up before `analyze`: those the event adds or moves to
 * (for a function with no baseline, all of its new list). Cheap; no detection runs.
 */
export function layersToLookUp(
  event: LambdaEvent,
  context: Pick<AnalysisContext, 'baseline' | 'live'>,
): string[] {
  if (!isFunctionEvent(event)) return [];
  const change = layerChangeOf(event, context);
  if (!change.after) return [];
  if (!change.diff) return change.after;
  return [...change.diff.added, ...change.diff.versionChanged.map((v) => v.to)];
}

/**
 * The version changes the event makes (same layer, another version): the inspect step reads both
 * versions of each, to tell what the new one adds.
 */
export function versionChangesOf(
  event: LambdaEvent,
  context: Pick<AnalysisContext, 'baseline' | 'live'>,
): VersionChange[] {
  if (!isFunctionEvent(event)) return [];
  return layerChangeOf(event, context).diff?.versionChanged ?? [];
}

/**
 * The function's new layer list when the event only reorders its layers (the same layers, in
 * another order), else empty: the inspect step lists their files, to tell which one now wins.
 */
export function reorderedLayersOf(
  event: LambdaEvent,
  context: Pick<AnalysisContext, 'baseline' | 'live'>,
): string[] {
  if (!isFunctionEvent(event)) return [];
  const { diff, after } = layerChangeOf(event, context);
  if (!diff?.reordered || !after || diff.added.length + diff.removed.length + diff.versionChanged.length > 0)
    return [];
  return after;
}

export function analyze(
  event: LambdaEvent,
  context: AnalysisContext,
  detections: readonly Detection[] = DETECTIONS,
): Analysis {
  const settings = context.settings ?? DEFAULT_SETTINGS;
  const change = isFunctionEvent(event) ? layerChangeOf(event, context) : null;
  const hooks = isFunctionEvent(event) ? hookChangeOf(event, context) : null;
  const qualifiers = qualifierViewOf(event, context.baseline, context.versions);
  const input: DetectionInput = {
    event,
    change,
    hooks,
    layerPaths: context.layerPaths,
    settings,
    qualifiers,
  };
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
    finding = findingOf(detection, verdict.evidence, event, { change, hooks }, context, settings);
    finding.gaps.push(...qualifiers.gaps);
    applyCapacityProvider(finding, context.capacityProvider);
    const fn = isFunctionEvent(event) ? event.fn : qualifierFunctionOf(event);
    if (fn) {
      const subjects = verdict.evidence.subjects;
      finding.runsIn = runsInOf(qualifiers, subjects, change?.after ?? null);
      finding.remediation.nextSteps.push(...runsInSteps(fn, finding.runsIn, qualifiers, subjects));
    }
  }
  const actorKey = actorKeyOf(event.actor);
  const state: LayerState | null =
    change?.after != null
      ? {
          layers: change.after,
          eventTime: event.meta.time,
          eventId: event.meta.id,
          source: 'event',
          ...(hooks ? { hooks: { ...hooks.after } } : {}),
          ...(actorKey ? { actor: actorKey } : {}),
        }
      : null;
  const publish: PublishRecord | null =
    event.kind === 'PublishLayerVersion' && event.layer.versionArn
      ? {
          layerVersionArn: event.layer.versionArn,
          eventId: event.meta.id,
          actorKey: actorKeyOf(event.actor),
          timeMs: event.meta.timeMs,
          human: actorContext(event.actor, event.meta, settings).human,
        }
      : null;
  return { finding, state, publish, qualifier: qualifiers.update, verdicts };
}

function findingOf(
  detection: Detection,
  evidence: Evidence,
  event: LambdaEvent,
  { change, hooks }: { change: LayerChange | null; hooks: HookChange | null },
  context: AnalysisContext,
  settings: DetectionSettings,
): Finding {
  const actor = actorContext(event.actor, event.meta, settings);
  const home = isFunctionEvent(event) ? event.fn.account : event.meta.account;
  const provenance = evidence.subjects.map((arn) => provenanceOf(arn, home, settings, context.layers?.[arn]));
  const correlation = correlationSignals(
    evidence.subjects,
    actorKeyOf(event.actor),
    event.meta.timeMs,
    context.publishes ?? [],
    settings.correlationWindowMinutes,
  );
  const content = inspectionScoring({
    scoresProvenance: detection.scoring.provenance,
    provenance,
    versionChanges: change?.diff?.versionChanged ?? [],
    inspections: context.inspections,
    publishes: context.publishes ?? [],
  });
  const signals: Signal[] = [
    ...evidence.signals,
    ...(detection.scoring.provenance ? provenanceSignals(provenance) : []),
    ...(detection.scoring.actor ? actorSignals(event.actor, actor) : []),
    ...correlation.signals,
    ...content.signals,
    ...contextSignals(change),
  ];
  const finding = buildFinding({
    detection,
    evidence: { ...evidence, signals },
    event,
    change,
    hooks,
    score: score(detection.baseScore, detection.baseReason, signals),
    related: [...new Set([...(evidence.related ?? []), ...correlation.related])],
    gaps: [
      ...gapsOf(
        event,
        context,
        provenance.filter((p) => p.lookup !== 'ok' && p.lookup !== 'not-read'),
      ),
      ...(evidence.gaps ?? []),
      ...content.gaps,
    ],
    details: detailsOf(event, context.live),
    actor,
    provenance,
    inspection: content.inspection,
  });
  finding.suppression = suppressionOf(finding, settings);
  return finding;
}

function layerChangeOf(
  event: FunctionEvent,
  context: Pick<AnalysisContext, 'baseline' | 'live'>,
): LayerChange {
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

/**
 * The hook variables before and after a function event. After: what the host read from the live
 * function (CloudTrail blanks environment values); before: the newest earlier state that knew them
 * (a created function had none). Null when the host did not read them.
 */
function hookChangeOf(
  event: FunctionEvent,
  context: Pick<AnalysisContext, 'baseline' | 'live'>,
): HookChange | null {
  const live = context.live;
  if (live.status !== 'ok' || !live.hooks) return null;
  // Filtered again here: whatever a host passes, only hook variables go on, in one order.
  const after = hookVariablesOf(live.hooks);
  const known =
    event.kind === 'CreateFunction' ? {} : hooksBefore(context.baseline, event.meta.timeMs, event.meta.id);
  const before = known === null ? null : hookVariablesOf(known);
  return { before, after, changed: diffHooks(before, after) };
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

function gapsOf(
  event: LambdaEvent,
  context: AnalysisContext,
  unreadLayers: { versionArn: string; lookup: string; lookupMessage: string | null }[],
): string[] {
  const gaps: string[] = [];
  for (const p of unreadLayers)
    gaps.push(`layer ${p.versionArn}: ${p.lookup} (${p.lookupMessage ?? 'no detail'})`);
  if (!isFunctionEvent(event)) return gaps;
  const live = context.live;
  if (live.status === 'not-found')
    gaps.push(`function configuration: the function no longer exists (${live.message})`);
  else if (live.status === 'access-denied')
    gaps.push(`function configuration: access denied (${live.message})`);
  else if (live.status === 'error') gaps.push(`function configuration: could not be read (${live.message})`);
  else if (live.status === 'ok' && live.hooks === null)
    gaps.push(
      `start-up hook variables: the environment could not be read (${live.hooksError ?? 'no detail'})`,
    );
  if (event.requested.state === 'unreadable')
    gaps.push(`requested layers unreadable: ${event.requested.detail}`);
  return gaps;
}
