/**
 * What the detections know of a function's qualifiers at an event's time (the versions seen, each
 * alias's routing just before the event, `$LATEST`'s history) and what the event establishes for
 * them. Built by the engine from the baseline; pure.
 */
import type { Baseline, LayerState } from './baseline.js';
import { isAliasEvent, type LambdaEvent, publicationOf, qualifierFunctionOf } from './model.js';
import {
  type AliasState,
  aliasesBefore,
  EMPTY_QUALIFIERS,
  type QualifierState,
  type QualifierUpdate,
  recordQualifiers,
  routesOf,
  versionLayers,
} from './qualifiers.js';

export interface QualifierView {
  /** Versions and routings known before the event. */
  state: QualifierState;
  /** Each alias's routing in force just before the event. */
  aliases: Map<string, AliasState>;
  /** `$LATEST`'s states up to the event, oldest first. */
  latest: LayerState[];
  /** What the event establishes (a version read, an alias's new routing), or null. */
  update: QualifierUpdate | null;
  /** Why the event establishes nothing it should have (a version whose layers are unreadable). */
  gaps: string[];
}

/** A qualifier that runs a layer: an alias (with its traffic share), a version, or `$LATEST`. */
export interface QualifierRoute {
  qualifier: string;
  /** The version an alias sends traffic to; null for `$LATEST`. */
  version: string | null;
  /** The share of the alias's traffic (1 for a version or `$LATEST` called by name). */
  share: number;
}

/** Versions a host reads at most per event (GetFunctionConfiguration with the version as Qualifier). */
export const MAX_VERSION_READS = 4;

/**
 * The published versions an alias event routes to, before or after it, whose layers were never
 * seen: the host reads them (a version is immutable, one read is enough) before `analyze`.
 */
export function versionsToRead(event: LambdaEvent, baseline: Baseline | null): string[] {
  if (!isAliasEvent(event) || event.kind === 'DeleteAlias') return [];
  const view = qualifierViewOf(event, baseline);
  const routings = [view.aliases.get(event.alias), view.update?.alias].filter((a) => a !== undefined);
  const wanted = routings.flatMap((a) => routesOf(a).map((r) => r.version));
  return [...new Set(wanted)]
    .filter((v) => v !== '$LATEST' && versionLayers(view.state, v) === null)
    .slice(0, MAX_VERSION_READS);
}

/** `read`: layers of versions the host read for this event, by version. */
export function qualifierViewOf(
  event: LambdaEvent,
  baseline: Baseline | null,
  read: Readonly<Record<string, readonly string[]>> = {},
): QualifierView {
  const timeMs = event.meta.timeMs;
  const observed = Object.entries(read)
    .filter(([v]) => versionLayers(baseline?.qualifiers, v) === null)
    .map(([version, layers]) => ({
      version,
      layers: [...layers],
      eventTime: event.meta.time,
      eventId: `${event.meta.id}#read:${version}`,
    }));
  const known = baseline?.qualifiers ?? EMPTY_QUALIFIERS;
  const state = observed.length > 0 ? recordQualifiers(known, { observed }) : known;
  const aliases = aliasesBefore(state, timeMs, event.meta.id);
  const latest = (baseline?.states ?? []).filter(
    (s) => s.eventId !== event.meta.id && Date.parse(s.eventTime) <= timeMs,
  );
  const gaps: string[] = [];
  const own = qualifierFunctionOf(event) ? updateOf(event, aliases, gaps) : null;
  const update = observed.length > 0 ? { ...own, observed } : own;
  return { state, aliases, latest, update, gaps };
}

function updateOf(
  event: LambdaEvent,
  aliases: Map<string, AliasState>,
  gaps: string[],
): QualifierUpdate | null {
  const { id: eventId, time: eventTime } = event.meta;
  const publication = publicationOf(event);
  if (publication) {
    if (publication.layers.state !== 'list') {
      gaps.push(`version ${publication.version}: its layers are unreadable in the record`);
      return null;
    }
    return {
      version: {
        version: publication.version,
        layers: publication.layers.layers,
        eventTime,
        eventId,
        publishTo: publication.publishTo,
      },
    };
  }
  if (event.kind === 'Tamper' && event.deletedVersion) return { deleted: event.deletedVersion.version };
  if (!isAliasEvent(event)) return null;
  const before = aliases.get(event.alias);
  return {
    alias: {
      alias: event.alias,
      version: event.routing?.version ?? before?.version ?? null,
      weights: event.routing?.weights ?? before?.weights ?? {},
      eventTime,
      eventId,
      deleted: event.kind === 'DeleteAlias',
    },
  };
}

/**
 * Lambda Managed Instances: an unqualified invoke runs `$LATEST.PUBLISHED`, the newest version
 * published with `PublishTo: LATEST_PUBLISHED`.
 */
export const LATEST_PUBLISHED = '$LATEST.PUBLISHED';

/**
 * The aliases (and their shares) that reach each version, as routed just before the event, and
 * `$LATEST.PUBLISHED` (Managed Instances) with the version it runs.
 */
export function aliasRoutes(view: QualifierView): QualifierRoute[] {
  const activated = view.state.versions.filter((v) => v.publishTo === 'LATEST_PUBLISHED').at(-1);
  return [
    ...[...view.aliases.values()].flatMap((a) =>
      routesOf(a)
        .filter((r) => r.share > 0)
        .map((r) => ({ qualifier: a.alias, version: r.version, share: r.share })),
    ),
    ...(activated ? [{ qualifier: LATEST_PUBLISHED, version: activated.version, share: 1 }] : []),
  ];
}

/** The routes that run a layer (same layer, any version of it, by its unversioned key). */
export function routesRunning(
  view: QualifierView,
  routes: readonly QualifierRoute[],
  runs: (layers: readonly string[]) => boolean,
): QualifierRoute[] {
  return routes.filter((r) => {
    const layers = r.version === null ? null : versionLayers(view.state, r.version);
    return layers !== null && runs(layers);
  });
}

/** The `$LATEST` change that brought a layer (the first state of its newest unbroken run), if kept. */
export function attachOf(
  latest: readonly LayerState[],
  has: (layers: readonly string[]) => boolean,
): { state: LayerState; before: LayerState | null } | null {
  let index = latest.length - 1;
  if (index < 0 || !has((latest[index] as LayerState).layers)) return null;
  while (index > 0 && has((latest[index - 1] as LayerState).layers)) index -= 1;
  return { state: latest[index] as LayerState, before: latest[index - 1] ?? null };
}
