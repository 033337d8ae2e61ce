/**
 * Records an API call as CloudTrail would: the request and the response, keys in lowerCamelCase,
 * inside an EventBridge envelope, with the versioned event name CloudTrail uses.
 */
import { randomUUID } from 'node:crypto';
import { identities, type Rec } from './records.js';

function camel(key: string): string {
  return key.charAt(0).toLowerCase() + key.slice(1);
}

export function camelKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(camelKeys);
  if (value instanceof Uint8Array) return {};
  if (value instanceof Date) return value.toISOString();
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([k, v]) => k !== '$metadata' && v !== undefined)
        .map(([k, v]) => [camel(k), camelKeys(v)]),
    );
  }
  return value;
}

const NAMES: Record<string, string> = {
  UpdateFunctionConfiguration: 'UpdateFunctionConfiguration20150331v2',
  CreateFunction: 'CreateFunction20150331',
  PublishLayerVersion: 'PublishLayerVersion20181031',
  AddLayerVersionPermission: 'AddLayerVersionPermission20181031',
  PublishVersion: 'PublishVersion20150331',
  CreateAlias: 'CreateAlias20150331',
  UpdateAlias: 'UpdateAlias20150331',
};

export interface TrailOptions {
  account: string;
  region?: string;
  identity?: Rec;
  time?: Date;
  id?: string;
}

export function trail(
  operation: keyof typeof NAMES,
  request: object,
  response: object | null,
  o: TrailOptions,
): Rec {
  const region = o.region ?? 'us-east-1';
  const identity = o.identity ?? {
    ...identities.iamUser(),
    accountId: o.account,
    arn: `arn:aws:iam::${o.account}:user/mallory`,
  };
  const detail = {
    eventVersion: '1.09',
    userIdentity: identity,
    eventTime: (o.time ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    eventSource: 'lambda.amazonaws.com',
    eventName: NAMES[operation],
    awsRegion: region,
    sourceIPAddress: '203.0.113.10',
    userAgent: 'aws-sdk-js/3.1162.0 ua/2.1 os/linux lang/js md/nodejs#20 api/lambda#3.1162.0',
    requestParameters: camelKeys(request),
    responseElements: response ? camelKeys(response) : null,
    requestID: randomUUID(),
    eventID: o.id ?? randomUUID(),
    readOnly: false,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: o.account,
    eventCategory: 'Management',
  };
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'AWS API Call via CloudTrail',
    source: 'aws.lambda',
    account: o.account,
    time: detail.eventTime,
    region,
    resources: [],
    detail,
  };
}
