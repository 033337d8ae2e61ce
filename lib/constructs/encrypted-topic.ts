import { Aspects, Aws, type IAspect, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct, IConstruct } from 'constructs';
import type { PublishTarget } from '../permissions.js';

const CLOUDWATCH = 'cloudwatch.amazonaws.com';
const EVENTS = 'events.amazonaws.com';
const KEY_ACTIONS = ['kms:Decrypt', 'kms:GenerateDataKey*'];
/** The context key SNS sets on every KMS request it makes for a topic (SNS developer guide, key management). */
export const SNS_TOPIC_CONTEXT = 'kms:EncryptionContext:aws:sns:topicArn';

/**
 * A topic whose publishing services are named by the stack, never by a target: EventBridge's SnsTopic
 * target grants `events.amazonaws.com` the topic (and its key) without any condition, which would let
 * any rule of the account write into it. Those grants are dropped here; ServiceDeliveries grants each
 * service the topic for the alarms and rules of this stack that target it, and nothing else.
 */
class ServiceScopedTopic extends sns.Topic {
  override grantPublish(grantee: iam.IGrantable): iam.Grant {
    if (grantee.grantPrincipal instanceof iam.ServicePrincipal) {
      return iam.Grant.drop(grantee, 'publish: granted per source alarm and rule by ServiceDeliveries');
    }
    return super.grantPublish(grantee);
  }
}

/**
 * A topic encrypted with a key of its own (rotating, customer-managed), TLS only. The construct ids
 * are `id` and `${id}Key` in `scope` (the alert topic's logical ids never change).
 */
export function encryptedTopic(scope: Construct, id: string, displayName: string): PublishTarget {
  const key = new kms.Key(scope, `${id}Key`, {
    description: `layerwatch: encrypts the topic "${displayName}"`,
    enableKeyRotation: true,
  });
  const topic = new ServiceScopedTopic(scope, id, { displayName, masterKey: key, enforceSSL: true });
  Aspects.of(topic).add(new ServiceDeliveries(topic, key));
  return { topic, key };
}

function json(value: unknown): string {
  return JSON.stringify(value);
}

/**
 * At synthesis, once every construct exists: the alarms and rules of this stack whose actions or
 * targets are this topic. CloudWatch and EventBridge may publish to it only from those (aws:SourceArn,
 * aws:SourceAccount), and use its key only for it (the SNS encryption context). EventBridge's KMS
 * requests through SNS carry no aws:SourceArn or aws:SourceAccount (SNS developer guide), so its key
 * statement names the topic only; the topic policy names the rules.
 */
class ServiceDeliveries implements IAspect {
  private done = false;

  constructor(
    private readonly topic: sns.Topic,
    private readonly key: kms.Key,
  ) {}

  visit(node: IConstruct): void {
    if (node !== this.topic || this.done) return;
    this.done = true;
    const stack = Stack.of(this.topic);
    const me = json(stack.resolve(this.topic.topicArn));
    const targets = (values: unknown) =>
      ([stack.resolve(values) ?? []].flat() as unknown[]).some((v) => json(v) === me);
    const alarms: string[] = [];
    const rules: string[] = [];
    for (const c of stack.node.findAll()) {
      if (c instanceof cloudwatch.CfnAlarm) {
        if (targets(c.alarmActions) || targets(c.okActions) || targets(c.insufficientDataActions))
          alarms.push(c.attrArn);
      } else if (c instanceof events.CfnRule) {
        const list = ([stack.resolve(c.targets) ?? []].flat() as { arn?: unknown; Arn?: unknown }[]).map(
          (t) => t.arn ?? t.Arn,
        );
        if (list.some((a) => json(a) === me)) rules.push(c.attrArn);
      }
    }
    if (alarms.length > 0) this.allow(CLOUDWATCH, alarms, { 'aws:SourceAccount': stack.account });
    if (rules.length > 0) this.allow(EVENTS, rules, undefined);
  }

  /** The topic for these sources; the key for this topic (and, when sent, this account's sources). */
  private allow(service: string, sources: string[], keySource: Record<string, string> | undefined): void {
    const { account, partition, region } = Stack.of(this.topic);
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: service === CLOUDWATCH ? 'CloudWatchAlarmsOfThisStack' : 'EventBridgeRulesOfThisStack',
        principals: [new iam.ServicePrincipal(service)],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': account },
          ArnEquals: { 'aws:SourceArn': sources },
        },
      }),
    );
    // The key cannot name the topic or the alarms (each refers to the key): topics of this stack
    // (CloudFormation names them after it), and alarms of this account and region.
    const ownTopics = `arn:${partition}:sns:${region}:${account}:${Aws.STACK_NAME}-*`;
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: service === CLOUDWATCH ? 'CloudWatchAlarmsForTheTopic' : 'EventBridgeRulesForTheTopic',
        principals: [new iam.ServicePrincipal(service)],
        actions: KEY_ACTIONS,
        resources: ['*'],
        conditions: {
          StringLike: { [SNS_TOPIC_CONTEXT]: ownTopics },
          ...(keySource
            ? {
                StringEquals: keySource,
                ArnLike: { 'aws:SourceArn': `arn:${partition}:cloudwatch:${region}:${account}:alarm:*` },
              }
            : {}),
        },
      }),
    );
  }
}
