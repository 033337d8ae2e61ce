/**
 * The guardrail policy: one Deny statement on the calls that set a function's layers, when any
 * requested layer version (`lambda:Layer`, a list of layer version ARNs) is outside the allowed list,
 * unless the caller is a named exempt principal. The allowed list is grouped so it stays short and
 * stable: the organization's own accounts, the known publishers whose layers are in use, and named
 * exceptions; versions are `*` unless pinned. Pure.
 */
import { compiledBy } from '../compiled.js';
import type { KnownPublisher } from '../publishers.js';
import { utf8Length } from '../text.js';
import type { Inventory, LayerUse } from './inventory.js';

/** The calls whose request carries `lambda:Layer` (IAM's action data for Lambda). */
export const GUARDED_ACTIONS = ['lambda:CreateFunction', 'lambda:UpdateFunctionConfiguration'] as const;
export const LAYER_KEY = 'lambda:Layer';
export const PRINCIPAL_KEY = 'aws:PrincipalArn';
export const DENY_SID = 'DenyLayersOutsideAllowedList';

export const FORMATS = ['scp', 'identity', 'boundary'] as const;
export type GuardrailFormat = (typeof FORMATS)[number];

/**
 * Size limits: a service control policy 5,120 bytes (Organizations counts a policy saved with the
 * CLI or an SDK as sent, whitespace included; only its console strips whitespace), a customer
 * managed policy (identity or permissions boundary) 6,144 characters without whitespace. The policy
 * is written without any whitespace and in ASCII, so both ways of counting give its size.
 */
export const SIZE_LIMITS: Readonly<Record<GuardrailFormat, number>> = {
  scp: 5120,
  identity: 6144,
  boundary: 6144,
};

export interface GuardrailStatement {
  Sid: string;
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Resource: string;
  Condition?: Record<string, Record<string, string[]>>;
}

export interface GuardrailPolicy {
  Version: '2012-10-17';
  Statement: GuardrailStatement[];
}

export interface AllowedEntry {
  pattern: string;
  kind: 'own account' | 'known publisher' | 'exception';
  /** Why it is allowed, for the summary: the publisher's name and source, the account's sightings. */
  why: string;
}

export interface GuardrailOptions {
  format: GuardrailFormat;
  pinVersions: boolean;
  /** `--allow`: layer ARN patterns allowed by name. */
  allow: readonly string[];
  /** `--exempt-principal`: IAM principal ARNs (patterns) the statement does not apply to. */
  exemptPrincipals: readonly string[];
  /** Accounts of the organization besides those the inputs show. */
  organizationAccounts: readonly string[];
  publishers: readonly KnownPublisher[];
}

export interface Guardrail {
  policy: GuardrailPolicy;
  allowed: AllowedEntry[];
  exempt: string[];
  /** Layer versions in use that the policy refuses. */
  refused: LayerUse[];
  /** What was merged to fit the size limit (empty when nothing was). */
  merged: string[];
  size: number;
  limit: number;
}

export class GuardrailError extends Error {
  override name = 'GuardrailError';
}

const ALLOW_PATTERN =
  /^arn:(?:\*|[a-z0-9-]{1,32}):lambda:[a-z0-9*?-]{1,64}:(\d{12}):layer:[A-Za-z0-9_*?-]{1,140}:(?:\d{1,10}|\*)$/;
const EXEMPT_PATTERN = /^arn:[a-z0-9-]{1,32}:iam::(\d{12}):(?:root|(?:role|user)\/([\w+=,.@/*?-]{1,512}))$/;

/** A layer pattern for `--allow`: the account is named (a layer's name is its publisher's to choose). */
export function checkAllowPattern(pattern: string): string {
  if (!ALLOW_PATTERN.test(pattern))
    throw new GuardrailError(
      `--allow "${pattern}" is not a layer version ARN pattern with a 12-digit account ` +
        '(arn:aws:lambda:REGION|*:ACCOUNT:layer:NAME|*:VERSION|*): any account could publish a layer of any name',
    );
  return pattern;
}

/** An exempt principal: one account's role, user or root, with a name that is not only wildcards. */
export function checkExemptPrincipal(arn: string): string {
  const m = EXEMPT_PATTERN.exec(arn);
  const name = m?.[2]?.split('/').pop();
  if (!m || (name !== undefined && !/[^*?]/.test(name)))
    throw new GuardrailError(
      `--exempt-principal "${arn}" is not a named principal (arn:aws:iam::ACCOUNT:role/NAME, ` +
        'user/NAME or root; wildcards only within a name): an exemption for everyone is no guardrail',
    );
  return arn;
}

function accountPattern(partition: string, account: string): string {
  return `arn:${partition}:lambda:*:${account}:layer:*:*`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** The known publisher of an account, if any. */
function publisherOf(known: readonly KnownPublisher[], account: string): KnownPublisher | undefined {
  return known.find((p) => p.account === account);
}

/** The known publishers whose layers are in use outside the own accounts, by partition and account, sorted. */
function publishersInUse(
  uses: Iterable<LayerUse>,
  own: ReadonlyMap<string, string>,
  known: readonly KnownPublisher[],
): [string, { partition: string; publisher: KnownPublisher }][] {
  const publishers = new Map<string, { partition: string; publisher: KnownPublisher }>();
  for (const use of uses) {
    const publisher = own.has(use.parts.account) ? undefined : publisherOf(known, use.parts.account);
    if (publisher)
      publishers.set(`${use.parts.partition}:${use.parts.account}`, {
        partition: use.parts.partition,
        publisher,
      });
  }
  return [...publishers].sort();
}

/** The allowed list before any merge: accounts as a whole, or each version in use when pinned. */
function allowedEntries(inventory: Inventory, options: GuardrailOptions): AllowedEntry[] {
  const own = new Map(inventory.accounts);
  // Accounts named by option take the partition the inputs show (one organization, one partition).
  const partition = [...inventory.accounts.values()][0] ?? 'aws';
  for (const account of options.organizationAccounts) if (!own.has(account)) own.set(account, partition);
  const uses = [...inventory.layers.values()];
  const entries: AllowedEntry[] = [];
  const ownWhy = (account: string) =>
    `${plural(uses.filter((u) => u.parts.account === account).length, 'layer version')} in use`;
  if (options.pinVersions) {
    for (const use of uses.sort((a, b) => (a.arn < b.arn ? -1 : 1))) {
      const publisher = own.has(use.parts.account)
        ? undefined
        : publisherOf(options.publishers, use.parts.account);
      if (own.has(use.parts.account))
        entries.push({ pattern: use.arn, kind: 'own account', why: ownWhy(use.parts.account) });
      else if (publisher)
        entries.push({
          pattern: use.arn,
          kind: 'known publisher',
          why: `${publisher.name} (${publisher.source})`,
        });
    }
  } else {
    for (const [account, partition] of [...own].sort()) {
      entries.push({
        pattern: accountPattern(partition, account),
        kind: 'own account',
        why: ownWhy(account),
      });
    }
    for (const [, { partition, publisher }] of publishersInUse(uses, own, options.publishers)) {
      entries.push({
        pattern: accountPattern(partition, publisher.account),
        kind: 'known publisher',
        why: `${publisher.name} (${publisher.source})`,
      });
    }
  }
  for (const pattern of [...new Set(options.allow)].sort())
    entries.push({ pattern: checkAllowPattern(pattern), kind: 'exception', why: 'named with --allow' });
  return dedupe(entries);
}

function dedupe(entries: AllowedEntry[]): AllowedEntry[] {
  const seen = new Set<string>();
  return entries.filter((e) => !seen.has(e.pattern) && seen.add(e.pattern));
}

export function policyOf(
  allowed: readonly AllowedEntry[],
  exempt: readonly string[],
  format: GuardrailFormat,
): GuardrailPolicy {
  const condition: Record<string, Record<string, string[]>> = {
    'ForAnyValue:StringNotLike': { [LAYER_KEY]: allowed.map((e) => e.pattern) },
  };
  if (exempt.length > 0) condition.ArnNotLike = { [PRINCIPAL_KEY]: [...exempt] };
  const deny: GuardrailStatement = {
    Sid: DENY_SID,
    Effect: 'Deny',
    Action: [...GUARDED_ACTIONS],
    Resource: '*',
    Condition: condition,
  };
  // A permissions boundary grants nothing it does not allow: the boundary form allows the rest.
  const allowRest: GuardrailStatement = {
    Sid: 'AllowWithinBoundary',
    Effect: 'Allow',
    Action: '*',
    Resource: '*',
  };
  return { Version: '2012-10-17', Statement: format === 'boundary' ? [allowRest, deny] : [deny] };
}

/** The policy as written: compact JSON, no whitespace. */
export function policyText(policy: GuardrailPolicy): string {
  return JSON.stringify(policy);
}

/** The size AWS counts, in bytes, of the policy as written. */
export function policySize(policy: GuardrailPolicy): number {
  return utf8Length(policyText(policy));
}

/** Merges a pinned list: versions of one layer into `:*`, then (if needed) layers of one account into the account. */
function merges(entries: AllowedEntry[]): { step: string; entries: AllowedEntry[] }[] {
  const byLayer = (e: AllowedEntry) =>
    e.kind === 'exception' ? e.pattern : e.pattern.replace(/:\d+$/, ':*');
  const byAccount = (e: AllowedEntry) =>
    e.kind === 'exception'
      ? e.pattern
      : e.pattern.replace(/^(arn:[^:]+:lambda:)[^:]+(:\d{12}:layer:).*$/, '$1*$2*:*');
  const merged = (key: (e: AllowedEntry) => string) =>
    dedupe(entries.map((e) => ({ ...e, pattern: key(e) })));
  const layers = merged(byLayer);
  const accounts = merged(byAccount);
  return [
    {
      step: `pinned versions merged per layer (${entries.length} entries into ${layers.length}, versions as *)`,
      entries: layers,
    },
    {
      step: `layers merged per account (${entries.length} entries into ${accounts.length}, names and regions as *)`,
      entries: accounts,
    },
  ];
}

/** Builds the guardrail; throws GuardrailError when it cannot fit or an option is unsafe. */
export function buildGuardrail(inventory: Inventory, options: GuardrailOptions): Guardrail {
  const exempt = [...new Set(options.exemptPrincipals)].sort().map(checkExemptPrincipal);
  let allowed = allowedEntries(inventory, options);
  if (allowed.length === 0)
    throw new GuardrailError(
      options.pinVersions
        ? 'nothing to allow: no layer version of an own account or a known publisher is in use (--pin-versions allows only those), and no --allow was given'
        : NOTHING_TO_ALLOW,
    );
  const limit = SIZE_LIMITS[options.format];
  const merged: string[] = [];
  let policy = policyOf(allowed, exempt, options.format);
  for (const step of options.pinVersions ? merges(allowed) : []) {
    if (policySize(policy) <= limit) break;
    allowed = step.entries;
    merged.push(step.step);
    policy = policyOf(allowed, exempt, options.format);
  }
  const size = policySize(policy);
  if (size > limit) throw tooLarge(size, options.format, allowed.length, exempt.length, merged);
  const patterns = allowed.map((e) => e.pattern);
  const refused = [...inventory.layers.values()].filter((u) => !patterns.some((p) => stringLike(p, u.arn)));
  return { policy, allowed, exempt, refused, merged, size, limit };
}

const NOTHING_TO_ALLOW =
  'nothing to allow: the inputs show no account and no layer in use, and no --allow was given';

function tooLarge(
  size: number,
  format: GuardrailFormat,
  allowed: number,
  exempt: number,
  merged: readonly string[],
): GuardrailError {
  return new GuardrailError(
    `the policy needs ${size} characters, over the ${format} limit of ${SIZE_LIMITS[format]} ` +
      `(${plural(allowed, 'allowed pattern')}, ${plural(exempt, 'exempt principal')}` +
      `${merged.length > 0 ? `, after: ${merged.join('; ')}` : ''}): generate one policy per organizational unit ` +
      "(its accounts' history as INPUT), or name fewer exceptions",
  );
}

/** The size of the policy for the default options with no pattern at all, per format. */
const EMPTY_SIZE = new Map<GuardrailFormat, number>();

/**
 * The allowed patterns of `buildGuardrail(inventory, { format, pinVersions: false, allow: [],
 * exemptPrincipals: [], organizationAccounts: [], publishers })`, and the size of its policy, with
 * the same GuardrailError when it has nothing to allow or does not fit; without building the
 * summary or the policy's text. The text is the empty list's text with the patterns written into
 * it, each as a JSON string, separated by commas: its size is summed from theirs.
 */
export function defaultAllowedPatterns(
  inventory: Inventory,
  publishers: readonly KnownPublisher[],
  format: GuardrailFormat,
): { patterns: string[]; size: number } {
  const own = inventory.accounts;
  const patterns: string[] = [];
  for (const [account, partition] of [...own].sort()) patterns.push(accountPattern(partition, account));
  for (const [, { partition, publisher }] of publishersInUse(inventory.layers.values(), own, publishers))
    patterns.push(accountPattern(partition, publisher.account));
  const unique = [...new Set(patterns)];
  if (unique.length === 0) throw new GuardrailError(NOTHING_TO_ALLOW);
  let empty = EMPTY_SIZE.get(format);
  if (empty === undefined) {
    empty = policySize(policyOf([], [], format));
    EMPTY_SIZE.set(format, empty);
  }
  let size = empty + unique.length - 1;
  for (const pattern of unique) size += utf8Length(JSON.stringify(pattern));
  if (size > SIZE_LIMITS[format]) throw tooLarge(size, format, unique.length, 0, []);
  return { patterns: unique, size };
}

/** IAM's StringLike: `*` any run of characters, `?` exactly one, everything else literal and case-sensitive. */
export function stringLike(pattern: string, value: string): boolean {
  return stringLikeRegExp(pattern).test(value);
}

const stringLikeRegExp = compiledBy((pattern) => {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '[\\s\\S]*')
    .replace(/\?/g, '[\\s\\S]');
  return new RegExp(`^${source}$`);
});
