/**
 * Tuning, as data: which accounts are ours, which publishers and deploy roles we trust, what to
 * suppress and from which severity to publish. Read from a JSON file by the CLI (`--config`) and
 * from CDK context by the Lambda (passed as JSON in its environment); validated here, once.
 */
import { isAccountId } from './arn.js';
import { compiledBy } from './compiled.js';
import { DEFAULT_PUBLISHERS, type KnownPublisher } from './publishers.js';
import { isSeverity, SEVERITIES, type Severity } from './severity.js';

export interface Suppressions {
  /** Caller ARN globs (`*` matches any run of characters). */
  principals: string[];
  /** User agent globs. */
  userAgents: string[];
  /** Layer owner accounts whose layers never alert. */
  layerAccounts: string[];
  /** Function ARN globs. */
  functions: string[];
}

/**
 * layerwatch's own resources, by kind: a call that blinds or disarms one of them raises
 * `detector-tampered`. Each entry is a glob (`*` any run of characters) matched against the
 * resource's ARN when it starts with `arn:`, else against its name (a key: its id or alias).
 */
export interface OwnResources {
  rules: string[];
  /**
   * Digests of the event patterns layerwatch's rules carry (`patternDigest`): a PutRule that gives
   * one of its rules another pattern is tampering. Empty: patterns are not judged, only DISABLED.
   */
  rulePatterns: string[];
  eventBuses: string[];
  topics: string[];
  functions: string[];
  keys: string[];
  tables: string[];
  /** CloudWatch alarm names (or ARNs): failures, throttles, dead letters, blind regions. */
  alarms: string[];
  /** SQS queue names (or ARNs): the dead-letter and failure queues. */
  queues: string[];
  /** IAM role names (or ARNs): the runtimes' roles, the forwarding and member roles. */
  roles: string[];
  /** CloudFormation stack and StackSet names (or ARNs): the detector's, forwarders', member StackSet. */
  stacks: string[];
  /** EventBridge Scheduler schedules as `group/name` (or ARNs): the member heartbeat's. */
  schedules: string[];
}

export const OWN_RESOURCE_KINDS = [
  'rules',
  'rulePatterns',
  'eventBuses',
  'topics',
  'functions',
  'keys',
  'tables',
  'alarms',
  'queues',
  'roles',
  'stacks',
  'schedules',
] as const;

/**
 * What the default stacks name their resources: CloudFormation prefixes generated names with the
 * stack name (`LayerWatch-...`, `LayerWatchForwarder-<region>-...`, and in member accounts the
 * StackSet's instance stack `StackSet-layerwatch-member-<region>-<id>-...`); the fixed names start
 * with `layerwatch-` (the canary `layerwatch-canary`, the forwarding rules, the remote alarms, the
 * member heartbeat schedule) or `LayerWatch` (the member roles). Keys have no name: list their ids
 * or ARNs in settings. The deployed handler also receives the exact list of its stack.
 */
export const DEFAULT_OWN_RESOURCES: OwnResources = {
  rules: ['LayerWatch*', 'layerwatch-*'],
  rulePatterns: [],
  eventBuses: [],
  topics: ['LayerWatch*', 'layerwatch-*'],
  // Not every `layerwatch-*`: the verify test alert's made-up function is named so, and is no own one.
  functions: ['LayerWatch*', 'layerwatch-canary', 'StackSet-layerwatch-member-*'],
  keys: [],
  tables: ['LayerWatch*', 'layerwatch-*'],
  alarms: ['LayerWatch*', 'layerwatch-*'],
  queues: ['LayerWatch*', 'layerwatch-*', 'StackSet-layerwatch-member-*'],
  roles: ['LayerWatch*', 'layerwatch-*', 'StackSet-layerwatch-member-*'],
  stacks: ['LayerWatch', 'LayerWatchForwarder-*', 'layerwatch-member-*', 'StackSet-layerwatch-member-*'],
  schedules: ['*/layerwatch-heartbeat'],
};

export interface DetectionSettings {
  /** Accounts of your organization (a layer from one of them is not "external"). */
  organizationAccounts: string[];
  /** Built-in registry plus yours. */
  knownPublishers: KnownPublisher[];
  /** Deploy roles (caller or session-issuer ARN globs): their changes rank lower. */
  deployPrincipals: string[];
  suppress: Suppressions;
  /** Findings below this severity are not published (they are logged and counted). */
  minSeverity: Severity;
  /** Publish-then-attach correlation window. */
  correlationWindowMinutes: number;
  /** layerwatch's own resources (detector-tampered). */
  ownResources: OwnResources;
}

export class SettingsError extends Error {
  override name = 'SettingsError';
}

export const DEFAULT_SETTINGS: DetectionSettings = {
  organizationAccounts: [],
  knownPublishers: [...DEFAULT_PUBLISHERS],
  deployPrincipals: [],
  suppress: { principals: [], userAgents: [], layerAccounts: [], functions: [] },
  minSeverity: 'low',
  correlationWindowMinutes: 60,
  ownResources: DEFAULT_OWN_RESOURCES,
};

const KEYS = [
  'organizationAccounts',
  'knownPublishers',
  'deployPrincipals',
  'suppress',
  'minSeverity',
  'correlationWindowMinutes',
  'ownResources',
];
const SUPPRESS_KEYS = ['principals', 'userAgents', 'layerAccounts', 'functions'];

function strings(value: unknown, where: string, check?: (s: string) => boolean, what?: string): string[] {
  if (value === undefined) return [];
  if (
    !Array.isArray(value) ||
    !value.every((x) => typeof x === 'string' && x.length > 0 && x.length <= 2048)
  ) {
    throw new SettingsError(`${where} must be a list of non-empty strings`);
  }
  for (const s of value as string[])
    if (check && !check(s)) throw new SettingsError(`${where}: "${s}" is not ${what}`);
  return value as string[];
}

function object(value: unknown, where: string, keys: string[]): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new SettingsError(`${where} must be an object`);
  const unknown = Object.keys(value).filter((k) => !keys.includes(k));
  if (unknown.length > 0)
    throw new SettingsError(`${where}: unknown key(s) ${unknown.join(', ')} (known: ${keys.join(', ')})`);
  return value as Record<string, unknown>;
}

export function parseSettings(value: unknown): DetectionSettings {
  if (value === undefined || value === null) return DEFAULT_SETTINGS;
  const o = object(value, 'settings', KEYS);
  const s = o.suppress === undefined ? {} : object(o.suppress, 'suppress', SUPPRESS_KEYS);
  const publishers = o.knownPublishers === undefined ? [] : o.knownPublishers;
  if (!Array.isArray(publishers))
    throw new SettingsError('knownPublishers must be a list of {account, name, source}');
  const extra = publishers.map((p, i) => {
    const entry = object(p, `knownPublishers[${i}]`, ['account', 'name', 'source']);
    if (typeof entry.account !== 'string' || !isAccountId(entry.account))
      throw new SettingsError(`knownPublishers[${i}].account must be a 12-digit account id`);
    if (typeof entry.name !== 'string' || entry.name.length === 0)
      throw new SettingsError(`knownPublishers[${i}].name is required`);
    if (typeof entry.source !== 'string' || entry.source.length === 0)
      throw new SettingsError(`knownPublishers[${i}].source (where the account is published) is required`);
    return { account: entry.account, name: entry.name, source: entry.source };
  });
  const minSeverity = o.minSeverity ?? DEFAULT_SETTINGS.minSeverity;
  if (typeof minSeverity !== 'string' || !isSeverity(minSeverity)) {
    throw new SettingsError(`minSeverity must be one of ${SEVERITIES.join(', ')}`);
  }
  const window = o.correlationWindowMinutes ?? DEFAULT_SETTINGS.correlationWindowMinutes;
  if (typeof window !== 'number' || !Number.isInteger(window) || window < 1 || window > 7 * 24 * 60) {
    throw new SettingsError('correlationWindowMinutes must be an integer from 1 to 10080');
  }
  return {
    organizationAccounts: strings(
      o.organizationAccounts,
      'organizationAccounts',
      isAccountId,
      'a 12-digit account id',
    ),
    knownPublishers: [...DEFAULT_PUBLISHERS, ...extra],
    deployPrincipals: strings(o.deployPrincipals, 'deployPrincipals'),
    suppress: {
      principals: strings(s.principals, 'suppress.principals'),
      userAgents: strings(s.userAgents, 'suppress.userAgents'),
      layerAccounts: strings(s.layerAccounts, 'suppress.layerAccounts', isAccountId, 'a 12-digit account id'),
      functions: strings(s.functions, 'suppress.functions'),
    },
    minSeverity,
    correlationWindowMinutes: window,
    ownResources: parseOwnResources(o.ownResources, 'ownResources', DEFAULT_OWN_RESOURCES),
  };
}

/**
 * `{rules, rulePatterns, eventBuses, topics, functions, keys, tables, alarms, queues, roles, stacks,
 * schedules}`, each a list of ARN or name globs; a kind
 * left out keeps `defaults`' list. Throws a SettingsError naming `where`.
 */
export function parseOwnResources(value: unknown, where: string, defaults: OwnResources): OwnResources {
  if (value === undefined) return defaults;
  const o = object(value, where, [...OWN_RESOURCE_KINDS]);
  const out = { ...defaults };
  for (const kind of OWN_RESOURCE_KINDS)
    if (o[kind] !== undefined) out[kind] = strings(o[kind], `${where}.${kind}`);
  return out;
}

/** Glob match where `*` is any run of characters and everything else is literal. */
export function globMatch(pattern: string, value: string): boolean {
  return globRegExp(pattern).test(value);
}

const globRegExp = compiledBy(
  (pattern) =>
    new RegExp(
      `^${pattern
        .split('*')
        .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
        .join('.*')}$`,
      's',
    ),
);
