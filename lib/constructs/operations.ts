import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { deadLetterQueue } from '../dead-letter-queue.js';
import { remoteAlarmPattern } from '../event-patterns.js';
import { PAIR_VISIBILITY } from './sweep.js';

export interface OperationsProps {
  /** Where every alarm goes. */
  readonly topic: sns.ITopic;
  readonly handler: lambda.IFunction;
  readonly sweep: lambda.IFunction;
  /**
   * The sweep's dead-letter queue: the worker reads it to settle each pair given up, and the pair
   * that settles a run's last one sends the run's coverage report. A message there is normal; one
   * that stays means a settlement or the report keeps failing.
   */
  readonly sweepDeadLetterQueue: sqs.IQueue;
  /** The one-click containment, when turned on: a failed run may have sent its asker no report. */
  readonly containment?: lambda.IFunction;
  /** Queues that hold what could not be delivered: any message in one raises an alarm. */
  readonly deadLetterQueues: readonly {
    readonly id: string;
    readonly queue: sqs.IQueue;
    readonly description: string;
  }[];
}

/** The period of the sweep dead-letter queue's age alarm. */
const DEAD_LETTER_AGE_PERIOD = Duration.minutes(5);
/**
 * How old a pair given up by the sweep may grow in its dead-letter queue before a person is told.
 * The worker reads that queue, and a settlement that fails hides the message for the visibility
 * timeout (16 min); SQS leaves a message received three times out of ApproximateAgeOfOldestMessage
 * (it then reports the next one), and the third receive comes two timeouts after the move. So the
 * age must cross the threshold before that, with a period to spare: 27 min, two failed tries. An
 * hour, as this was, could never be reported for a lone stuck pair.
 */
export const SWEEP_DEAD_LETTER_MAX_AGE = Duration.seconds(
  2 * PAIR_VISIBILITY.toSeconds() - DEAD_LETTER_AGE_PERIOD.toSeconds(),
);

const RULE_DLQ =
  'events EventBridge could not deliver to the handler are waiting in the dead-letter queue (see README: re-drive)';
const TAMPER_DLQ =
  'calls that may blind layerwatch that EventBridge could not deliver to the handler are waiting in the tamper dead-letter queue (see README: re-drive)';
const DIRECT_DLQ =
  'changes to the alert path that EventBridge could not publish to the operations topic are waiting in the direct dead-letter queue (see README: Watching itself)';
const FAILURE_QUEUE =
  'handler invocations failed after retries (alerts not delivered) are waiting in the failure queue (see README: re-drive)';

/** The queues of the detector and the tamper watch that hold what was not delivered, each with its alarm's id and description. */
export function deadLetterQueuesOf(
  detector: { readonly ruleDeadLetterQueue: sqs.IQueue; readonly failureQueue: sqs.IQueue },
  tamper: { readonly deadLetterQueue: sqs.IQueue; readonly directDeadLetterQueue: sqs.IQueue },
): OperationsProps['deadLetterQueues'] {
  return [
    { id: 'RuleDeadLetterAlarm', queue: detector.ruleDeadLetterQueue, description: RULE_DLQ },
    { id: 'FailureQueueAlarm', queue: detector.failureQueue, description: FAILURE_QUEUE },
    { id: 'TamperDeadLetterAlarm', queue: tamper.deadLetterQueue, description: TAMPER_DLQ },
    { id: 'DirectDeadLetterAlarm', queue: tamper.directDeadLetterQueue, description: DIRECT_DLQ },
  ];
}

/**
 * Every way the detector can fail raises an alarm that reaches a person through the operations
 * topic: dead letters, handler errors and throttles, unreadable events, failing detections, a failed
 * sweep, and the alarms of forwarder regions and member accounts, whose state changes arrive on
 * this account's bus (see ForwardingRule) and are published from here.
 */
export class Operations extends Construct {
  public readonly alarms: cloudwatch.Alarm[] = [];
  /** Publishes remote alarms (forwarder regions, member accounts) to the operations topic. */
  public readonly remoteAlarmRule: events.Rule;
  private readonly action: cwActions.SnsAction;

  constructor(scope: Construct, id: string, props: OperationsProps) {
    super(scope, id);
    this.action = new cwActions.SnsAction(props.topic);
    for (const { id: alarmId, queue, description } of props.deadLetterQueues) {
      this.alarm(
        alarmId,
        description,
        queue.metricApproximateNumberOfMessagesVisible({
          period: Duration.minutes(5),
          statistic: cloudwatch.Stats.MAXIMUM,
        }),
      );
    }
    const sum = { period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM };
    this.alarm(
      'HandlerErrorsAlarm',
      'the handler failed (it will be retried)',
      props.handler.metricErrors(sum),
    );
    this.alarm('HandlerThrottlesAlarm', 'the handler was throttled', props.handler.metricThrottles(sum));
    // Input the handler could not read, or a detection that threw, may hide an attack of an
    // unexpected shape: a person must look (the log line names the event and the reason).
    const own = (metricName: string) =>
      new cloudwatch.Metric({
        namespace: 'LayerWatch',
        metricName,
        dimensionsMap: { service: 'layerwatch' },
        ...sum,
      });
    this.alarm(
      'MalformedEventsAlarm',
      'a Lambda event could not be read, or a heartbeat claim was not genuine (handler log: "Malformed event skipped" or "Heartbeat claim rejected")',
      own('MalformedEvents'),
    );
    this.alarm(
      'DetectionErrorsAlarm',
      'a detection threw on an event (handler log: "Detection failed")',
      own('DetectionErrors'),
    );
    this.alarm(
      'SweepErrorsAlarm',
      'the drift sweep failed (coverage gaps are reported separately)',
      props.sweep.metricErrors({ period: Duration.hours(1), statistic: cloudwatch.Stats.SUM }),
    );
    // A FIFO queue's message ages from its move to the dead-letter queue; the worker settles it in
    // seconds, and a failed settlement comes back after the queue's visibility timeout (16 min).
    this.alarm(
      'SweepDeadLetterAgeAlarm',
      'a pair the drift sweep gave up on could not be settled in two tries, about half an hour (sweep worker log: "Sweep pair failed"): its run\'s coverage report is not delivered until it is, or until the next run reports the run',
      props.sweepDeadLetterQueue.metricApproximateAgeOfOldestMessage({
        period: DEAD_LETTER_AGE_PERIOD,
        statistic: cloudwatch.Stats.MAXIMUM,
      }),
      SWEEP_DEAD_LETTER_MAX_AGE.toSeconds(),
    );
    if (props.containment)
      this.alarm(
        'ContainmentErrorsAlarm',
        'the one-click containment failed: whoever chose the custom action may have no report (containment log)',
        props.containment.metricErrors(sum),
      );
    this.remoteAlarmRule = this.relayRemoteAlarms(props.topic);
  }

  private alarm(id: string, description: string, metric: cloudwatch.IMetric, threshold = 1): void {
    const a = new cloudwatch.Alarm(this, id, {
      alarmDescription: `layerwatch: ${description}`,
      metric,
      threshold,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    a.addAlarmAction(this.action);
    this.alarms.push(a);
  }

  /** Remote alarm state changes (forwarder regions, member accounts) to the operations topic. */
  private relayRemoteAlarms(topic: sns.ITopic): events.Rule {
    const undelivered = deadLetterQueue(this, 'RemoteAlarmDeadLetterQueue', 'the remote alarm relay');
    const field = (path: string) => events.EventField.fromPath(path);
    const rule = new events.Rule(this, 'RemoteAlarms', {
      description: 'layerwatch: alarms of forwarder regions and member accounts, to the operations topic',
      eventPattern: remoteAlarmPattern(),
      targets: [
        new targets.SnsTopic(topic, {
          deadLetterQueue: undelivered,
          retryAttempts: 8,
          maxEventAge: Duration.hours(24),
          message: events.RuleTargetInput.fromText(
            `layerwatch: alarm ${field('$.detail.alarmName')} in account ${field('$.account')}, region ${field('$.region')} is ${field('$.detail.state.value')}: ${field('$.detail.state.reason')}. ${field('$.detail.configuration.description')}`,
          ),
        }),
      ],
    });
    this.alarm(
      'RemoteAlarmDeadLetterAlarm',
      'a remote alarm could not be published to the operations topic (see its dead-letter queue)',
      undelivered.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(5),
        statistic: cloudwatch.Stats.MAXIMUM,
      }),
    );
    return rule;
  }
}
