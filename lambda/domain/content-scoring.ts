/**
 * What a layer's content adds to a finding's score (DETECTIONS.md, "How content feeds the score"):
 * each signal kind the inspection found in the layers a finding is about adds points by its
 * severity (after a known publisher lowered it), once per kind; for a version change, only what
 * the new version adds to the old one counts, with a floor, raised again when a person published
 * the new version. Also builds the finding's `inspection` field and its gaps. Pure.
 */
import { type PublishRecord, publishedByHuman } from './correlation.js';
import type { InspectionSignal, SignalId } from './inspection/model.js';
import { shown } from './inspection/model.js';
import {
  type FindingInspection,
  type LayerInspection,
  shownSignals,
  type VersionContentChange,
  versionContentChange,
} from './layer-inspection.js';
import type { VersionChange } from './layers.js';
import type { LayerProvenance } from './provenance.js';
import type { Signal } from './scoring.js';
import { type Severity, severityRank } from './severity.js';

/** Points of a content signal by its severity; the exceptions below. */
const POINTS: Record<Severity, number> = { critical: 30, high: 20, medium: 10, low: 5, informational: 0 };
const EXCEPTIONS: Partial<Record<SignalId, Partial<Record<Severity, number>>>> = {
  // What runs beside every invocation ranks first.
  'external-extension': { high: 25, medium: 15 },
  // setuptools' and namespace packages' .pth files are everywhere.
  'runtime-startup-hook': { low: 0 },
  // Where review by eye stops: context, not risk.
  'native-code': { critical: 0, high: 0, medium: 0, low: 0 },
};

export function contentPoints(id: SignalId, severity: Severity): number {
  return EXCEPTIONS[id]?.[severity] ?? POINTS[severity];
}

/** What a version change adds: points and the floor by the added signal's severity. */
const ADDED: Record<Severity, { points: number; minScore?: number }> = {
  critical: { points: 35, minScore: 60 },
  high: { points: 30, minScore: 60 },
  medium: { points: 15, minScore: 40 },
  low: { points: 5 },
  informational: { points: 0 },
};
/** A person published the version that adds it: more points, and a floor this much higher. */
const HUMAN_POINTS = 15;
const HUMAN_FLOOR_STEP = 10;

/**
 * "starts an external extension, extensions/x, which ...": what a signal means, in words (after
 * "This layer"). `show` renders the untrusted path (default: one line, cut).
 */
export function signalSentence(
  s: InspectionSignal,
  show: (path: string) => string = (p) => shown(p),
): string {
  const path = s.path ? show(s.path) : '?';
  switch (s.id) {
    case 'external-extension':
      return `starts an external extension, ${path}, which runs beside every invocation with the function's credentials`;
    case 'runtime-startup-hook':
      return `carries a runtime start-up hook, ${path}, which runs before the handler in every function using the layer`;
    case 'sdk-shadowing':
      return `ships its own AWS SDK, ${path}, which replaces the runtime's for every function that does not bundle one`;
    case 'custom-runtime-bootstrap':
      return `carries a custom runtime bootstrap, ${path}, which receives every event on an OS-only runtime`;
    case 'exec-wrapper-script':
      return `carries an exec wrapper script, ${path}, which starts the runtime when AWS_LAMBDA_EXEC_WRAPPER names it`;
    case 'unsafe-archive':
      return `is an unsafe archive (${path}): it can write outside /opt or exhaust whoever unzips it`;
    case 'native-code':
      return `holds native code, ${path}, which cannot be reviewed as text`;
    default:
      return `raises ${s.id} (${path})`;
  }
}

/** A layer version ARN's name and version (a constant: a literal is a new object per evaluation). */
const LAYER_VERSION_TAIL = /:layer:([^:]+):(\d+)$/;

function short(arn: string): string {
  const m = LAYER_VERSION_TAIL.exec(arn);
  return m ? `${m[1]}:${m[2]}` : arn;
}

/** One scoring signal per signal kind found in the finding's layers: the most severe occurrence. */
export function contentSignals(
  provenance: readonly LayerProvenance[],
  inspections: Readonly<Record<string, LayerInspection>>,
): Signal[] {
  const found = new Map<SignalId, { signal: InspectionSignal; layer: string; count: number }>();
  for (const p of provenance) {
    const inspection = inspections[p.versionArn];
    if (!inspection) continue;
    for (const s of shownSignals(inspection, p.publisher?.name ?? null)) {
      const known = found.get(s.id);
      if (!known) found.set(s.id, { signal: s, layer: p.versionArn, count: 1 });
      else {
        known.count++;
        if (severityRank(s.severity) > severityRank(known.signal.severity)) {
          known.signal = s;
          known.layer = p.versionArn;
        }
      }
    }
  }
  return [...found.values()].map(({ signal, layer, count }) => ({
    id: `content-${signal.id}`,
    points: contentPoints(signal.id, signal.severity),
    reason: `layer ${short(layer)} ${signalSentence(signal)} (${signal.severity}${signal.lowered ? `, lowered from ${signal.lowered.from}: known publisher ${signal.lowered.publisher}` : ''}${count > 1 ? `; ${count - 1} more of this kind` : ''})`,
  }));
}

/** Scoring signals for what new versions add, and for a person having published such a version. */
export function versionChangeSignals(
  changes: readonly VersionContentChange[],
  publishes: readonly PublishRecord[],
): Signal[] {
  const signals: Signal[] = [];
  for (const change of changes) {
    let floor: number | undefined;
    const byId = new Map<SignalId, InspectionSignal>();
    for (const s of change.added) {
      const known = byId.get(s.id);
      if (!known || severityRank(s.severity) > severityRank(known.severity)) byId.set(s.id, s);
    }
    for (const s of byId.values()) {
      const { points, minScore } = ADDED[s.severity];
      const effective = s.id === 'native-code' ? { points: 0 } : { points, minScore };
      if (effective.minScore !== undefined) floor = Math.max(floor ?? 0, effective.minScore);
      signals.push({ id: `version-adds-${s.id}`, ...effective, reason: `${s.reason} (${s.severity})` });
    }
    const publish = publishes.find((p) => p.layerVersionArn === change.to);
    if (floor !== undefined && publish && publishedByHuman(publish))
      signals.push({
        id: 'version-published-by-human',
        points: HUMAN_POINTS,
        minScore: floor + HUMAN_FLOOR_STEP,
        reason: `${short(change.to)} was published by a person (${publish.actorKey ?? 'unknown'}, event ${publish.eventId}), not by a pipeline`,
      });
  }
  return signals;
}

/** Informational signals (native code) listed per layer at most; the rest is counted in a gap. */
const INFORMATIONAL_LISTED = 10;

/** Keeps a finding small: every signal that scores, and the first few informational ones. */
function bounded(layer: LayerInspection): LayerInspection {
  const info = layer.signals.filter((s) => s.severity === 'informational');
  if (info.length <= INFORMATIONAL_LISTED) return layer;
  const kept = new Set(info.slice(0, INFORMATIONAL_LISTED));
  const signals = layer.signals.filter((s) => s.severity !== 'informational' || kept.has(s));
  const more = info.length - INFORMATIONAL_LISTED;
  return {
    ...layer,
    signals,
    gaps: [...layer.gaps, { reason: `${more} more informational signals not listed` }],
  };
}

export interface InspectionScoring {
  signals: Signal[];
  /** The finding's `inspection` field: null when no layer of the finding was inspected. */
  inspection: FindingInspection | null;
  /** Lines for the finding's `gaps`: layers whose content was not read completely. */
  gaps: string[];
}

/**
 * Everything inspection brings to one finding. A detection that scores provenance scores the
 * content of its layers; one that does not (a version change of a layer the function had) scores
 * what each new version adds to the one before.
 */
export function inspectionScoring(input: {
  scoresProvenance: boolean;
  provenance: readonly LayerProvenance[];
  versionChanges: readonly VersionChange[];
  inspections: Readonly<Record<string, LayerInspection>> | undefined;
  publishes: readonly PublishRecord[];
}): InspectionScoring {
  const { provenance, inspections } = input;
  if (!inspections) return { signals: [], inspection: null, gaps: [] };
  const publisherOf = (arn: string) => provenance.find((p) => p.versionArn === arn)?.publisher?.name ?? null;
  const layers = provenance.flatMap((p) => {
    const i = inspections[p.versionArn];
    return i ? [bounded({ ...i, signals: shownSignals(i, p.publisher?.name ?? null) })] : [];
  });
  const subjects = new Set(provenance.map((p) => p.versionArn));
  const changes = input.versionChanges
    .filter((v) => subjects.has(v.to))
    .map((v) => versionContentChange(v, inspections[v.from], inspections[v.to], publisherOf(v.to)));
  if (layers.length === 0 && changes.length === 0) return { signals: [], inspection: null, gaps: [] };
  const signals = input.scoresProvenance
    ? contentSignals(provenance, inspections)
    : versionChangeSignals(changes, input.publishes);
  const gaps = layers
    .filter((l) => l.status !== 'inspected')
    .map(
      (l) =>
        `layer content of ${l.versionArn}: ${l.status}${l.gaps[0] ? ` (${l.gaps[0].path ? `${shown(l.gaps[0].path)}: ` : ''}${l.gaps[0].reason}${l.gaps.length > 1 ? `; ${l.gaps.length - 1} more` : ''})` : ''}`,
    );
  if (!input.scoresProvenance)
    for (const c of changes)
      if (!c.compared) gaps.push(`layer content of ${c.to} not compared with ${c.from}: ${c.reason}`);
  return { signals, inspection: { layers, versionChanges: changes }, gaps };
}
