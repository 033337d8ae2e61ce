import { Aws, Duration, Fn, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { TamperService } from '../lambda/domain/model.js';
import { deadLetterQueue } from './dead-letter-queue.js';
import {
  FORWARDING_RULE_PREFIX,
  layerEventPattern,
  REMOTE_ALARM_PREFIX,
  remoteAlarmPattern,
  ruleGuardPattern,
  tamperEventPattern,
} from './event-patterns.js';

export { FORWARDING_RULE_PREFIX } from './event-patterns.js';

export interface ForwardingRuleProps {
  /** The detector's event bus. */
  readonly centralBus: events.IEventBus;
  readonly description: string;
  /** Forward Lambda layer events. @default true */
  readonly layerEvents?: boolean;
  /** The services whose watched calls are forwarded. @default TAMPER_SERVICES */
  readonly tamperServices?: readonly TamperService[];
  /**
   * Set between the prefix and each rule's name, so that two forwarding constructs may share an
   * account and region (the us-east-1 stack of global services beside a member stack).
   * @default ''
   */
  readonly nameQualifier?: string;
}

/**
 * Forwards Lambda layer events, and the calls that can blind or disarm layerwatch in this region
 * (a trail, the forwarding rules, the canary), to the detector's bus. The rules watch each other:
 * the tamper rule forwards every watched call on the other rules, and a guard rule forwards the
 * calls on the tamper rule, which the tamper rule leaves out (a disabled rule sees nothing, and one
 * call forwarded twice would be told twice). What cannot be delivered lands in a dead-letter queue
 * whose depth raises an alarm; the alarm's state changes travel to the detector's bus too, where they
 * are published to the operations topic (an alarm action cannot reach a topic of another region or
 * account).
 */
export class ForwardingRule extends Construct {
  /** Forwards Lambda layer events (unless `layerEvents` is false). */
  public readonly rule?: events.Rule;
  /** Forwards the calls that can blind or disarm layerwatch here (detector-tampered). */
  public readonly tamperRule: events.Rule;
  /** Forwards the calls on the tamper rule, which it leaves out. */
  public readonly guardRule: events.Rule;
  /** Every rule of the construct (layerwatch verify checks each). */
  public readonly rules: events.Rule[];
  public readonly deadLetterQueue: sqs.Queue;
  public readonly alarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: ForwardingRuleProps) {
    super(scope, id);
    this.deadLetterQueue = deadLetterQueue(this, 'DeadLetterQueue', 'the forwarding rule');
    // One role puts every forwarding rule's events on the central bus; only those rules (fixed names,
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
    const named = (name: string) => `${FORWARDING_RULE_PREFIX}${props.nameQualifier ?? ''}${name}`;
    if (props.layerEvents !== false) {
      this.rule = new events.Rule(this, 'Rule', {
        ruleName: named('layer-events'),
        description: props.description,
        eventPattern: layerEventPattern(),
        targets: [toCentralBus()],
      });
    }
    const tamperRuleName = named('tamper-events');
    this.tamperRule = new events.Rule(this, 'TamperRule', {
      ruleName: tamperRuleName,
      description: 'layerwatch: forward calls that can blind or disarm layerwatch to the detector bus',
      eventPattern: tamperEventPattern({ services: props.tamperServices, exceptRule: tamperRuleName }),
      targets: [toCentralBus()],
    });
    this.guardRule = new events.Rule(this, 'GuardRule', {
      ruleName: named('tamper-guard'),
      description: 'layerwatch: forward calls on the tamper forwarding rule to the detector bus',
      eventPattern: ruleGuardPattern(tamperRuleName),
      targets: [toCentralBus()],
    });
    this.alarm = new cloudwatch.Alarm(this, 'DeadLetterAlarm', {
      // The prefix is the contract with the detector's relay rule; the stack name makes it unique.
      alarmName: Fn.join('', [REMOTE_ALARM_PREFIX, Aws.STACK_NAME]),
      alarmDescription:
        'layerwatch: events could not be forwarded to the detector (see the dead-letter queue)',
      metric: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(5),
        statistic: cloudwatch.Stats.MAXIMUM,
      }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    const relay = new events.Rule(this, 'AlarmRelay', {
      ruleName: named('alarm-relay'),
      description: 'layerwatch: state changes of the forwarding alarm, to the detector (operations topic)',
      eventPattern: remoteAlarmPattern([this.alarm.alarmArn]),
      targets: [toCentralBus()],
    });
    this.rules = [...(this.rule ? [this.rule] : []), this.tamperRule, this.guardRule, relay];
  }
}
