import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { deadLetterQueue } from '../dead-letter-queue.js';
import { tamperEventPattern } from '../event-patterns.js';

export interface TamperWatchProps {
  /** The detector's handler: it tells tampering from ordinary changes (detector-tampered). */
  readonly handler: lambda.IFunction;
}

/**
 * A second rule, for calls that can blind or disarm layerwatch: a trail stopped, deleted or
 * narrowed, or one of layerwatch's rules, topics, functions, key or table disabled or deleted.
 * It is a rule of its own, so that disabling or deleting the layer rule is itself seen, and it
 * has a dead-letter queue of its own (same retry policy as the layer rule): what EventBridge cannot
 * deliver on one path never hides in the other's queue, and each queue's alarm says which path failed.
 */
export class TamperWatch extends Construct {
  public readonly rule: events.Rule;
  public readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: TamperWatchProps) {
    super(scope, id);
    this.deadLetterQueue = deadLetterQueue(
      this,
      'DeadLetterQueue',
      'the EventBridge target of the tamper rule',
    );
    this.rule = new events.Rule(this, 'Rule', {
      description: 'layerwatch: successful calls that can blind or disarm layerwatch',
      eventPattern: tamperEventPattern(),
      targets: [
        new targets.LambdaFunction(props.handler, {
          deadLetterQueue: this.deadLetterQueue,
          retryAttempts: 8,
          maxEventAge: Duration.hours(24),
        }),
      ],
    });
  }
}
