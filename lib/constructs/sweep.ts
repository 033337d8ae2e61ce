import { CfnResource, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as triggers from 'aws-cdk-lib/triggers';
import { Construct, type IConstruct } from 'constructs';
import { SWEEP_CALLS } from '../../lambda/runtime-calls.js';
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
   * Reserve one concurrent execution, so that two sweeps never overlap.
   * @default false
   */
  readonly reserveConcurrency?: boolean;
  /**
   * What must exist before the sweep that runs at deployment (the state table; in organization
   * mode the member StackSet, whose roles the sweep assumes).
   */
  readonly runAfter: readonly IConstruct[];
}

/**
 * The drift sweep: every covered function, daily and once at deployment (so that baselines exist
 * before the first deploy that re-sends layers), reporting layer drift and coverage gaps.
 */
export class Sweep extends Construct {
  public readonly fn: nodejs.NodejsFunction;
  public readonly schedule: events.Rule;

  constructor(scope: Construct, id: string, props: SweepProps) {
    super(scope, id);
    this.fn = new RuntimeFunction(this, 'Function', {
      entry: 'sweep.ts',
      description: 'layerwatch: daily sweep of every covered function for layer drift',
      calls: SWEEP_CALLS,
      targets: props.targets,
      memorySize: 512,
      timeout: Duration.minutes(15),
      reservedConcurrency: props.reserveConcurrency ? 1 : undefined,
      logRetention: props.logRetention,
      environment: {
        ...props.environment,
        SWEEP_ACCOUNTS: props.accounts.join(','),
        SWEEP_REGIONS: props.regions.join(','),
        SWEEP_DISCOVER_ACCOUNTS: String(props.discoverAccounts === true),
      },
      retryAttempts: 0,
    });
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
