/**
 * Reads the CDK context once into a validated config. Every key is documented in README.md
 * (Configure); a wrong value stops synthesis with a message that names the key.
 */
import { readFileSync } from 'node:fs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { parseSettings, SettingsError } from '../lambda/domain/settings.js';
import type { LayerWatchConfig } from '../lib/layerwatch-stack.js';

export class ContextError extends Error {
  override name = 'ContextError';
}

export const CONTEXT_KEYS = [
  'alertEmails',
  'operationsEmails',
  'alertTopicArn',
  'alertTopicKmsKeyArn',
  'operationsTopicArn',
  'operationsTopicKmsKeyArn',
  'reservedConcurrency',
  'slackWorkspaceId',
  'slackChannelId',
  'logRetentionDays',
  'memorySize',
  'settings',
  'settingsFile',
  'mode',
  'regions',
  'organizationId',
  'organizationalUnitIds',
  'memberRegions',
  'memberRoleName',
  'stackSetCallAs',
  'sweepAccounts',
  'sweepRegions',
  'sweepSchedule',
  'sweepConcurrency',
  'createTrail',
  'heartbeat',
  'memberHeartbeat',
  'securityHub',
  'findingEvents',
  'containment',
] as const;

type Lookup = (key: string) => unknown;

const EMAIL = /^[^\s@,]+@[^\s@,]+\.[^\s@,]+$/;
const TOPIC_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$/;
const KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/;

function text(lookup: Lookup, key: string): string | undefined {
  const v = lookup(key);
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string' && typeof v !== 'number')
    throw new ContextError(`context "${key}" must be a string`);
  return String(v).trim();
}

function list(lookup: Lookup, key: string): string[] {
  const v = lookup(key);
  if (v === undefined || v === null || v === '') return [];
  if (Array.isArray(v))
    return v
      .map(String)
      .map((s) => s.trim())
      .filter(Boolean);
  if (typeof v !== 'string')
    throw new ContextError(`context "${key}" must be a comma-separated string or a list`);
  const s = v.trim();
  if (s.startsWith('[')) {
    try {
      return list(() => JSON.parse(s) as unknown, key);
    } catch (error) {
      if (error instanceof ContextError) throw error;
      throw new ContextError(`context "${key}" looks like JSON but does not parse`);
    }
  }
  return s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
}

function arn(lookup: Lookup, key: string, pattern: RegExp, what: string): string | undefined {
  const v = text(lookup, key);
  if (v !== undefined && !pattern.test(v)) throw new ContextError(`context "${key}": "${v}" is not ${what}`);
  return v;
}

function emails(lookup: Lookup, key: string): string[] {
  const values = list(lookup, key);
  for (const email of values) {
    if (!EMAIL.test(email)) throw new ContextError(`context "${key}": "${email}" is not an email address`);
  }
  return values;
}

/** Where the app deploys the detector, when known (CDK_DEFAULT_REGION): checked against `regions`. */
export interface DeployEnvironment {
  readonly region?: string;
}

export function readConfig(lookup: Lookup, env: DeployEnvironment = {}): LayerWatchConfig {
  const alertEmails = emails(lookup, 'alertEmails');
  const operationsEmails =
    lookup('operationsEmails') === undefined ? undefined : emails(lookup, 'operationsEmails');
  const workspaceId = text(lookup, 'slackWorkspaceId');
  const channelId = text(lookup, 'slackChannelId');
  if ((workspaceId === undefined) !== (channelId === undefined)) {
    throw new ContextError(
      'context "slackWorkspaceId" and "slackChannelId" go together: give both or neither',
    );
  }
  for (const [key, v] of [
    ['slackWorkspaceId', workspaceId],
    ['slackChannelId', channelId],
  ] as const) {
    if (v !== undefined && !/^[A-Z0-9]{8,32}$/.test(v))
      throw new ContextError(`context "${key}": "${v}" is not a Slack id (e.g. T0123ABCD)`);
  }
  const retentionDays = Number(text(lookup, 'logRetentionDays') ?? 365);
  const retentionValues = Object.values(logs.RetentionDays).filter((x): x is number => typeof x === 'number');
  if (!retentionValues.includes(retentionDays)) {
    throw new ContextError(
      `context "logRetentionDays": ${retentionDays} is not a CloudWatch Logs retention (${retentionValues.join(', ')})`,
    );
  }
  const memorySize = Number(text(lookup, 'memorySize') ?? 256);
  if (!Number.isInteger(memorySize) || memorySize < 128 || memorySize > 10240) {
    throw new ContextError(`context "memorySize": ${memorySize} is not an integer from 128 to 10240`);
  }
  const alertTopicKmsKeyArn = arn(lookup, 'alertTopicKmsKeyArn', KEY_ARN, 'a KMS key ARN');
  const alertTopicArn = arn(lookup, 'alertTopicArn', TOPIC_ARN, 'an SNS topic ARN');
  if (alertTopicKmsKeyArn && !alertTopicArn)
    throw new ContextError('context "alertTopicKmsKeyArn" needs "alertTopicArn"');
  const operationsTopicKmsKeyArn = arn(lookup, 'operationsTopicKmsKeyArn', KEY_ARN, 'a KMS key ARN');
  const operationsTopicArn = arn(lookup, 'operationsTopicArn', TOPIC_ARN, 'an SNS topic ARN');
  if (operationsTopicKmsKeyArn && !operationsTopicArn)
    throw new ContextError('context "operationsTopicKmsKeyArn" needs "operationsTopicArn"');
  const settings = readSettings(lookup);
  return {
    settings,
    ...readModes(lookup, env),
    alertEmails,
    ...(operationsEmails ? { operationsEmails } : {}),
    alertTopicArn,
    alertTopicKmsKeyArn,
    operationsTopicArn,
    operationsTopicKmsKeyArn,
    reservedConcurrency: readReservedConcurrency(lookup),
    slack: workspaceId && channelId ? { workspaceId, channelId } : undefined,
    logRetention: retentionDays as logs.RetentionDays,
    memorySize,
  };
}

/** A positive integer, or `none`: no reservation (accounts whose concurrency quota is small). */
function readReservedConcurrency(lookup: Lookup): number | 'none' {
  const v = text(lookup, 'reservedConcurrency');
  if (v === undefined) return 10;
  if (v === 'none') return 'none';
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 1000) {
    throw new ContextError(
      `context "reservedConcurrency": "${v}" is not an integer from 1 to 1000, or none (no reservation)`,
    );
  }
  return n;
}

/** `settings` (a JSON object, or JSON in a string) or `settingsFile` (a path to the same JSON the CLI takes). */
function readSettings(lookup: Lookup): Record<string, unknown> | undefined {
  const inline = lookup('settings');
  const file = text(lookup, 'settingsFile');
  if (inline !== undefined && inline !== null && inline !== '' && file !== undefined) {
    throw new ContextError('context "settings" and "settingsFile": give one or the other');
  }
  let raw: unknown;
  if (file !== undefined) {
    try {
      raw = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new ContextError(
        `context "settingsFile": cannot read ${file} as JSON (${(error as Error).message})`,
      );
    }
  } else if (typeof inline === 'string' && inline !== '') {
    try {
      raw = JSON.parse(inline);
    } catch {
      throw new ContextError('context "settings" is not valid JSON');
    }
  } else if (inline !== '' && inline !== null) raw = inline;
  if (raw === undefined) return undefined;
  try {
    parseSettings(raw);
  } catch (error) {
    if (error instanceof SettingsError)
      throw new ContextError(`context "${file ? 'settingsFile' : 'settings'}": ${error.message}`);
    throw error;
  }
  return raw as Record<string, unknown>;
}

const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;
const ACCOUNT = /^\d{12}$/;

function regionsOf(lookup: Lookup, key: string): string[] {
  const values = list(lookup, key);
  for (const r of values)
    if (!REGION.test(r)) throw new ContextError(`context "${key}": "${r}" is not a region (e.g. eu-west-1)`);
  return values;
}

/**
 * multi-region: the other regions, each once. The home region is not one of them: its forwarder
 * stack would create a second `layerwatch-canary` and forwarding rules beside the detector's own.
 */
function forwarderRegions(lookup: Lookup, mode: string, env: DeployEnvironment): string[] {
  const regions = regionsOf(lookup, 'regions');
  if (mode === 'multi-region' && regions.length === 0)
    throw new ContextError('context "regions": multi-region mode needs the regions to forward from');
  const twice = regions.find((r, i) => regions.indexOf(r) !== i);
  if (twice) throw new ContextError(`context "regions": "${twice}" is listed twice`);
  if (mode === 'multi-region' && env.region && regions.includes(env.region))
    throw new ContextError(
      `context "regions": "${env.region}" is the home region, where the detector itself is deployed; list only the other regions`,
    );
  return regions;
}

/** The heartbeat (on by default) and, in organization mode on request, one per member account and region. */
function readHeartbeat(
  flag: (key: string, fallback: boolean) => boolean,
  mode: string,
  sweepAccounts: readonly string[],
): { heartbeat: boolean; memberHeartbeat: boolean } {
  const heartbeat = flag('heartbeat', true);
  const memberHeartbeat = flag('memberHeartbeat', false);
  if (memberHeartbeat && mode !== 'organization')
    throw new ContextError(
      'context "memberHeartbeat" is for organization mode (member accounts): set mode=organization',
    );
  if (memberHeartbeat && !heartbeat)
    throw new ContextError('context "memberHeartbeat" needs the heartbeat: do not set heartbeat=false');
  if (memberHeartbeat && sweepAccounts.length === 0)
    throw new ContextError(
      'context "memberHeartbeat" needs the member accounts in "sweepAccounts": each account and region gets its own alarm',
    );
  return { heartbeat, memberHeartbeat };
}

/** Deployment modes: single (default), multi-region, organization; and the sweep and trail. */
function readModes(lookup: Lookup, env: DeployEnvironment) {
  const mode = text(lookup, 'mode') ?? 'single';
  if (mode !== 'single' && mode !== 'multi-region' && mode !== 'organization') {
    throw new ContextError(`context "mode": "${mode}" is not single, multi-region or organization`);
  }
  const regions = forwarderRegions(lookup, mode, env);
  let organization: LayerWatchConfig['organization'];
  if (mode === 'organization') {
    const organizationId = text(lookup, 'organizationId');
    if (!organizationId || !/^o-[a-z0-9]{10,32}$/.test(organizationId))
      throw new ContextError('context "organizationId": organization mode needs an organization id (o-...)');
    const organizationalUnitIds = list(lookup, 'organizationalUnitIds');
    if (
      organizationalUnitIds.length === 0 ||
      !organizationalUnitIds.every((o) => /^(ou-[a-z0-9]{4,32}-[a-z0-9]{8,32}|r-[a-z0-9]{4,32})$/.test(o))
    ) {
      throw new ContextError(
        'context "organizationalUnitIds": organization mode needs organizational unit ids (ou-... or the root r-...)',
      );
    }
    const memberRegions = regionsOf(lookup, 'memberRegions');
    if (memberRegions.length === 0)
      throw new ContextError('context "memberRegions": organization mode needs the member regions to cover');
    const memberRoleName = text(lookup, 'memberRoleName') ?? 'LayerWatchReadOnly';
    if (!/^[\w+=,.@-]{1,64}$/.test(memberRoleName))
      throw new ContextError(`context "memberRoleName": "${memberRoleName}" is not a role name`);
    const callAs = text(lookup, 'stackSetCallAs') ?? 'SELF';
    if (callAs !== 'SELF' && callAs !== 'DELEGATED_ADMIN')
      throw new ContextError('context "stackSetCallAs" is SELF or DELEGATED_ADMIN');
    organization = {
      organizationId,
      organizationalUnitIds,
      regions: memberRegions,
      memberRoleName,
      callAs,
    } as const;
  }
  const sweepAccounts = list(lookup, 'sweepAccounts');
  for (const a of sweepAccounts)
    if (!ACCOUNT.test(a))
      throw new ContextError(`context "sweepAccounts": "${a}" is not a 12-digit account id`);
  const sweepRegions = regionsOf(lookup, 'sweepRegions');
  const sweepSchedule = text(lookup, 'sweepSchedule');
  if (
    sweepSchedule !== undefined &&
    !/^(rate\(\d+ (minute|minutes|hour|hours|day|days)\)|cron\(.+\))$/.test(sweepSchedule)
  ) {
    throw new ContextError(`context "sweepSchedule": "${sweepSchedule}" is not rate(...) or cron(...)`);
  }
  const sweepConcurrency = sweepConcurrencyOf(lookup);
  const trail = text(lookup, 'createTrail');
  if (trail !== undefined && trail !== 'true' && trail !== 'false')
    throw new ContextError('context "createTrail" is true or false');
  const flag = (key: string, fallback: boolean) => {
    const v = text(lookup, key);
    if (v !== undefined && v !== 'true' && v !== 'false')
      throw new ContextError(`context "${key}" is true or false`);
    return v === undefined ? fallback : v === 'true';
  };
  const { heartbeat, memberHeartbeat } = readHeartbeat(flag, mode, sweepAccounts);
  return {
    mode,
    regions,
    organization,
    sweepAccounts: sweepAccounts.length > 0 ? sweepAccounts : undefined,
    sweepRegions: sweepRegions.length > 0 ? sweepRegions : undefined,
    sweepSchedule,
    ...(sweepConcurrency === undefined ? {} : { sweepConcurrency }),
    createTrail: trail === 'true',
    heartbeat,
    // Only when asked for (the default, off, is the absence of the key).
    ...(memberHeartbeat ? { memberHeartbeat } : {}),
    securityHub: flag('securityHub', false),
    findingEvents: flag('findingEvents', false),
    ...readContainment(lookup, flag('securityHub', false)),
  } as const;
}

/** The sweep's global cap: Lambda's SQS event source accepts a maximum concurrency from 2 to 1000. */
function sweepConcurrencyOf(lookup: Lookup): number | undefined {
  const concurrency = text(lookup, 'sweepConcurrency');
  if (concurrency === undefined) return undefined;
  const n = Number(concurrency);
  if (!Number.isInteger(n) || n < 2 || n > 1000)
    throw new ContextError(`context "sweepConcurrency": ${concurrency} is not an integer from 2 to 1000`);
  return n;
}

/** `containment`: off (the default) or `security-hub`, which needs the findings in Security Hub. */
function readContainment(lookup: Lookup, securityHub: boolean): { containment?: 'security-hub' } {
  const v = text(lookup, 'containment');
  if (v === undefined || v === 'off') return {};
  if (v !== 'security-hub') throw new ContextError(`context "containment": "${v}" is off or security-hub`);
  if (!securityHub)
    throw new ContextError(
      'context "containment": security-hub acts on the findings in Security Hub: set securityHub=true',
    );
  return { containment: v };
}
