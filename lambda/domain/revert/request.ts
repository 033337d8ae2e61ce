/**
 * What a revert is asked to undo, taken from a finding (untrusted JSON: a file someone hands over)
 * or from the command line: the function, the layer versions to take off (the subjects), the layers
 * `$LATEST` had before, and since when the layers could run. Validated here, once: every ARN must
 * have a real ARN's form, or the finding is refused with the reason.
 */
import { parseFunctionArn, parseLayerArn } from '../arn.js';
import { type Baseline, stateBefore } from '../baseline.js';

export interface RevertRequest {
  /** The unqualified function ARN. */
  functionArn: string;
  /** Layer version ARNs to take off every qualifier that runs them. */
  subjects: string[];
  /** `$LATEST`'s layers before the change, when the finding knew them. */
  before: string[] | null;
  /** When the layers were attached (the finding's event time), for the exposure window. */
  since: string | null;
  /** The finding it came from, or null (`--function`). */
  findingId: string | null;
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const isVersionedLayer = (v: unknown): v is string =>
  typeof v === 'string' && parseLayerArn(v)?.version != null;

function layerList(v: unknown): string[] | null {
  return Array.isArray(v) && v.every(isVersionedLayer) ? [...v] : null;
}

const NO_SUBJECT = 'the finding names no layer version that was added or changed';

/** The layer versions a finding is about: those added, the new side of a version change, or its layer. */
function subjectsOf(f: Record<string, unknown>): string[] | string {
  const layers = isRecord(f.layers) ? f.layers : null;
  const added = layerList(layers?.added ?? []);
  if (added === null) return 'layers.added is not a list of layer version ARNs';
  const changed = Array.isArray(layers?.versionChanged) ? layers.versionChanged : [];
  const to = changed.map((c) => (isRecord(c) ? c.to : null));
  if (!to.every(isVersionedLayer)) return 'layers.versionChanged[].to is not a layer version ARN';
  const subjects = [...added, ...to];
  const layer = isRecord(f.layer) ? f.layer.versionArn : null;
  if (subjects.length === 0 && isVersionedLayer(layer)) subjects.push(layer);
  if (subjects.length === 0) return NO_SUBJECT;
  return [...new Set(subjects)];
}

/** A finding that is about no layer on a function (a tampering call, a layer removed): nothing to revert. */
export interface NotARevert {
  skipped: string;
}

/**
 * A finding (as published, or wrapped as the JSON alert `{ finding }`) -> a request; a finding
 * about no function's added layer -> skipped, with why; anything malformed -> why not.
 */
export function requestOfFinding(value: unknown): RevertRequest | NotARevert | string {
  const f = isRecord(value) && isRecord(value.finding) ? value.finding : value;
  if (!isRecord(f) || typeof f.findingId !== 'string') return 'not a layerwatch finding (no findingId)';
  if (f.function === null || f.function === undefined)
    return { skipped: `finding ${f.findingId} (${String(f.detectionId)}) is about no function's layers` };
  const fn = isRecord(f.function) ? f.function : null;
  const parsed = typeof fn?.arn === 'string' ? parseFunctionArn(fn.arn) : null;
  if (!parsed) return `finding ${f.findingId}: it names no function (function.arn)`;
  const subjects = subjectsOf(f);
  if (subjects === NO_SUBJECT)
    return { skipped: `finding ${f.findingId} (${String(f.detectionId)}) names no layer added or changed` };
  if (typeof subjects === 'string') return `finding ${f.findingId}: ${subjects}`;
  const layers = isRecord(f.layers) ? f.layers : null;
  const event = isRecord(f.event) ? f.event : null;
  const time = typeof event?.time === 'string' && !Number.isNaN(Date.parse(event.time)) ? event.time : null;
  return {
    functionArn: parsed.arn,
    subjects,
    before: layers?.baseline === 'known' ? layerList(layers.before) : null,
    since: time,
    findingId: f.findingId,
  };
}

/** `--function ARN --layer ARN...`: the same request without a finding. */
export function requestOfFunction(
  functionArn: string,
  layers: readonly string[],
  since: string | null,
): RevertRequest | string {
  const parsed = parseFunctionArn(functionArn);
  if (!parsed) return `--function: "${functionArn}" is not a function ARN`;
  const bad = layers.find((l) => !isVersionedLayer(l));
  if (bad !== undefined) return `--layer: "${bad}" is not a layer version ARN`;
  if (layers.length === 0) return '--function needs the layer versions to take off: --layer ARN';
  return { functionArn: parsed.arn, subjects: [...new Set(layers)], before: null, since, findingId: null };
}

/**
 * `--function ARN --state-table NAME --since TIME` without `--layer`: what the deployment's baseline
 * says changed since then. The layers before are those in force just before `since`; the layer
 * versions to take off are every one a later state held that the state before did not (a layer
 * since removed from `$LATEST` may still run in a version or behind an alias).
 */
export function requestOfBaseline(
  functionArn: string,
  baseline: Baseline | null,
  since: string,
): RevertRequest | string {
  const parsed = parseFunctionArn(functionArn);
  if (!parsed) return `--function: "${functionArn}" is not a function ARN`;
  const at = Date.parse(since);
  if (!baseline || baseline.states.length === 0) return `the state table holds no baseline of ${parsed.arn}`;
  const before = stateBefore(baseline, at, '');
  if (before === null)
    return `the state table knows no state of ${parsed.arn} before ${since} (its oldest kept is ${baseline.states[0]?.eventTime})`;
  const later = baseline.states.filter((s) => Date.parse(s.eventTime) > at).flatMap((s) => s.layers);
  const subjects = [...new Set(later.filter((l) => !before.layers.includes(l) && isVersionedLayer(l)))];
  if (subjects.length === 0) return `the state table shows no layer added to ${parsed.arn} since ${since}`;
  return { functionArn: parsed.arn, subjects, before: [...before.layers], since, findingId: null };
}
