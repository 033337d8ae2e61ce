import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { deadLetterQueue } from '../dead-letter-queue.js';
import { type AlertPathResources, alertPathPattern, tamperEventPattern } from '../event-patterns.js';

export interface TamperWatchProps {
  /** The detector's handler: it tells tampering from ordinary changes (detector-tampered). */
  readonly handler: lambda.IFunction;
  /** Where the direct rule tells a change to the alert path, without the handler. */
  readonly operationsTopic: sns.ITopic;
  /** The alert path's resources, as the direct rule knows them. */
  readonly alertPath: AlertPathResources;
}

/** The retry policy of every tamper target: the same as the layer rule's. */
const RETRY = { retryAttempts: 8, maxEventAge: Duration.hours(24) } as const;

/**
 * Two rules for calls that can blind or disarm layerwatch, each with a dead-letter queue of its own
 * (what EventBridge cannot deliver on one path never hides in the other's queue, and each queue's
 * alarm says which path failed):
 * - the tamper rule (every watched call, on any resource) -> the handler, which tells tampering
 *   from ordinary changes and publishes a detector-tampered finding on the alert topic;
 * - the direct rule (any write on layerwatch's own alert path: topics, keys, subscriptions,
 *   functions, roles, rules, queues, alarms, table; and any trail stopped or deleted) -> the
 *   operations topic, with a message written by EventBridge. A call that disables the key, deletes
 *   or throttles the handler, or replaces a topic's policy cuts the path that would report it; the
 *   other path still tells it. Each rule sees the calls on the other one (a disabled rule sees
 *   nothing, not even its own disabling).
 */
export class TamperWatch extends Construct {
  public readonly rule: events.Rule;
  public readonly deadLetterQueue: sqs.Queue;
  /** The direct rule: changes to the alert path, told on the operations topic. */
  public readonly directRule: events.Rule;
  public readonly directDeadLetterQueue: sqs.Queue;

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
        new targets.LambdaFunction(props.handler, { deadLetterQueue: this.deadLetterQueue, ...RETRY }),
      ],
    });
    this.directDeadLetterQueue = deadLetterQueue(
      this,
      'DirectDeadLetterQueue',
      'the operations topic, target of the direct tamper rule',
    );
    this.directRule = new events.Rule(this, 'DirectRule', {
      description: "layerwatch: changes to layerwatch's own alert path, told on the operations topic",
      eventPattern: alertPathPattern(props.alertPath),
      targets: [
        new targets.SnsTopic(props.operationsTopic, {
          deadLetterQueue: this.directDeadLetterQueue,
          ...RETRY,
          message: directMessage(),
        }),
      ],
    });
  }
}

/**
 * What a person reads: the call, who made it, from where, in which account and region, and on what
 * (the request parameters as CloudTrail logged them). A JSON document, because the parameters are
 * an object that a text template would have to quote.
 */
function directMessage(): events.RuleTargetInput {
  const field = (path: string) => events.EventField.fromPath(path);
  return events.RuleTargetInput.fromObject({
    layerwatch:
      'A call changed layerwatch itself (its alert path, rules or trail). Unless it was a deployment of layerwatch, treat it as tampering: the finding on the alert topic may never come.',
    call: field('$.detail.eventName'),
    service: field('$.detail.eventSource'),
    actor: field('$.detail.userIdentity.arn'),
    sourceIp: field('$.detail.sourceIPAddress'),
    account: field('$.account'),
    region: field('$.region'),
    time: field('$.detail.eventTime'),
    eventId: field('$.detail.eventID'),
    resource: field('$.detail.requestParameters'),
  });
}
