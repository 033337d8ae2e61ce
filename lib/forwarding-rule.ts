import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { deadLetterQueue } from './dead-letter-queue.js';
import { layerEventPattern } from './layerwatch.js';

export interface ForwardingRuleProps {
  /** The detector's event bus. */
  readonly centralBus: events.IEventBus;
  readonly description: string;
}

/**
 * Forwards Lambda layer events to the detector's bus. What cannot be delivered lands in a
 * dead-letter queue whose depth raises an alarm (`alarm`, for callers to add an action).
 */
export class ForwardingRule extends Construct {
  public readonly rule: events.Rule;
  public readonly deadLetterQueue: sqs.Queue;
  public readonly alarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: ForwardingRuleProps) {
    super(scope, id);
    this.deadLetterQueue = deadLetterQueue(this, 'DeadLetterQueue', 'the forwarding rule');
    this.rule = new events.Rule(this, 'Rule', {
      description: props.description,
      eventPattern: layerEventPattern(),
      targets: [new targets.EventBus(props.centralBus, { deadLetterQueue: this.deadLetterQueue })],
    });
    this.alarm = new cloudwatch.Alarm(this, 'DeadLetterAlarm', {
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
  }
}
