/**
 * The heartbeat's own call as EventBridge delivers it (an UpdateFunctionConfiguration of the canary's
 * description, by the heartbeat role, in the "AWS API Call via CloudTrail" envelope), written after
 * the shape of real captured records; and an EventBridge input transformer, so that tests can feed
 * the handler what a rewritten target would.
 */
import { randomUUID } from 'node:crypto';
import {
  CANARY_FUNCTION_NAME,
  heartbeatDescription,
  heartbeatDescriptionAt,
  memberHeartbeatRoleName,
} from '../../lambda/domain/heartbeat.js';
import type { Rec } from './records.js';

export interface HeartbeatCall {
  account: string;
  region: string;
  /** The session issuer: the detector's heartbeat role, or a member's schedule role. */
  roleArn: string;
  /** When CloudTrail recorded the call (second precision, as CloudTrail writes it). */
  time: Date;
  /** What the description says (default: the home heartbeat's `now`, a moment before the call). */
  description?: string;
  /** The function as the request names it (default: its ARN, as the heartbeat function sends). */
  functionName?: string;
  /** Member schedules call through EventBridge Scheduler. */
  invokedBy?: string;
}

const cloudTrailTime = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

export function heartbeatEvent(c: HeartbeatCall): Rec {
  const roleName = c.roleArn.split('/').at(-1) as string;
  const canaryArn = `arn:aws:lambda:${c.region}:${c.account}:function:${CANARY_FUNCTION_NAME}`;
  const description = c.description ?? heartbeatDescription(new Date(c.time.getTime() - 180));
  const eventTime = cloudTrailTime(c.time);
  const detail = {
    eventVersion: '1.09',
    userIdentity: {
      type: 'AssumedRole',
      principalId: `AROAEXAMPLEHEARTBEAT:${c.invokedBy ? 'scheduler' : 'heartbeat'}`,
      arn: `arn:aws:sts::${c.account}:assumed-role/${roleName}/${c.invokedBy ? 'a1b2c3' : 'layerwatch-heartbeat'}`,
      accountId: c.account,
      accessKeyId: 'ASIAEXAMPLEHEARTBEAT',
      sessionContext: {
        sessionIssuer: {
          type: 'Role',
          principalId: 'AROAEXAMPLEHEARTBEAT',
          arn: c.roleArn,
          accountId: c.account,
          userName: roleName,
        },
        attributes: { creationDate: eventTime, mfaAuthenticated: 'false' },
      },
      ...(c.invokedBy ? { invokedBy: c.invokedBy } : {}),
    },
    eventTime,
    eventSource: 'lambda.amazonaws.com',
    eventName: 'UpdateFunctionConfiguration20150331v2',
    awsRegion: c.region,
    sourceIPAddress: c.invokedBy ?? '198.51.100.7',
    userAgent: c.invokedBy ?? 'aws-sdk-js/3.1162.0 exec-env/AWS_Lambda_nodejs24.x',
    requestParameters: { functionName: c.functionName ?? canaryArn, description },
    responseElements: {
      functionName: CANARY_FUNCTION_NAME,
      functionArn: canaryArn,
      runtime: 'nodejs24.x',
      role: `arn:aws:iam::${c.account}:role/layerwatch-canary-role`,
      handler: 'index.handler',
      codeSize: 262,
      description,
      timeout: 3,
      memorySize: 128,
      lastModified: c.time.toISOString().replace('Z', '+0000'),
      codeSha256: 'mVWOFqkHpnzh0CqQ6AqTV0zqtQ0mHd6BYDrL1LmCz5g=',
      version: '$LATEST',
      tracingConfig: { mode: 'PassThrough' },
      revisionId: randomUUID(),
      state: 'Active',
      lastUpdateStatus: 'InProgress',
      lastUpdateStatusReason: 'The function is being created.',
      lastUpdateStatusReasonCode: 'Creating',
      packageType: 'Zip',
      architectures: ['arm64'],
      ephemeralStorage: { size: 512 },
    },
    requestID: randomUUID(),
    eventID: randomUUID(),
    readOnly: false,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: c.account,
    eventCategory: 'Management',
  };
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'AWS API Call via CloudTrail',
    source: 'aws.lambda',
    account: c.account,
    time: eventTime,
    region: c.region,
    resources: [],
    detail,
  };
}

/** A member account's hourly schedule call (EventBridge Scheduler's universal target). */
export function memberHeartbeatEvent(account: string, region: string, scheduled: Date, delayMs = 4_000): Rec {
  return heartbeatEvent({
    account,
    region,
    roleArn: `arn:aws:iam::${account}:role/${memberHeartbeatRoleName(region)}`,
    time: new Date(scheduled.getTime() + delayMs),
    functionName: CANARY_FUNCTION_NAME,
    description: heartbeatDescriptionAt(cloudTrailTime(scheduled)),
    invokedBy: 'scheduler.amazonaws.com',
  });
}

/** An EventBridge target's InputTransformer. */
export interface InputTransformer {
  InputPathsMap?: Record<string, string>;
  InputTemplate: string;
}

/** The value at a JSONPath of the forms EventBridge takes (`$.a.b`, `$.a[0].b`), or undefined. */
function at(event: unknown, path: string): unknown {
  if (path === '$') return event;
  let value: unknown = event;
  for (const part of path.replace(/^\$\.?/, '').match(/[^.[\]]+/g) ?? []) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/**
 * What the target receives: InputTemplate with each `<name>` replaced, as EventBridge does: inside a
 * JSON string, a string's characters (escaped) or another value's JSON text; outside one, the JSON
 * value. `<aws.events.event>` and `<aws.events.event.json>` are the whole original event.
 */
export function transform(event: Rec, t: InputTransformer): unknown {
  const values: Record<string, unknown> = {
    'aws.events.event': event,
    'aws.events.event.json': event,
    'aws.events.rule-name': 'LayerWatch-LayerRule',
    'aws.events.rule-arn': 'arn:aws:events:us-east-1:111122223333:rule/LayerWatch-LayerRule',
  };
  for (const [name, path] of Object.entries(t.InputPathsMap ?? {})) values[name] = at(event, path);
  let out = '';
  let inString = false;
  for (let i = 0; i < t.InputTemplate.length; i += 1) {
    const ch = t.InputTemplate[i] as string;
    const name = ch === '<' ? /^<([A-Za-z0-9_.-]+)>/.exec(t.InputTemplate.slice(i))?.[1] : undefined;
    if (name !== undefined && name in values) {
      const value = values[name];
      if (!inString) out += JSON.stringify(value ?? null);
      else
        out += JSON.stringify(typeof value === 'string' ? value : JSON.stringify(value ?? '')).slice(1, -1);
      i += name.length + 1;
      continue;
    }
    if (ch === '"' && t.InputTemplate[i - 1] !== '\\') inString = !inString;
    out += ch;
  }
  return JSON.parse(out);
}
