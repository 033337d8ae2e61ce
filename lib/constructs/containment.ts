import { Duration, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as securityhub from 'aws-cdk-lib/aws-securityhub';
import { Construct } from 'constructs';
import { CANARY_FUNCTION_NAME } from '../../lambda/domain/heartbeat.js';
import { CUSTOM_ACTION_DETAIL_TYPE } from '../../lambda/domain/revert/custom-action.js';
import { OWN_STACK_PREFIXES } from '../../lambda/domain/revert/guards.js';
import { CONTAINMENT_CALLS } from '../../lambda/runtime-calls.js';
import type { CallTargets } from '../permissions.js';
import { RuntimeFunction } from './runtime-function.js';

/** The most functions one click changes (the CLI's --max-functions, fixed here). */
export const CONTAINMENT_MAX_FUNCTIONS = 5;

/** The custom action's id in Security Hub (20 alphanumeric characters at most). */
export const CONTAINMENT_ACTION_ID = 'LayerwatchRevert';

export interface ContainmentProps {
  readonly targets: CallTargets;
  readonly alertTopicArn: string;
  readonly tableName: string;
  readonly logRetention: logs.RetentionDays;
}

/**
 * The opt-in one-click containment: a Security Hub custom action on a layerwatch finding starts a
 * function that runs the revert's plan and guards and publishes what it did. Its role may update
 * configuration and aliases of the covered regions' functions, and is denied every one of them on
 * layerwatch's own functions (the same names the revert's own-function guard refuses).
 */
export class Containment extends Construct {
  public readonly fn: lambda.Function;
  public readonly rule: events.Rule;
  public readonly action: securityhub.CfnActionTarget;

  constructor(scope: Construct, id: string, props: ContainmentProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.action = new securityhub.CfnActionTarget(this, 'Action', {
      id: CONTAINMENT_ACTION_ID,
      name: 'layerwatch revert',
      description: "Reverts the layerwatch finding's layer change (plan, guards; report to the alert topic)",
    });
    this.fn = new RuntimeFunction(this, 'Function', {
      entry: 'containment.ts',
      description: 'layerwatch: reverts a finding when a person chooses the Security Hub custom action',
      calls: CONTAINMENT_CALLS,
      targets: props.targets,
      timeout: Duration.minutes(3),
      // One click at a time: two containments never plan against each other's writes.
      reservedConcurrency: 1,
      logRetention: props.logRetention,
      environment: {
        ALERT_TOPIC_ARN: props.alertTopicArn,
        CONTAINMENT_TABLE: props.tableName,
        CONTAINMENT_ACTION_ARN: this.action.attrActionTargetArn,
        CONTAINMENT_STACK: stack.stackName,
        CONTAINMENT_MAX_FUNCTIONS: String(CONTAINMENT_MAX_FUNCTIONS),
      },
      // A person asked once: a failed run is reported (or logged), not run again behind their back.
      retryAttempts: 0,
    });
    this.fn.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'NeverLayerwatchOwnFunctions',
        effect: iam.Effect.DENY,
        actions: writeActions(),
        resources: ownFunctionArns(props.targets, stack.stackName),
      }),
    );
    this.rule = new events.Rule(this, 'Rule', {
      description: 'layerwatch: the containment custom action, chosen by a person in Security Hub',
      eventPattern: {
        source: ['aws.securityhub'],
        detailType: [CUSTOM_ACTION_DETAIL_TYPE],
        resources: [this.action.attrActionTargetArn],
      },
      targets: [new targets.LambdaFunction(this.fn, { retryAttempts: 0 })],
    });
  }
}

/** The Lambda writes the containment declares (its Deny covers exactly these). */
export function writeActions(): string[] {
  return CONTAINMENT_CALLS.filter((c) => c.action.startsWith('lambda:Update')).map((c) => c.action);
}

/**
 * layerwatch's own functions in every covered region, qualified or not: the detector stack's
 * generated names, the forwarder and member stacks', and the canary.
 */
export function ownFunctionArns(t: CallTargets, stackName: string): string[] {
  const names = [
    `${stackName}-*`,
    ...OWN_STACK_PREFIXES.map((p) => `${p}*`),
    CANARY_FUNCTION_NAME,
    `${CANARY_FUNCTION_NAME}:*`,
  ];
  return [...new Set(t.regions)].flatMap((r) =>
    names.map((n) => `arn:${t.partition}:lambda:${r}:${t.account}:function:${n}`),
  );
}
