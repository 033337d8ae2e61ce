/**
 * What each qualifier of a function runs, beside `$LATEST`'s history (baseline.ts): the layers of
 * each published version (immutable: read once, from the call that published it or a read of that
 * version, and kept) and each alias's routing over time (its version and the share sent to a
 * second one). Kept in time order like the layer states, so that a late or replayed alias event is
 * judged against the routing in force at its time, and a duplicate changes nothing.
 */

export interface VersionState {
  version: string;
  layers: string[];
  eventTime: string;
  eventId: string;
  /** `LATEST_PUBLISHED` when the publish activated a Managed Instances function. */
  publishTo?: string | null;
}

export interface AliasState {
  alias: string;
  /** The version the alias points to (null: never known). */
  version: string | null;
  /** A second version and its share of the alias's traffic (`{}`: none). */
  weights: Record<string, number>;
  eventTime: string;
  eventId: string;
  /** True once DeleteAlias removed it. */
  deleted: boolean;
}

export interface QualifierState {
  /** Oldest first. */
  versions: VersionState[];
  /** Every alias's routings, oldest first. */
  aliases: AliasState[];
  /**
   * Versions deleted (DeleteFunction with the version as Qualifier): Lambda never numbers a version
   * twice, so a late or replayed record of one is not kept again. Absent: none.
   */
  deleted?: string[];
}

/** What one event establishes for a function's qualifiers. */
export interface QualifierUpdate {
  version?: VersionState;
  alias?: AliasState;
  /** Versions the host read (GetFunctionConfiguration with the version as Qualifier). */
  observed?: VersionState[];
  /** A version deleted (DeleteFunction with the version as Qualifier): forgotten. */
  deleted?: string;
}

/** Versions kept per function (the oldest that no alias reaches go first), routings kept per alias. */
export const MAX_VERSIONS = 32;
export const MAX_ROUTINGS_PER_ALIAS = 8;
/** Deleted version numbers remembered per function. */
export const MAX_DELETED = 32;

export const EMPTY_QUALIFIERS: QualifierState = { versions: [], aliases: [] };

const timeOf = (s: { eventTime: string }) => Date.parse(s.eventTime);

/** The one version kept by name and replaced in place: a Managed Instances function's `$LATEST.PUBLISHED`. */
const IN_PLACE = '$LATEST.PUBLISHED';
/** Numbered versions in order, `$LATEST.PUBLISHED` after them. */
const versionOrder = (version: string) => (version === IN_PLACE ? Number.MAX_SAFE_INTEGER : Number(version));

/** A version's layers, or null when the version was never read. */
export function versionLayers(state: QualifierState | undefined, version: string): string[] | null {
  return state?.versions.find((v) => v.version === version)?.layers ?? null;
}

/** The newest published version before `version` that is known, or null. */
export function previousVersion(state: QualifierState | undefined, version: string): VersionState | null {
  // `$LATEST.PUBLISHED` is republished in place: its predecessor is what it ran before.
  if (version === IN_PLACE) return state?.versions.find((v) => v.version === IN_PLACE) ?? null;
  const n = Number(version);
  let found: VersionState | null = null;
  for (const v of state?.versions ?? [])
    if (Number(v.version) < n && (found === null || Number(v.version) > Number(found.version))) found = v;
  return found;
}

/** Each alias's routing in force just before an event (deleted aliases left out). */
export function aliasesBefore(
  state: QualifierState | undefined,
  timeMs: number,
  eventId: string,
): Map<string, AliasState> {
  const found = new Map<string, AliasState>();
  for (const a of state?.aliases ?? []) {
    if (a.eventId === eventId || timeOf(a) > timeMs) continue;
    const known = found.get(a.alias);
    if (!known || timeOf(known) <= timeOf(a)) found.set(a.alias, a);
  }
  for (const [name, a] of found) if (a.deleted) found.delete(name);
  return found;
}

/** Where traffic goes: the alias's version (its share what the weights leave) and each weighted one. */
export function routesOf(
  alias: Pick<AliasState, 'version' | 'weights'>,
): { version: string; share: number }[] {
  const extra = Object.entries(alias.weights).map(([version, share]) => ({ version, share }));
  const rest = 1 - extra.reduce((sum, r) => sum + r.share, 0);
  return [
    ...(alias.version !== null
      ? [{ version: alias.version, share: Math.max(0, Math.round(rest * 1e6) / 1e6) }]
      : []),
    ...extra.filter((r) => r.version !== alias.version),
  ];
}

/** Records what an event established: a version once (it never changes), an alias's routing in time order. */
export function recordQualifiers(state: QualifierState | undefined, update: QualifierUpdate): QualifierState {
  const deleted = [...(state?.deleted ?? [])];
  if (update.deleted !== undefined && !deleted.includes(update.deleted)) deleted.push(update.deleted);
  if (deleted.length > MAX_DELETED) deleted.splice(0, deleted.length - MAX_DELETED);
  let versions = (state?.versions ?? []).filter((v) => !deleted.includes(v.version));
  let aliases = [...(state?.aliases ?? [])];
  const { alias } = update;
  for (const version of [...(update.observed ?? []), ...(update.version ? [update.version] : [])]) {
    const kept = versions.find((v) => v.version === version.version);
    // `$LATEST.PUBLISHED` (Managed Instances) is republished in place: the newest publish replaces it.
    const replaces = kept?.version === IN_PLACE && timeOf(version) >= timeOf(kept);
    if ((kept && !replaces) || deleted.includes(version.version)) continue;
    versions = versions.filter((v) => v !== kept);
    versions.push({ ...version, layers: [...version.layers] });
    versions.sort((a, b) => versionOrder(a.version) - versionOrder(b.version));
    if (versions.length > MAX_VERSIONS) {
      const reached = new Set(
        [...aliasesBefore({ versions, aliases }, Number.POSITIVE_INFINITY, '').values()].flatMap((a) =>
          routesOf(a).map((r) => r.version),
        ),
      );
      const drop = versions.find((v) => !reached.has(v.version)) ?? versions[0];
      versions = versions.filter((v) => v !== drop);
    }
  }
  if (alias) {
    aliases = aliases.filter((a) => a.eventId !== alias.eventId);
    aliases.push({ ...alias, weights: { ...alias.weights } });
    aliases.sort((a, b) => timeOf(a) - timeOf(b));
    const mine = aliases.filter((a) => a.alias === alias.alias);
    if (mine.length > MAX_ROUTINGS_PER_ALIAS) {
      const old = new Set(mine.slice(0, mine.length - MAX_ROUTINGS_PER_ALIAS));
      aliases = aliases.filter((a) => !old.has(a));
    }
  }
  return { versions, aliases, ...(deleted.length > 0 ? { deleted } : {}) };
}
