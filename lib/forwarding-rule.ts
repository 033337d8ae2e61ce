import { Aws, Duration, Fn, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { deadLetterQueue } from './dead-letter-queue.js';
import {
  layerEventPattern,
  REMOTE_ALARM_PREFIX,
  remoteAlarmPattern,
  tamperEventPattern,
} from './event-patterns.js';

/**
 * The forwarding rules have fixed names (one forwarder or member stack per region and account):
 * the detector cannot reference resources of other regions or accounts, so it knows them by this
 * prefix, and a call that disables or deletes one raises detector-tampered.
 */
export const FORWARDING_RULE_PREFIX = 'layerwatch-forward-';

export interface ForwardingRuleProps {
  /** The detector's event bus. */
  readonly centralBus: events.IEventBus;
  readonly description: string;
}

/**
 * Forwards Lambda layer events, and the calls that can blind or disarm layerwatch in this region
 * (a trail, the forwarding rules, the canary), to the detector's bus. What cannot be delivered lands in a
 * dead-letter queue whose depth raises an alarm; the alarm's state changes travel to the detector's
 * bus too, where they are published to the operations topic (an alarm action cannot reach a topic
 * of another region or account).
 */
export class ForwardingRule extends Construct {
  public readonly rule: events.Rule;
  /** Forwards the calls that can blind or disarm layerwatch here (detector-tampered). */
  public readonly tamperRule: events.Rule;
  public readonly deadLetterQueue: sqs.Queue;
  public readonly alarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: ForwardingRuleProps) {
    super(scope, id);
    this.deadLetterQueue = deadLetterQueue(this, 'DeadLetterQueue', 'the forwarding rule');
    // One role puts the forwarding rules' events on the central bus; only those rules (fixed names,
    // this account and region) may use it. The prefix, not their ARNs: each rule refers to the role.
    const { partition, region, account } = Stack.of(this);
    const role = new iam.Role(this, 'PutEventsRole', {
      assumedBy: new iam.ServicePrincipal('events.amazonaws.com').withConditions({
        StringEquals: { 'aws:SourceAccount': account },
        ArnLike: {
          'aws:SourceArn': `arn:${partition}:events:${region}:${account}:rule/${FORWARDING_RULE_PREFIX}*`,
        },
      }),
    });
    const toCentralBus = () =>
      new targets.EventBus(props.centralBus, { deadLetterQueue: this.deadLetterQueue, role });
    this.rule = new events.Rule(this, 'Rule', {
      ruleName: `${FORWARDING_RULE_PREFIX}layer-events`,
      description: props.description,
      eventPattern: layerEventPattern(),
      targets: [toCentralBus()],
    });
    // A rule of its own: disabling or deleting the layer rule is itself forwarded by this one.
    this.tamperRule = new events.Rule(this, 'TamperRule', {
      ruleName: `${FORWARDING_RULE_PREFIX}tamper-events`,
      description: 'layerwatch: forward calls that can blind or disarm layerwatch to the detector bus',
      eventPattern: tamperEventPattern(),
      targets: [toCentralBus()],
    });
    this.alarm = new cloudwatch.Alarm(this, 'DeadLetterAlarm', {
      // The prefix is the contract with the detector's relay rule; the stack name makes it unique.
      alarmName: Fn.join('', [REMOTE_ALARM_PREFIX, Aws.STACK_NAME]),
      alarmDescription: 'layerwatch: Lambda layer events could not be forwarded to the detector',
      metric: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(5),
        statistic: cloudwatch.Stats.MAXIMUM,
      }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    new events.Rule(this, 'AlarmRelay', {
      ruleName: `${FORWARDING_RULE_PREFIX}alarm-relay`,
      description: 'layerwatch: state changes of the forwarding alarm, to the detector (operations topic)',
      eventPattern: remoteAlarmPattern([this.alarm.alarmArn]),
      targets: [toCentralBus()],
    });
  }
}
