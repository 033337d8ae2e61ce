/**
 * A function as the revert reads it just before planning or applying: `$LATEST`'s layers and
 * `RevisionId`, every published version's layers, every alias's routing and `RevisionId`, its
 * reserved concurrency and the CloudFormation stack that manages it. Plain data, read by an
 * adapter; the plan, the guards and the restore are pure functions of it.
 */

/** Where an alias sends its traffic: its version, and a second version with its share. */
export interface Routing {
  version: string;
  /** Version -> share of the alias's traffic (`{}`: none). */
  weights: Record<string, number>;
}

export interface AliasSnapshot extends Routing {
  name: string;
  /** Changes with every write to the alias; an update that names a stale one fails. */
  revisionId: string | null;
}

export interface VersionSnapshot {
  version: string;
  layers: string[];
}

export interface FunctionSnapshot {
  /** The unqualified function ARN. */
  arn: string;
  name: string;
  account: string;
  region: string;
  /** `$LATEST`'s layers, in order. */
  layers: string[];
  /** `$LATEST`'s revision: changes with every write to the function's configuration or code. */
  revisionId: string | null;
  /** The execution role: what the layer's code could reach. */
  role: string | null;
  /** The `aws:cloudformation:stack-name` tag: the stack that manages the function, or null. */
  stackName: string | null;
  /** Reserved concurrency, or null when none is set (the account's pool). */
  reservedConcurrency: number | null;
  /** Published versions, oldest first (`$LATEST` left out). */
  versions: VersionSnapshot[];
  aliases: AliasSnapshot[];
}

/** The tag CloudFormation puts on every function it creates. */
export const STACK_NAME_TAG = 'aws:cloudformation:stack-name';

/** The share of each version in a routing (the alias's own version gets what the weights leave). */
export function sharesOf(routing: Routing): { version: string; share: number }[] {
  const extra = Object.entries(routing.weights).filter(([v]) => v !== routing.version);
  const rest = 1 - extra.reduce((sum, [, share]) => sum + share, 0);
  return [
    { version: routing.version, share: Math.max(0, Math.round(rest * 1e6) / 1e6) },
    ...extra.map(([version, share]) => ({ version, share })),
  ];
}

export function sameRouting(a: Routing, b: Routing): boolean {
  const wa = Object.entries(a.weights).sort(([x], [y]) => x.localeCompare(y));
  const wb = Object.entries(b.weights).sort(([x], [y]) => x.localeCompare(y));
  return a.version === b.version && JSON.stringify(wa) === JSON.stringify(wb);
}

export function routingText(r: Routing): string {
  const extra = Object.entries(r.weights).filter(([v]) => v !== r.version);
  if (extra.length === 0) return `version ${r.version}`;
  return sharesOf(r)
    .map((s) => `version ${s.version} ${Math.round(s.share * 1000) / 10} %`)
    .join(' + ');
}
