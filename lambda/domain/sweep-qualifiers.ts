/**
 * What the drift sweep reads of a function's versions and aliases, expressed as the events it
 * amounts to, so that the engine judges them as the handler does: an alias routed otherwise than
 * last known is an `UpdateAlias` by the sweep (`lambda-alias-routes-to-layer`; an alias never known
 * is judged as first seen), a known alias the function no longer has is a `DeleteAlias`, and a
 * Managed Instances function's `$LATEST.PUBLISHED` on a version never seen (or, republished in place,
 * running other layers than kept) is a `PublishVersion` with `PublishTo: LATEST_PUBLISHED`
 * (`lambda-version-published-with-layer`). Bounded per function
 * and run; what lies beyond a bound is named, never passed over. Pure.
 */
import type { Baseline } from './baseline.js';
import { sameLayers } from './layers.js';
import type { AliasEvent, FunctionRef, VersionEvent } from './model.js';
import { SWEEP_ACTOR, sweepMeta } from './observation.js';
import { LATEST_PUBLISHED } from './qualifier-view.js';
import { aliasesBefore, routesOf, versionLayers } from './qualifiers.js';

/** Aliases listed per function and run (one ListAliases page). */
export const SWEEP_MAX_ALIASES = 16;
/** Versions read per function and run (GetFunctionConfiguration with the Qualifier), beyond those kept. */
export const SWEEP_MAX_VERSION_READS = 8;

/** An alias as ListAliases answers it. */
export interface SweptAlias {
  alias: string;
  /** The version it points to (null when Lambda did not say). */
  version: string | null;
  /** `RoutingConfig.AdditionalVersionWeights` (`{}`: none). */
  weights: Record<string, number>;
}

const VERSION = /^\d{1,10}$/;

/**
 * The published versions the listed aliases route to whose layers are not kept (a version is
 * immutable: one read is enough, ever): the first SWEEP_MAX_VERSION_READS to read this run, the rest
 * beyond the bound (read on a later run, once these are kept).
 */
export function versionsToSweep(
  baseline: Baseline | null,
  aliases: readonly SweptAlias[],
): { read: string[]; beyond: string[] } {
  const wanted = new Set(aliases.flatMap((a) => routesOf(a).map((r) => r.version)));
  const deleted = new Set(baseline?.qualifiers?.deleted ?? []);
  const unread = [...wanted].filter(
    (v) => VERSION.test(v) && !deleted.has(v) && versionLayers(baseline?.qualifiers, v) === null,
  );
  return { read: unread.slice(0, SWEEP_MAX_VERSION_READS), beyond: unread.slice(SWEEP_MAX_VERSION_READS) };
}

function sameRouting(a: Pick<SweptAlias, 'version' | 'weights'>, b: Pick<SweptAlias, 'version' | 'weights'>) {
  const key = (r: Pick<SweptAlias, 'version' | 'weights'>) =>
    JSON.stringify([r.version, Object.entries(r.weights).sort(([x], [y]) => x.localeCompare(y))]);
  return key(a) === key(b);
}

/**
 * The alias events the sweep's listing amounts to: each listed alias routed otherwise than last
 * known (or never known), and, when the listing is complete, each known alias that is gone.
 * @param runId as for observationEvent: never repeats across runs (ids key the baseline).
 */
export function sweptAliasEvents(
  fn: FunctionRef,
  baseline: Baseline | null,
  listed: { aliases: readonly SweptAlias[]; more: boolean },
  runId: string,
  observedAt: string,
): AliasEvent[] {
  const known = aliasesBefore(baseline?.qualifiers, Number.POSITIVE_INFINITY, '');
  const event = (kind: AliasEvent['kind'], alias: string, routing: AliasEvent['routing']): AliasEvent => ({
    kind,
    meta: sweepMeta(fn, `sweep:${runId}:${fn.arn}:${alias}`, kind, observedAt),
    actor: SWEEP_ACTOR,
    fn,
    alias,
    routing,
  });
  const events: AliasEvent[] = [];
  for (const a of listed.aliases) {
    const before = known.get(a.alias);
    const version = a.version === '$LATEST' || (a.version && VERSION.test(a.version)) ? a.version : null;
    const now = {
      version,
      weights: Object.fromEntries(Object.entries(a.weights).filter(([v]) => VERSION.test(v))),
    };
    if (!before || !sameRouting(before, now)) events.push(event('UpdateAlias', a.alias, now));
  }
  if (!listed.more) {
    const names = new Set(listed.aliases.map((a) => a.alias));
    for (const alias of known.keys()) if (!names.has(alias)) events.push(event('DeleteAlias', alias, null));
  }
  return events;
}

/**
 * `$LATEST.PUBLISHED` of a Managed Instances function as read: a version never kept is its
 * activation, judged as a `PublishVersion` with `PublishTo: LATEST_PUBLISHED`; null when it is
 * kept already. A read that names no numbered version is a gap (the string says why).
 */
export function sweptActivation(
  fn: FunctionRef,
  baseline: Baseline | null,
  read: { version: string | null; layers: string[] },
  runId: string,
  observedAt: string,
): VersionEvent | string | null {
  const inPlace = read.version === LATEST_PUBLISHED;
  if (!read.version || !(VERSION.test(read.version) || inPlace))
    return `$LATEST.PUBLISHED answered version ${read.version ?? '(none)'}: not compared`;
  const kept = baseline?.qualifiers?.versions.find((v) => v.version === read.version);
  // A numbered version never changes; `$LATEST.PUBLISHED` is republished in place: compared by its layers.
  if (kept?.publishTo === 'LATEST_PUBLISHED' && (!inPlace || sameLayers(kept.layers, read.layers)))
    return null;
  return {
    kind: 'PublishVersion',
    meta: sweepMeta(fn, `sweep:${runId}:${fn.arn}:$LATEST.PUBLISHED`, 'PublishVersion', observedAt),
    actor: SWEEP_ACTOR,
    fn,
    published: {
      version: read.version,
      layers: { state: 'list', layers: [...read.layers] },
      codeSha256: null,
      publishTo: 'LATEST_PUBLISHED',
    },
  };
}
