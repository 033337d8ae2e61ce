import { CfnResource, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sources from 'aws-cdk-lib/aws-lambda-event-sources';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as triggers from 'aws-cdk-lib/triggers';
import { Construct, type IConstruct } from 'constructs';
import { PAIR_TIMEOUT_SECONDS, PAIR_VISIBILITY_SECONDS } from '../../lambda/domain/sweep-ledger.js';
import { SWEEP_CALLS, SWEEP_WORKER_CALLS } from '../../lambda/runtime-calls.js';
import type { CallTargets } from '../permissions.js';
import { RuntimeFunction } from './runtime-function.js';

export interface SweepProps {
  readonly targets: CallTargets;
  /** Environment shared by the detector's functions. */
  readonly environment: Record<string, string>;
  readonly accounts: readonly string[];
  /**
   * Also sweep the organization's active accounts, listed at each run (organization mode).
   * @default false
   */
  readonly discoverAccounts?: boolean;
  readonly regions: readonly string[];
  /** @default events.Schedule.rate(Duration.days(1)) */
  readonly schedule?: events.Schedule;
  readonly logRetention: logs.RetentionDays;
  /**
   * Reserve one concurrent execution for the plan, so that two plans never overlap.
   * @default false
   */
  readonly reserveConcurrency?: boolean;
  /**
   * Pairs swept at once across every account (the workers' maximum concurrency; each account is
   * swept one region at a time, whatever this is).
   * @default 20
   */
  readonly concurrency?: number;
  /**
   * Attempts of a pair before it is given up and named in the run's report.
   * @default 3
   */
  readonly attempts?: number;
  /**
   * What must exist before the sweep that runs at deployment (the state table; in organization
   * mode the member StackSet, whose roles the sweep assumes).
   */
  readonly runAfter: readonly IConstruct[];
}

/** How long a worker may take over one pair (an account and region of many functions). */
const PAIR_TIMEOUT = Duration.seconds(PAIR_TIMEOUT_SECONDS);
/**
 * How long a pair taken from either queue stays hidden: the worker's timeout and a minute. The
 * worker caps its backoff at the same number (pairRetryDelaySeconds).
 */
export const PAIR_VISIBILITY = Duration.seconds(PAIR_VISIBILITY_SECONDS);

/**
 * The drift sweep: every covered function, daily and once at deployment (so that baselines exist
 * before the first deploy that re-sends layers), reporting layer drift and coverage. Fanned out: the
 * scheduled function plans a run and queues one message per account/region pair on a FIFO queue
 * whose message group is the account; workers take the pairs, at most `concurrency` at once and one
 * per account; a pair that fails is handed out again after the worker's backoff (30 s, 2 min,
 * 8 min; the visibility timeout when it cannot be set), and after `attempts` goes to the
 * dead-letter queue, which the same worker reads to settle it as failed. The pair that settles a
 * run's last one sends the run's coverage report.
 */
export class Sweep extends Construct {
  /** The plan (scheduled, and run at deployment). */
  public readonly fn: lambda.Function;
  public readonly worker: lambda.Function;
  public readonly queue: sqs.Queue;
  public readonly deadLetterQueue: sqs.Queue;
  public readonly schedule: events.Rule;

  constructor(scope: Construct, id: string, props: SweepProps) {
    super(scope, id);
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      fifo: true,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      visibilityTimeout: PAIR_VISIBILITY,
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions::AwsSolutions-SQS3',
      reason:
        "This queue is itself the sweep queue's dead-letter queue; the sweep's worker reads it to name each pair given up in the run's report.",
    });
    this.queue = new sqs.Queue(this, 'Queue', {
      fifo: true,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(4),
      // A failed pair is handed out again when this has passed since it was taken.
      visibilityTimeout: PAIR_VISIBILITY,
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: props.attempts ?? 3 },
    });
    this.fn = new RuntimeFunction(this, 'Function', {
      entry: 'sweep.ts',
      description: 'layerwatch: daily drift sweep: plans a run and queues its account/region pairs',
      calls: SWEEP_CALLS,
      targets: { ...props.targets, sweepQueueArn: this.queue.queueArn },
      memorySize: 512,
      timeout: Duration.minutes(15),
      reservedConcurrency: props.reserveConcurrency ? 1 : undefined,
      logRetention: props.logRetention,
      environment: {
        ...props.environment,
        SWEEP_ACCOUNTS: props.accounts.join(','),
        SWEEP_REGIONS: props.regions.join(','),
        SWEEP_DISCOVER_ACCOUNTS: String(props.discoverAccounts === true),
        SWEEP_QUEUE_URL: this.queue.queueUrl,
      },
      retryAttempts: 0,
    });
    this.worker = new RuntimeFunction(this, 'Worker', {
      entry: 'sweep-worker.ts',
      description: 'layerwatch: drift sweep of one account/region pair, and the run report',
      calls: SWEEP_WORKER_CALLS,
      // The queue: a failed pair's message is handed out again after its backoff.
      targets: { ...props.targets, sweepQueueArn: this.queue.queueArn },
      memorySize: 512,
      timeout: PAIR_TIMEOUT,
      logRetention: props.logRetention,
      environment: {
        ...props.environment,
        SWEEP_DEAD_LETTER_QUEUE_ARN: this.deadLetterQueue.queueArn,
        SWEEP_QUEUE_URL: this.queue.queueUrl,
      },
      retryAttempts: 0,
    });
    const maxConcurrency = props.concurrency ?? 20;
    for (const queue of [this.queue, this.deadLetterQueue]) {
      this.worker.addEventSource(
        new sources.SqsEventSource(queue, { batchSize: 1, maxConcurrency, reportBatchItemFailures: true }),
      );
    }
    this.runAtDeployment(props);
    this.schedule = new events.Rule(this, 'Schedule', {
      description: 'layerwatch: drift sweep',
      schedule: props.schedule ?? events.Schedule.rate(Duration.days(1)),
      targets: [new targets.LambdaFunction(this.fn, { retryAttempts: 2 })],
    });
  }

  private runAtDeployment(props: SweepProps): void {
    new triggers.Trigger(this, 'InitialSweep', {
      handler: this.fn,
      invocationType: triggers.InvocationType.EVENT,
      executeOnHandlerChange: false,
      executeAfter: [...props.runAfter],
    });
    // The trigger's provider function is a stack-wide singleton without a log group of its own, so
    // Lambda would create one kept forever. It is pointed at a log group with a retention instead
    // (a group of its own name: the one Lambda may have created in an earlier deployment is left
    // alone rather than clashed with).
    const stack = Stack.of(this);
    const provider = stack.node.tryFindChild('AWSCDK.TriggerCustomResourceProviderCustomResourceProvider');
    const providerFn = provider?.node.tryFindChild('Handler');
    if (!(providerFn instanceof CfnResource) || providerFn.cfnResourceType !== 'AWS::Lambda::Function') {
      throw new Error('layerwatch: the CDK trigger provider changed shape; its log group cannot be set');
    }
    if (stack.node.tryFindChild('TriggerProviderLogs')) return;
    const logGroup = new logs.LogGroup(stack, 'TriggerProviderLogs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    providerFn.addPropertyOverride('LoggingConfig.LogGroup', logGroup.logGroupName);
    providerFn.node.addDependency(logGroup);
  }
}
