/**
 * What the Lambda host learned by reading the attached layers' zips (lambda/pipeline/inspect.ts),
 * and how it appears in a finding: per layer version its status, size and signals, and for each
 * version change what the new version runs that the old one did not. Pure.
 */
import {
  bySeverity,
  type InspectionGap,
  type InspectionSignal,
  normalPath,
  SIGNAL_IDS,
  type SignalId,
  shown,
  withPublisher,
} from './inspection/model.js';
import type { VersionChange } from './layers.js';
import { SEVERITIES, type Severity } from './severity.js';

/**
 * Bumped whenever the inspection core's rules change what a report says: cached reports of another
 * rules version are not used (the cache key holds it).
 */
export const INSPECTION_RULES_VERSION = 2;

/**
 * - inspected: the directory and every file the checks wanted were read;
 * - partial: the directory was read, some content was not (see gaps);
 * - unread: not even the directory (a budget, an expired URL, a damaged archive);
 * - skipped: not attempted (the version could not be looked up, no location, the step's deadline).
 */
export type InspectionStatus = 'inspected' | 'partial' | 'unread' | 'skipped';

/** One layer version's report, as the host hands it to the engine (and as the cache keeps it). */
export interface LayerInspection {
  versionArn: string;
  status: InspectionStatus;
  /** True when the report was taken from the cache of an earlier complete read. */
  cached: boolean;
  codeSha256: string | null;
  /** Files (not directories) in the archive. */
  files: number;
  uncompressedBytes: number;
  /** As the core found them, before any known-publisher lowering (applied per finding). */
  signals: InspectionSignal[];
  gaps: InspectionGap[];
}

/** What a new version of a layer runs that the version before it did not. */
export interface VersionContentChange {
  layerArn: string;
  from: string;
  to: string;
  /** False when one of the two versions could not be read completely enough to compare. */
  compared: boolean;
  /** Why not compared; null when compared. */
  reason: string | null;
  /** Signals of `to` with no counterpart in `from` (same id and path), each reason saying so. */
  added: InspectionSignal[];
}

/** The finding's `inspection` field. */
export interface FindingInspection {
  layers: (Omit<LayerInspection, 'signals'> & { signals: InspectionSignal[] })[];
  versionChanges: VersionContentChange[];
}

/** A layer version's signals as a finding shows them: lowered when its account is a known publisher. */
export function shownSignals(inspection: LayerInspection, publisher: string | null): InspectionSignal[] {
  return bySeverity(withPublisher(inspection.signals, publisher));
}

const key = (s: InspectionSignal) => `${s.id}\u0000${normalPath(s.path ?? '')}\u0000${s.variable ?? ''}`;

const WHAT: Record<SignalId, string> = {
  'external-extension': 'an external extension',
  'runtime-startup-hook': 'a runtime start-up hook',
  'sdk-shadowing': 'its own copy of the AWS SDK',
  'custom-runtime-bootstrap': 'a custom runtime bootstrap',
  'exec-wrapper-script': 'an exec wrapper script',
  'native-code': 'native code',
  'unsafe-archive': 'an unsafe archive entry',
  'layer-overlap': 'a file that shadows another layer',
  'exec-hook-variable': 'a start-up hook variable',
};

/** "an external extension", for a signal id. */
export function signalNoun(id: SignalId): string {
  return WHAT[id];
}

function versionOf(arn: string): string {
  return /:(\d+)$/.exec(arn)?.[1] ?? '?';
}

/** Compares two versions of one layer; `publisher` lowers the new version's signals as usual. */
export function versionContentChange(
  change: VersionChange,
  from: LayerInspection | undefined,
  to: LayerInspection | undefined,
  publisher: string | null,
): VersionContentChange {
  const base = { layerArn: change.layerArn, from: change.from, to: change.to };
  const missing = !to
    ? `version ${versionOf(change.to)} was not inspected`
    : to.status === 'unread' || to.status === 'skipped'
      ? `version ${versionOf(change.to)} was not read (${to.status})`
      : !from
        ? `version ${versionOf(change.from)} was not inspected`
        : from.status !== 'inspected'
          ? `version ${versionOf(change.from)} was not read completely (${from.status}): what is new cannot be told`
          : null;
  if (missing !== null || !to || !from) return { ...base, compared: false, reason: missing, added: [] };
  const before = new Set(from.signals.map(key));
  const n = versionOf(change.to);
  const m = versionOf(change.from);
  const added = shownSignals(to, publisher)
    .filter((s) => !before.has(key(s)))
    .map((s) => ({
      ...s,
      reason: `version ${n} adds ${WHAT[s.id]}${s.path ? ` ${shown(s.path)}` : ''} that version ${m} did not have: ${s.reason}`,
    }));
  return { ...base, compared: true, reason: null, added };
}

/** Whether a value read back from storage is a LayerInspection (the cache is checked, not trusted). */
export function isLayerInspection(value: unknown): value is LayerInspection {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.versionArn === 'string' &&
    ['inspected', 'partial', 'unread', 'skipped'].includes(v.status as string) &&
    typeof v.cached === 'boolean' &&
    (v.codeSha256 === null || typeof v.codeSha256 === 'string') &&
    Number.isSafeInteger(v.files) &&
    Number.isSafeInteger(v.uncompressedBytes) &&
    Array.isArray(v.signals) &&
    v.signals.every(isSignal) &&
    Array.isArray(v.gaps) &&
    v.gaps.every(
      (g) => typeof g === 'object' && g !== null && typeof (g as { reason?: unknown }).reason === 'string',
    )
  );
}

function isSignal(value: unknown): value is InspectionSignal {
  if (typeof value !== 'object' || value === null) return false;
  const s = value as Record<string, unknown>;
  return (
    (SIGNAL_IDS as readonly unknown[]).includes(s.id) &&
    (SEVERITIES as readonly unknown[]).includes(s.severity as Severity) &&
    typeof s.reason === 'string' &&
    (s.path === undefined || typeof s.path === 'string') &&
    (s.variable === undefined || typeof s.variable === 'string') &&
    (s.layer === undefined || typeof s.layer === 'string')
  );
}
