/**
 * Reads the state of a deployed detector for `layerwatch verify`: the stack and its outputs, rules,
 * topic subscriptions and key, trails, queues and metrics. Every call is a read; each method answers
 * one question and throws a named error when AWS cannot be asked.
 */
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  CloudTrailClient,
  DescribeTrailsCommand,
  GetEventSelectorsCommand,
  GetTrailStatusCommand,
} from '@aws-sdk/client-cloudtrail';
import { CloudWatchClient, GetMetricStatisticsCommand } from '@aws-sdk/client-cloudwatch';
import {
  DescribeRuleCommand,
  EventBridgeClient,
  ListTargetsByRuleCommand,
} from '@aws-sdk/client-eventbridge';
import { DescribeKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { GetTopicAttributesCommand, ListSubscriptionsByTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { DeclaredCall } from './calls.js';
import { type CallBudget, CLI_CALLS, sdkClient } from './client-options.js';
import { errorMessage, errorName } from './errors.js';

export class DeploymentReadError extends Error {
  override name = 'DeploymentReadError';
}

export interface StackState {
  status: string;
  outputs: Record<string, string>;
}

/** One metric's sums per period over [start, end]. */
export interface MetricQuery {
  namespace: string;
  name: string;
  dimensions: Record<string, string>;
  start: Date;
  end: Date;
  periodSeconds: number;
}

export interface TrailState {
  name: string;
  arn: string;
  homeRegion: string;
  multiRegion: boolean;
  organization: boolean;
  logging: boolean;
  /** Write management events are logged (classic or advanced selectors). */
  writeManagementEvents: boolean;
}

/** Clients per region, built on first use with the caller's credentials. */
export interface RegionalClients {
  cloudformation(region: string): CloudFormationClient;
  events(region: string): EventBridgeClient;
  sns(region: string): SNSClient;
  kms(region: string): KMSClient;
  cloudtrail(region: string): CloudTrailClient;
  sqs(region: string): SQSClient;
  cloudwatch(region: string): CloudWatchClient;
}

/** `config` adds to what `budget` sets (adapters/client-options.ts): endpoint, credentials. */
export function regionalClients(
  config: Record<string, unknown> = {},
  budget: CallBudget = CLI_CALLS,
): RegionalClients {
  const memo = new Map<string, unknown>();
  const of =
    <T>(kind: string, make: (region: string) => T) =>
    (region: string): T => {
      const key = `${kind}|${region}`;
      if (!memo.has(key)) memo.set(key, make(region));
      return memo.get(key) as T;
    };
  return {
    cloudformation: of('cfn', (region) => sdkClient(CloudFormationClient, budget, { ...config, region })),
    events: of('events', (region) => sdkClient(EventBridgeClient, budget, { ...config, region })),
    sns: of('sns', (region) => sdkClient(SNSClient, budget, { ...config, region })),
    kms: of('kms', (region) => sdkClient(KMSClient, budget, { ...config, region })),
    cloudtrail: of('cloudtrail', (region) => sdkClient(CloudTrailClient, budget, { ...config, region })),
    sqs: of('sqs', (region) => sdkClient(SQSClient, budget, { ...config, region })),
    cloudwatch: of('cloudwatch', (region) => sdkClient(CloudWatchClient, budget, { ...config, region })),
  };
}

async function ask<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw new DeploymentReadError(`${what}: ${errorName(error)}: ${errorMessage(error)}`, { cause: error });
  }
}

export class DeploymentReader {
  /** What `layerwatch verify` sends: the IAM its caller needs (all reads; README: Verify). */
  static readonly calls: readonly DeclaredCall[] = [
    { action: 'cloudformation:DescribeStacks', resource: 'any' },
    { action: 'events:DescribeRule', resource: 'any' },
    { action: 'events:ListTargetsByRule', resource: 'any' },
    { action: 'sns:GetTopicAttributes', resource: 'any' },
    { action: 'sns:ListSubscriptionsByTopic', resource: 'any' },
    { action: 'kms:DescribeKey', resource: 'any' },
    { action: 'cloudtrail:DescribeTrails', resource: 'any' },
    { action: 'cloudtrail:GetTrailStatus', resource: 'any' },
    { action: 'cloudtrail:GetEventSelectors', resource: 'any' },
    { action: 'sqs:GetQueueAttributes', resource: 'any' },
    { action: 'cloudwatch:GetMetricStatistics', resource: 'any' },
  ];

  constructor(private readonly clients: RegionalClients) {}

  /** The stack, or null when it does not exist. */
  async stack(name: string, region: string): Promise<StackState | null> {
    try {
      const out = await this.clients
        .cloudformation(region)
        .send(new DescribeStacksCommand({ StackName: name }));
      const s = out.Stacks?.[0];
      if (!s) return null;
      const outputs = Object.fromEntries(
        (s.Outputs ?? []).map((o) => [o.OutputKey ?? '', o.OutputValue ?? '']),
      );
      return { status: s.StackStatus ?? 'UNKNOWN', outputs };
    } catch (error) {
      if (errorName(error) === 'ValidationError' && /does not exist/.test(errorMessage(error))) return null;
      throw new DeploymentReadError(`describing stack ${name}: ${errorName(error)}: ${errorMessage(error)}`, {
        cause: error,
      });
    }
  }

  async rule(name: string, region: string): Promise<{ state: string; targets: number }> {
    const events = this.clients.events(region);
    const rule = await ask(`describing rule ${name}`, () =>
      events.send(new DescribeRuleCommand({ Name: name })),
    );
    const targets = await ask(`listing targets of rule ${name}`, () =>
      events.send(new ListTargetsByRuleCommand({ Rule: name })),
    );
    return { state: rule.State ?? 'UNKNOWN', targets: targets.Targets?.length ?? 0 };
  }

  /** Subscriptions by state, and the topic's KMS key (null when not encrypted with a key). */
  async topic(arn: string): Promise<{ confirmed: string[]; pending: number; keyId: string | null }> {
    const region = arn.split(':')[3] ?? '';
    const sns = this.clients.sns(region);
    const attributes = await ask(`reading topic ${arn}`, () =>
      sns.send(new GetTopicAttributesCommand({ TopicArn: arn })),
    );
    const confirmed: string[] = [];
    let pending = 0;
    let token: string | undefined;
    do {
      const page = await ask(`listing subscriptions of ${arn}`, () =>
        sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: arn, NextToken: token })),
      );
      for (const s of page.Subscriptions ?? []) {
        if (!s.SubscriptionArn || /^(PendingConfirmation|Deleted)$/.test(s.SubscriptionArn)) pending += 1;
        else confirmed.push(`${s.Protocol}:${s.Endpoint}`);
      }
      token = page.NextToken;
    } while (token);
    return { confirmed, pending, keyId: attributes.Attributes?.KmsMasterKeyId || null };
  }

  async keyState(keyId: string, region: string): Promise<string> {
    const out = await ask(`describing key ${keyId}`, () =>
      this.clients.kms(region).send(new DescribeKeyCommand({ KeyId: keyId })),
    );
    return out.KeyMetadata?.KeyState ?? 'UNKNOWN';
  }

  /** The trails that apply to a region (shadow trails included: multi-region and organization trails). */
  async trails(region: string): Promise<TrailState[]> {
    const ct = this.clients.cloudtrail(region);
    const list = await ask(`describing trails in ${region}`, () =>
      ct.send(new DescribeTrailsCommand({ includeShadowTrails: true })),
    );
    return Promise.all(
      (list.trailList ?? []).map(async (t) => {
        const arn = t.TrailARN ?? t.Name ?? '';
        const home = t.HomeRegion ?? region;
        const homeCt = this.clients.cloudtrail(home);
        const status = await ask(`reading status of trail ${arn}`, () =>
          homeCt.send(new GetTrailStatusCommand({ Name: arn })),
        );
        const selectors = await ask(`reading event selectors of trail ${arn}`, () =>
          homeCt.send(new GetEventSelectorsCommand({ TrailName: arn })),
        );
        return {
          name: t.Name ?? arn,
          arn,
          homeRegion: home,
          multiRegion: t.IsMultiRegionTrail === true,
          organization: t.IsOrganizationTrail === true,
          logging: status.IsLogging === true,
          writeManagementEvents: logsWriteManagementEvents(selectors),
        };
      }),
    );
  }

  async queueDepth(url: string, region: string): Promise<number> {
    const out = await ask(`reading queue ${url}`, () =>
      this.clients.sqs(region).send(
        new GetQueueAttributesCommand({
          QueueUrl: url,
          AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
        }),
      ),
    );
    const a = out.Attributes ?? {};
    return Number(a.ApproximateNumberOfMessages ?? 0) + Number(a.ApproximateNumberOfMessagesNotVisible ?? 0);
  }

  /** Sum per period of a metric over [start, end], newest last. */
  async metric(region: string, query: MetricQuery): Promise<{ time: Date; sum: number }[]> {
    const out = await ask(`reading metric ${query.namespace}/${query.name}`, () =>
      this.clients.cloudwatch(region).send(
        new GetMetricStatisticsCommand({
          Namespace: query.namespace,
          MetricName: query.name,
          Dimensions: Object.entries(query.dimensions).map(([Name, Value]) => ({ Name, Value })),
          StartTime: query.start,
          EndTime: query.end,
          Period: query.periodSeconds,
          Statistics: ['Sum'],
        }),
      ),
    );
    return (out.Datapoints ?? [])
      .filter((d) => d.Timestamp && d.Sum !== undefined)
      .map((d) => ({ time: d.Timestamp as Date, sum: d.Sum as number }))
      .sort((a, b) => a.time.getTime() - b.time.getTime());
  }
}

/** Classic selectors with management events read-write or write-only, or advanced selectors of the Management category that keep writes. */
export function logsWriteManagementEvents(selectors: {
  EventSelectors?: { IncludeManagementEvents?: boolean; ReadWriteType?: string }[];
  AdvancedEventSelectors?: {
    FieldSelectors?: { Field?: string; Equals?: string[]; NotEquals?: string[] }[];
  }[];
}): boolean {
  if (
    (selectors.EventSelectors ?? []).some(
      (s) => s.IncludeManagementEvents !== false && s.ReadWriteType !== 'ReadOnly',
    )
  )
    return true;
  return (selectors.AdvancedEventSelectors ?? []).some((s) => {
    const fields = s.FieldSelectors ?? [];
    const category = fields.find((f) => f.Field === 'eventCategory');
    if (!category?.Equals?.includes('Management')) return false;
    const readOnly = fields.find((f) => f.Field === 'readOnly');
    return !readOnly || readOnly.Equals?.includes('false') || readOnly.NotEquals?.includes('true') === true;
  });
}
