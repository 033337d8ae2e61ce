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
  'alertTopicArn',
  'alertTopicKmsKeyArn',
  'operationsTopicArn',
  'slackWorkspaceId',
  'slackChannelId',
  'logRetentionDays',
  'memorySize',
  'settings',
  'settingsFile',
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

export function readConfig(lookup: Lookup): LayerWatchConfig {
  const alertEmails = list(lookup, 'alertEmails');
  for (const email of alertEmails) {
    if (!EMAIL.test(email))
      throw new ContextError(`context "alertEmails": "${email}" is not an email address`);
  }
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
  const settings = readSettings(lookup);
  return {
    settings,
    alertEmails,
    alertTopicArn,
    alertTopicKmsKeyArn,
    operationsTopicArn: arn(lookup, 'operationsTopicArn', TOPIC_ARN, 'an SNS topic ARN'),
    slack: workspaceId && channelId ? { workspaceId, channelId } : undefined,
    logRetention: retentionDays as logs.RetentionDays,
    memorySize,
  };
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
