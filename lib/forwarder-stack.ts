import { Duration, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { layerEventPattern } from './layerwatch.js';

export interface LayerWatchForwarderProps extends StackProps {
  /** The detector's event bus (the default bus of its account and home region). */
  readonly centralBusArn: string;
  /**
   * A topic in this region for the forwarder's dead-letter alarm (alarm actions are regional).
   * @default - the alarm is visible in this region's CloudWatch console only
   */
  readonly alarmTopicArn?: string;
}

/**
 * One per extra region (or member account): CloudTrail delivers Lambda events to the default bus
 * of the region and account where the call happened, so each forwards the same pattern to the
 * detector's bus. What cannot be forwarded lands in a dead-letter queue that raises an alarm.
 */
export class LayerWatchForwarderStack extends Stack {
  public readonly rule: events.Rule;
  public readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: LayerWatchForwarderProps) {
    super(scope, id, props);
    this.deadLetterQueue = new sqs.Queue(this, 'ForwardDeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions::AwsSolutions-SQS3',
      reason: 'This queue is itself the dead-letter queue of the forwarding rule; its depth raises an alarm.',
    });
    this.rule = new events.Rule(this, 'ForwardLambdaLayerEvents', {
      description: 'layerwatch: forward Lambda layer events to the detector bus',
      eventPattern: layerEventPattern(),
      targets: [
        new targets.EventBus(events.EventBus.fromEventBusArn(this, 'CentralBus', props.centralBusArn), {
          deadLetterQueue: this.deadLetterQueue,
        }),
      ],
    });
    const alarm = new cloudwatch.Alarm(this, 'ForwardDeadLetterAlarm', {
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
    if (props.alarmTopicArn)
      alarm.addAlarmAction(
        new cwActions.SnsAction(sns.Topic.fromTopicArn(this, 'AlarmTopic', props.alarmTopicArn)),
      );
  }
}
