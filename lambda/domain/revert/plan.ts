/**
 * The revert plan of one function, from what was just read of it (snapshot.ts) and what to take off
 * (request.ts): per qualifier that runs the layers, what it runs now and what it will run.
 * `$LATEST` goes back to its layers without the subjects (a changed version back to the version it
 * replaced); an alias is repointed to the last published version whose layers are clean, keeping
 * the clean part of its weights; a published version cannot be changed (it is immutable), so it is
 * named with what its owners can do. Pure: the guards (guards.ts) decide what may be applied.
 */
import { layerKey } from '../arn.js';
import { shellQuote } from '../remediation.js';
import type { RevertRequest } from './request.js';
import { type FunctionSnapshot, type Routing, sameRouting, sharesOf } from './snapshot.js';
import type { Step } from './steps.js';

/** A qualifier that runs a subject: `$LATEST`, an alias (with the share of its traffic), a version. */
export interface Running {
  qualifier: string;
  /** The version an alias sends the share to; null for `$LATEST`. */
  version: string | null;
  share: number;
}

/** What the plan cannot change, and what the owners can do about it. */
export interface Unchangeable {
  qualifier: string;
  why: string;
  advice: string;
}

export interface FunctionPlan {
  request: RevertRequest;
  /** What the plan was made from: `--apply` refuses when the function no longer matches it. */
  snapshot: FunctionSnapshot;
  running: Running[];
  steps: Step[];
  unchangeable: Unchangeable[];
}

export interface PlanOptions {
  /** Add the emergency brake: reserved concurrency 0. */
  throttle: boolean;
  /** Only this qualifier (`$LATEST` or an alias name); null: every qualifier. */
  qualifier: string | null;
}

/**
 * `$LATEST`'s layers without the subjects: each subject is replaced by the layer it replaced (same
 * layer, the version `before` had), or dropped; every other layer stays where it is.
 */
export function cleanLayers(
  current: readonly string[],
  subjects: readonly string[],
  before: readonly string[] | null,
): string[] {
  const out: string[] = [];
  for (const layer of current) {
    if (!subjects.includes(layer)) out.push(layer);
    else {
      const previous = before?.find((b) => layerKey(b) === layerKey(layer) && !subjects.includes(b));
      if (previous !== undefined && !out.includes(previous)) out.push(previous);
    }
  }
  return out;
}

const runsAny = (layers: readonly string[] | undefined, subjects: readonly string[]) =>
  layers !== undefined && subjects.some((s) => layers.includes(s));

export function runningOf(s: FunctionSnapshot, subjects: readonly string[]): Running[] {
  const layersOf = (v: string) => s.versions.find((x) => x.version === v)?.layers;
  const out: Running[] = [];
  if (runsAny(s.layers, subjects)) out.push({ qualifier: '$LATEST', version: null, share: 1 });
  for (const a of s.aliases)
    for (const r of sharesOf(a))
      if (r.share > 0 && runsAny(layersOf(r.version), subjects))
        out.push({ qualifier: a.name, version: r.version, share: r.share });
  for (const v of s.versions)
    if (runsAny(v.layers, subjects)) out.push({ qualifier: v.version, version: v.version, share: 1 });
  return out;
}

/** The newest published version whose layers hold none of the subjects. */
function lastClean(s: FunctionSnapshot, subjects: readonly string[]): string | null {
  const clean = s.versions.filter((v) => !runsAny(v.layers, subjects));
  return clean.reduce<string | null>(
    (best, v) => (best === null || Number(v.version) > Number(best) ? v.version : best),
    null,
  );
}

/** The routing without the versions that run a subject, or null when no clean version is known. */
function cleanRouting(routing: Routing, clean: string | null, dirty: (v: string) => boolean): Routing | null {
  const version = dirty(routing.version) ? clean : routing.version;
  if (version === null) return null;
  const weights = Object.fromEntries(
    Object.entries(routing.weights).filter(([v]) => v !== version && !dirty(v)),
  );
  return { version, weights };
}

function aliasSteps(s: FunctionSnapshot, subjects: readonly string[], cannot: Unchangeable[]): Step[] {
  const dirty = (v: string) => runsAny(s.versions.find((x) => x.version === v)?.layers, subjects);
  const clean = lastClean(s, subjects);
  const steps: Step[] = [];
  for (const alias of s.aliases) {
    if (!sharesOf(alias).some((r) => r.share > 0 && dirty(r.version))) continue;
    const to = cleanRouting(alias, clean, dirty);
    if (to === null || sameRouting(alias, to)) {
      cannot.push({
        qualifier: alias.name,
        why: 'no published version without the layers is known',
        advice: `publish a version from a clean $LATEST (after this revert), then repoint ${alias.name} to it`,
      });
      continue;
    }
    const from = { version: alias.version, weights: { ...alias.weights } };
    steps.push({ kind: 'set-routing', alias: alias.name, from, to, revisionId: alias.revisionId });
  }
  return steps;
}

function versionAdvice(s: FunctionSnapshot, version: string): Unchangeable {
  return {
    qualifier: version,
    why: 'a published version is immutable: its layers cannot be changed',
    advice: `once nothing calls it (aliases repointed above, event source mappings and callers moved), delete it: aws lambda delete-function --function-name ${shellQuote(s.arn)} --qualifier ${version} --region ${shellQuote(s.region)}`,
  };
}

export function planFunction(
  s: FunctionSnapshot,
  request: RevertRequest,
  options: PlanOptions,
): FunctionPlan {
  const { subjects } = request;
  const wanted = (q: string) => options.qualifier === null || options.qualifier === q;
  const steps: Step[] = [];
  const unchangeable: Unchangeable[] = [];
  if (options.throttle) steps.push({ kind: 'set-concurrency', from: s.reservedConcurrency, to: 0 });
  const aliases = aliasSteps(s, subjects, unchangeable).filter(
    (step) => step.kind !== 'set-routing' || wanted(step.alias),
  );
  steps.push(...aliases);
  if (wanted('$LATEST') && runsAny(s.layers, subjects))
    steps.push({
      kind: 'set-layers',
      from: [...s.layers],
      to: cleanLayers(s.layers, subjects, request.before),
      revisionId: s.revisionId,
    });
  for (const v of s.versions)
    if (runsAny(v.layers, subjects) && options.qualifier === null)
      unchangeable.push(versionAdvice(s, v.version));
  return {
    request,
    snapshot: s,
    running: runningOf(s, subjects),
    steps,
    unchangeable: unchangeable.filter((u) => wanted(u.qualifier) || options.qualifier === null),
  };
}
