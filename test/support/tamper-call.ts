/**
 * The builder of tamper records and the names of a default deployment's resources (stack
 * LayerWatch), shared by tamper-records.ts and tamper-records-services.ts.
 */
import { TAMPER_EVENT_SOURCES, type TamperService } from '../../lambda/domain/model.js';
import { ACCOUNT, identities, REGION, type Rec } from './records.js';

let counter = 0;
/** Event ids of their own, distinct from the other builders' and the examples'. */
export function nextId(): string {
  counter += 1;
  return `7a3e0000-0000-4000-8000-${String(counter).padStart(12, '0')}`;
}

export const OWN = {
  detectorRule: 'LayerWatch-LayerWatchDetectorLambdaLayerEvents5F1C2A3B-1A2B3C4D5E6F',
  tamperRule: 'LayerWatch-LayerWatchTamperWatchRule7C8D9E0F-6F5E4D3C2B1A',
  forwardRule: 'layerwatch-forward-lambda',
  handler: 'LayerWatch-LayerWatchDetectorHandler1B2C3D4E-AbCdEfGh1234',
  canary: 'layerwatch-canary',
  topicArn: `arn:aws:sns:${REGION}:${ACCOUNT}:LayerWatch-LayerWatchAlertingAlertTopic3E4F5A6B-Zz9Yy8Xx7Ww6`,
  keyId: '1234abcd-12ab-34cd-56ef-1234567890ab',
  table: 'LayerWatch-LayerWatchStateTable9A8B7C6D-1QAZ2WSX3EDC',
  trail: 'management-events',
  sweep: 'LayerWatch-LayerWatchSweepFunction17D66ABF-Qw3Er5Ty7Ui9',
  heartbeat: 'LayerWatch-LayerWatchHeartbeatFunction20485726-Zx8Cv6Bn4Mm2',
  alarm: 'LayerWatch-LayerWatchHeartbeatBlindHomeRegionD5A3C4A4-0AbCdEf12345',
  failureQueue: 'LayerWatch-LayerWatchDetectorFailureQueue0097A777-AbC123dEf456',
  handlerRole: 'LayerWatch-LayerWatchDetectorHandlerServiceRole7A9-1Q2W3E4R5T6Y',
  stack: 'LayerWatch',
  stackSet: 'layerwatch-member-us-east-1',
  schedule: 'layerwatch-heartbeat',
} as const;

export const KEY_ARN = `arn:aws:kms:${REGION}:${ACCOUNT}:key/${OWN.keyId}`;
export const TRAIL_ARN = `arn:aws:cloudtrail:${REGION}:${ACCOUNT}:trail/${OWN.trail}`;

export function call(
  service: string,
  eventName: string,
  requestParameters: Rec | null,
  responseElements: Rec | null = null,
  extra: Rec = {},
): Rec {
  return {
    eventVersion: '1.09',
    userIdentity: identities.iamUser(),
    eventTime: '2026-03-14T10:00:00Z',
    eventSource: TAMPER_EVENT_SOURCES[service as TamperService] ?? `${service}.amazonaws.com`,
    eventName,
    awsRegion: REGION,
    sourceIPAddress: '198.51.100.77',
    userAgent: `aws-cli/2.27.0 md/command#${service}.${eventName.replace(/\d{8}(v\d+)?$/, '').toLowerCase()}`,
    requestParameters,
    responseElements,
    requestID: 'b7c1d2e3-0000-4000-8000-000000000000',
    eventID: nextId(),
    readOnly: false,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: ACCOUNT,
    eventCategory: 'Management',
    tlsDetails: { tlsVersion: 'TLSv1.3', clientProvidedHostHeader: `${service}.${REGION}.amazonaws.com` },
    ...extra,
  };
}

/** A policy that denies everything, as IAM, KMS, DynamoDB and Lambda take one (JSON text). */
export const DENY_ALL = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Deny', Action: '*', Resource: '*' }],
});

export interface TamperCase {
  label: string;
  record: Rec;
  /** Blinds or silences layerwatch outright: critical (else high). */
  critical: boolean;
}

export const tamperCase = (label: string, critical: boolean, record: Rec): TamperCase => ({
  label,
  critical,
  record,
});
