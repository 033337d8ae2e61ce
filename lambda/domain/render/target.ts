/** The target of a detector-tampered finding as an OCSF resource (see ocsf.ts). */
import type { Finding } from '../finding.js';
import { TAMPER_EVENT_SOURCES, type TamperService } from '../model.js';

/** The event source of a service (`monitoring.amazonaws.com` for CloudWatch); Lambda's by default. */
export function serviceSource(service = 'lambda'): string {
  return TAMPER_EVENT_SOURCES[service as TamperService] ?? `${service}.amazonaws.com`;
}

/** An OCSF resource as ocsf.ts renders them. */
export interface Resource {
  uid: string;
  name: string;
  type: string;
  region: string;
  cloud_partition: string;
  data: Record<string, unknown>;
}

/** CloudFormation's type names of the resources a tampering call can touch. */
export const TARGET_TYPES: Record<string, string> = {
  trail: 'AWS::CloudTrail::Trail',
  rule: 'AWS::Events::Rule',
  'event-bus': 'AWS::Events::EventBus',
  topic: 'AWS::SNS::Topic',
  subscription: 'AWS::SNS::Subscription',
  function: 'AWS::Lambda::Function',
  key: 'AWS::KMS::Key',
  table: 'AWS::DynamoDB::Table',
  alarm: 'AWS::CloudWatch::Alarm',
  queue: 'AWS::SQS::Queue',
  role: 'AWS::IAM::Role',
  stack: 'AWS::CloudFormation::Stack',
  'stack-set': 'AWS::CloudFormation::StackSet',
  schedule: 'AWS::Scheduler::Schedule',
};

export function ocsfTargetResource(
  t: NonNullable<Finding['target']>,
  region: string,
  partition: string,
): Resource {
  const account = t.arn?.split(':')[4];
  return {
    uid: t.arn ?? t.name,
    name: t.name,
    type: TARGET_TYPES[t.type] ?? t.type,
    region: t.arn?.split(':')[3] || region,
    cloud_partition: partition,
    data: { account_uid: account || null, service: t.service, layerwatch_resource: t.type !== 'trail' },
  };
}

/** The service a finding's call went to: Lambda, or the service of a tampering call's target. */
export const SERVICE_NAMES: Record<string, string> = {
  lambda: 'AWS Lambda',
  cloudtrail: 'AWS CloudTrail',
  events: 'Amazon EventBridge',
  sns: 'Amazon SNS',
  kms: 'AWS KMS',
  dynamodb: 'Amazon DynamoDB',
  cloudwatch: 'Amazon CloudWatch',
  sqs: 'Amazon SQS',
  iam: 'AWS IAM',
  cloudformation: 'AWS CloudFormation',
  scheduler: 'Amazon EventBridge Scheduler',
};

/** The API version of the services whose CloudTrail event names carry none. */
const API_VERSIONS: Record<string, string> = {
  cloudtrail: '2013-11-01',
  events: '2015-10-07',
  sns: '2010-03-31',
  kms: '2014-11-01',
  dynamodb: '2012-08-10',
  cloudwatch: '2010-08-01',
  sqs: '2012-11-05',
  iam: '2010-05-08',
  cloudformation: '2010-05-15',
  scheduler: '2021-06-30',
};

/** `UpdateFunctionConfiguration20150331v2` -> the API version `2015-03-31`. */
export function apiOf(eventName: string, service = 'lambda'): Record<string, unknown> {
  const m = /(\d{4})(\d{2})(\d{2})(?:v\d+)?$/.exec(eventName);
  const operation = m ? eventName.slice(0, m.index) : eventName;
  const api: Record<string, unknown> = { operation };
  const named = { name: SERVICE_NAMES[service] ?? service, uid: serviceSource(service) };
  const version = m ? `${m[1]}-${m[2]}-${m[3]}` : API_VERSIONS[service];
  if (version) api.service = { ...named, version };
  return api;
}
