import { CfnOutput, Fn, Stack, type StackProps } from 'aws-cdk-lib';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { Canary } from './constructs/heartbeat.js';
import { ForwardingRule } from './forwarding-rule.js';

export interface LayerWatchForwarderProps extends StackProps {
  /** The detector's account: its default bus, in its home region, receives the events. */
  readonly centralAccount: string;
  /** The detector's home region. */
  readonly centralRegion: string;
  /**
   * A topic in this region for the forwarder's dead-letter alarm (alarm actions are regional).
   * @default - the alarm is visible in this region's CloudWatch console only
   */
  readonly alarmTopicArn?: string;
  /**
   * Create this region's heartbeat canary (the detector's heartbeat changes it every hour).
   * @default true
   */
  readonly heartbeat?: boolean;
  /** @default logs.RetentionDays.ONE_YEAR */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * One per extra region (or member account): CloudTrail delivers Lambda events to the default bus
 * of the region and account where the call happened, so each forwards the same pattern to the
 * detector's bus. What cannot be forwarded lands in a dead-letter queue that raises an alarm.
 */
export class LayerWatchForwarderStack extends Stack {
  public readonly forwarding: ForwardingRule;

  constructor(scope: Construct, id: string, props: LayerWatchForwarderProps) {
    super(scope, id, props);
    this.forwarding = new ForwardingRule(this, 'Forward', {
      centralBus: events.EventBus.fromEventBusArn(
        this,
        'CentralBus',
        `arn:${this.partition}:events:${props.centralRegion}:${props.centralAccount}:event-bus/default`,
      ),
      description: 'layerwatch: forward Lambda layer events to the detector bus',
    });
    new CfnOutput(this, 'RuleNames', {
      value: Fn.join(',', [this.forwarding.rule.ruleName, this.forwarding.tamperRule.ruleName]),
    });
    new CfnOutput(this, 'DeadLetterQueueUrl', { value: this.forwarding.deadLetterQueue.queueUrl });
    if (props.heartbeat !== false) {
      new Canary(this, 'Canary', { logRetention: props.logRetention ?? logs.RetentionDays.ONE_YEAR });
    }
    if (props.alarmTopicArn) {
      this.forwarding.alarm.addAlarmAction(
        new cwActions.SnsAction(sns.Topic.fromTopicArn(this, 'AlarmTopic', props.alarmTopicArn)),
      );
    }
  }
}
