/** The handler's environment, read once at cold start. */
import {
  type DetectionSettings,
  OWN_RESOURCE_KINDS,
  type OwnResources,
  parseOwnResources,
  parseSettings,
  SettingsError,
} from './domain/settings.js';

export interface HandlerConfig {
  topicArn: string;
  baselineTable: string;
  /** The detector's own account (functions elsewhere are read through the member role). */
  homeAccount: string;
  memberRoleName: string | null;
  settings: DetectionSettings;
  /** The partition of the deployment (`aws`, `aws-cn`, `aws-us-gov`), for the ARNs it builds. */
  partition: string;
  /** The heartbeat's role, whose canary changes are heartbeats (null: heartbeat off). */
  heartbeatRoleArn: string | null;
  /** Sinks after the alert topic (deployment options securityHub, findingEvents). */
  securityHub: boolean;
  findingEvents: boolean;
  /** The detector's region (Security Hub imports there) and layerwatch's version (in ASFF). */
  region: string;
  version: string;
  /** Organization mode: list the organization's accounts live (provenance; the sweep's accounts). */
  organizationDiscovery: boolean;
}

export class ConfigurationError extends Error {
  override name = 'ConfigurationError';
}

export function readConfig(env: Record<string, string | undefined>): HandlerConfig {
  const missing = ['ALERT_TOPIC_ARN', 'BASELINE_TABLE', 'HOME_ACCOUNT'].filter((k) => !env[k]);
  if (missing.length > 0) {
    throw new ConfigurationError(`layerwatch handler: missing environment variable(s) ${missing.join(', ')}`);
  }
  let settings: DetectionSettings;
  try {
    settings = parseSettings(env.LAYERWATCH_SETTINGS ? JSON.parse(env.LAYERWATCH_SETTINGS) : undefined);
  } catch (error) {
    const why = error instanceof SettingsError ? error.message : 'not valid JSON';
    throw new ConfigurationError(`layerwatch handler: LAYERWATCH_SETTINGS: ${why}`, { cause: error });
  }
  settings = {
    ...settings,
    ownResources: withDeployment(
      settings.ownResources,
      env.LAYERWATCH_OWN_RESOURCES,
      env.AWS_LAMBDA_FUNCTION_NAME,
    ),
  };
  return {
    topicArn: env.ALERT_TOPIC_ARN as string,
    baselineTable: env.BASELINE_TABLE as string,
    homeAccount: env.HOME_ACCOUNT as string,
    memberRoleName: env.MEMBER_ROLE_NAME || null,
    settings,
    partition: env.PARTITION || 'aws',
    heartbeatRoleArn: env.HEARTBEAT_ROLE_ARN || null,
    securityHub: env.SECURITY_HUB === 'true',
    findingEvents: env.FINDING_EVENTS === 'true',
    region: env.AWS_REGION ?? '',
    version: env.LAYERWATCH_VERSION || 'unknown',
    organizationDiscovery: env.ORGANIZATION_DISCOVERY === 'true',
  };
}

const NO_RESOURCES: OwnResources = {
  rules: [],
  rulePatterns: [],
  eventBuses: [],
  topics: [],
  functions: [],
  keys: [],
  tables: [],
  alarms: [],
  queues: [],
  roles: [],
  stacks: [],
  schedules: [],
};

/**
 * The deployment's own resources (LAYERWATCH_OWN_RESOURCES, built by the stack from its constructs:
 * `{rules, rulePatterns, eventBuses, topics, functions, keys, tables, alarms, queues, roles, stacks,
 * schedules}`, each a list of ARNs, names or name prefixes), added to
 * those the settings name, so that detector-tampered knows them exactly.
 */
function withDeployment(
  fromSettings: OwnResources,
  json: string | undefined,
  self: string | undefined,
): OwnResources {
  if (!json) return fromSettings;
  let deployed: OwnResources;
  try {
    deployed = parseOwnResources(JSON.parse(json), 'LAYERWATCH_OWN_RESOURCES', NO_RESOURCES);
  } catch (error) {
    const why = error instanceof SettingsError ? error.message : 'not valid JSON';
    throw new ConfigurationError(`layerwatch handler: LAYERWATCH_OWN_RESOURCES: ${why}`, { cause: error });
  }
  // The handler's own name, which Lambda sets (its stack cannot: the function would reference itself).
  if (self) deployed.functions = [...deployed.functions, self];
  const merged = { ...fromSettings };
  for (const kind of OWN_RESOURCE_KINDS)
    merged[kind] = [...new Set([...fromSettings[kind], ...deployed[kind]])];
  return merged;
}

export interface SweepConfig extends HandlerConfig {
  /** Sweep the organization's active accounts too (organization mode without `sweepAccounts`). */
  discoverAccounts: boolean;
  accounts: string[];
  regions: string[];
  /** Where coverage reports go (the alert topic when no operations topic is set). */
  reportTopicArn: string;
  /** The queue of account/region pairs the sweep's workers take. */
  queueUrl: string;
  /** How long a run holds the sweep: a start within it is skipped. @default 20 */
  holdHours: number;
}

/** The fanned-out sweep's worker: the handler's environment, plus where reports go and the dead-letter queue. */
export interface SweepWorkerConfig extends HandlerConfig {
  reportTopicArn: string;
  /** Messages from this queue are pairs whose retries are spent. */
  deadLetterQueueArn: string;
  /** The queue of pairs, whose failed messages the worker hands out again after a backoff. */
  queueUrl: string;
}

export function readSweepWorkerConfig(env: Record<string, string | undefined>): SweepWorkerConfig {
  const base = readConfig(env);
  if (!env.SWEEP_DEAD_LETTER_QUEUE_ARN || !env.SWEEP_QUEUE_URL)
    throw new ConfigurationError(
      'layerwatch sweep worker: SWEEP_DEAD_LETTER_QUEUE_ARN and SWEEP_QUEUE_URL are required',
    );
  return {
    ...base,
    reportTopicArn: env.OPERATIONS_TOPIC_ARN || base.topicArn,
    deadLetterQueueArn: env.SWEEP_DEAD_LETTER_QUEUE_ARN,
    queueUrl: env.SWEEP_QUEUE_URL,
  };
}

/** The sweep's environment: the handler's, plus what to cover. */
export function readSweepConfig(env: Record<string, string | undefined>): SweepConfig {
  const base = readConfig(env);
  const list = (name: string) =>
    (env[name] ?? '')
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean);
  const accounts = list('SWEEP_ACCOUNTS');
  const regions = list('SWEEP_REGIONS');
  if (accounts.length === 0 || regions.length === 0 || !env.SWEEP_QUEUE_URL) {
    throw new ConfigurationError(
      'layerwatch sweep: SWEEP_ACCOUNTS, SWEEP_REGIONS and SWEEP_QUEUE_URL are required',
    );
  }
  return {
    ...base,
    accounts,
    regions,
    reportTopicArn: env.OPERATIONS_TOPIC_ARN || base.topicArn,
    discoverAccounts: env.SWEEP_DISCOVER_ACCOUNTS === 'true',
    queueUrl: env.SWEEP_QUEUE_URL,
    holdHours: hours(env.SWEEP_HOLD_HOURS),
  };
}

function hours(value: string | undefined): number {
  if (!value) return 20;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || n > 168)
    throw new ConfigurationError(
      `layerwatch sweep: SWEEP_HOLD_HOURS "${value}" is not a number of hours up to 168`,
    );
  return n;
}

export interface ContainmentConfig {
  alertTopicArn: string;
  baselineTable: string;
  actionArn: string;
  stack: string;
  maxFunctions: number;
  partition: string;
}

/** The containment's environment (lib/constructs/containment.ts). */
export function readContainmentConfig(env: Record<string, string | undefined>): ContainmentConfig {
  const names = [
    'ALERT_TOPIC_ARN',
    'CONTAINMENT_TABLE',
    'CONTAINMENT_ACTION_ARN',
    'CONTAINMENT_STACK',
    'CONTAINMENT_MAX_FUNCTIONS',
    'PARTITION',
  ];
  const missing = names.filter((k) => !env[k]);
  if (missing.length > 0)
    throw new ConfigurationError(
      `layerwatch containment: missing environment variable(s) ${missing.join(', ')}`,
    );
  const maxFunctions = Number(env.CONTAINMENT_MAX_FUNCTIONS);
  if (!Number.isInteger(maxFunctions) || maxFunctions < 1)
    throw new ConfigurationError(
      'layerwatch containment: CONTAINMENT_MAX_FUNCTIONS is not a positive integer',
    );
  return {
    alertTopicArn: env.ALERT_TOPIC_ARN as string,
    baselineTable: env.CONTAINMENT_TABLE as string,
    actionArn: env.CONTAINMENT_ACTION_ARN as string,
    stack: env.CONTAINMENT_STACK as string,
    maxFunctions,
    partition: env.PARTITION as string,
  };
}
