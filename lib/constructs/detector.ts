import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { HANDLER_CALLS } from '../../lambda/runtime-calls.js';
import { deadLetterQueue } from '../dead-letter-queue.js';
import { layerEventPattern } from '../event-patterns.js';
import type { CallTargets } from '../permissions.js';
import { RuntimeFunction } from './runtime-function.js';

export interface DetectorProps {
  /** Where each deployment-specific call goes (table, topics, covered regions, member role). */
  readonly targets: CallTargets;
  /** Environment shared by the detector's functions (topic ARNs, table, settings, accounts). */
  readonly environment: Record<string, string>;
  readonly logRetention: logs.RetentionDays;
  /** @default 256 */
  readonly memorySize?: number;
  /**
   * Reserved concurrency of the handler. Excess async invocations wait in Lambda's queue and are
   * retried (up to 6 hours), so a burst is delayed, not dropped (see BENCHMARKS.md).
   * @default - no reservation
   */
  readonly reservedConcurrency?: number;
}

/**
 * The detection path: an EventBridge rule on CloudTrail's layer-relevant Lambda calls, delivering
 * to the handler with retries; what EventBridge cannot deliver lands in a dead-letter queue, and
 * invocations that fail after Lambda's retries land in the failure queue.
 */
export class Detector extends Construct {
  public readonly handler: lambda.Function;
  public readonly rule: events.Rule;
  /** Events EventBridge could not deliver to the handler. */
  public readonly ruleDeadLetterQueue: sqs.Queue;
  /** Invocations that failed after Lambda's retries (for example a publish that kept failing). */
  public readonly failureQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: DetectorProps) {
    super(scope, id);
    this.ruleDeadLetterQueue = deadLetterQueue(
      this,
      'RuleDeadLetterQueue',
      'the EventBridge target of the rule',
    );
    this.failureQueue = deadLetterQueue(this, 'FailureQueue', "the handler's on-failure destination");
    this.handler = new RuntimeFunction(this, 'Handler', {
      entry: 'handler.ts',
      description: 'layerwatch: diffs Lambda layer lists on CloudTrail events and publishes findings',
      calls: HANDLER_CALLS,
      targets: props.targets,
      memorySize: props.memorySize,
      timeout: Duration.seconds(30),
      reservedConcurrency: props.reservedConcurrency,
      logRetention: props.logRetention,
      environment: {
        ...props.environment,
        POWERTOOLS_SERVICE_NAME: 'layerwatch',
        POWERTOOLS_METRICS_NAMESPACE: 'LayerWatch',
        POWERTOOLS_LOG_LEVEL: 'INFO',
      },
      retryAttempts: 2,
      maxEventAge: Duration.hours(6),
      onFailure: sendOnlyQueueDestination(this.failureQueue),
    });
    this.rule = new events.Rule(this, 'LambdaLayerEvents', {
      description:
        'layerwatch: successful Lambda calls that can change or share layers, and refused attaches',
      eventPattern: layerEventPattern(),
      targets: [
        new targets.LambdaFunction(this.handler, {
          deadLetterQueue: this.ruleDeadLetterQueue,
          retryAttempts: 8,
          maxEventAge: Duration.hours(24),
        }),
      ],
    });
  }
}

/**
 * The on-failure destination, granted only what Lambda needs to deliver there (sqs:SendMessage):
 * CDK's SqsDestination also grants GetQueueAttributes and GetQueueUrl, which nothing uses.
 */
function sendOnlyQueueDestination(queue: sqs.IQueue): lambda.IDestination {
  return {
    bind: (_scope, fn) => {
      fn.addToRolePolicy(
        new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [queue.queueArn] }),
      );
      return { destination: queue.queueArn };
    },
  };
}
