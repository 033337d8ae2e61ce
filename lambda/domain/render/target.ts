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
