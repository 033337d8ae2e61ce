import {
  CfnCondition,
  CfnResource,
  Duration,
  Fn,
  RemovalPolicy,
  Stack,
  Token,
  Validations,
} from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import {
  CANARY_FUNCTION_NAME,
  heartbeatDescriptionAt,
  memberHeartbeatRoleName,
} from '../../lambda/domain/heartbeat.js';
import { HEARTBEAT_CALLS, MEMBER_HEARTBEAT_CALLS } from '../../lambda/runtime-calls.js';
import { type CallTargets, grantCanaryCalls } from '../permissions.js';
import { RuntimeFunction } from './runtime-function.js';

export interface CanaryProps {
  readonly logRetention: logs.RetentionDays;
}

/**
 * The canary of one region: a function that never runs (reserved concurrency 0) and whose
 * description the heartbeat changes every hour. The fixed name is the contract with the heartbeat,
 * which reaches the canaries of other regions by ARN.
 */
export class Canary extends Construct {
  public readonly fn: lambda.Function;

  constructor(scope: Construct, id: string, props: CanaryProps) {
    super(scope, id);
    this.fn = new lambda.Function(this, 'Function', {
      functionName: CANARY_FUNCTION_NAME,
      description: 'layerwatch heartbeat canary: never runs; its description changes every hour',
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler = async () => null;'),
      reservedConcurrentExecutions: 0,
      logGroup: new logs.LogGroup(this, 'Logs', {
        retention: props.logRetention,
        removalPolicy: RemovalPolicy.DESTROY,
      }),
    });
    Validations.of(this.fn).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason: 'AWSLambdaBasicExecutionRole only lets the function write its own logs (and it never runs).',
    });
  }
}

export interface HeartbeatProps {
  readonly targets: CallTargets;
  /** The covered regions, each with a canary (home region: created here; others: by their stacks). */
  readonly regions: readonly string[];
  /** The handler, which recognises heartbeats by the heartbeat role and emits the metrics. */
  readonly handler: lambda.Function;
  /** Where the blind-region alarms go. */
  readonly operationsTopic: sns.ITopic;
  readonly logRetention: logs.RetentionDays;
}

/**
 * Proves, all the time, that the detector sees every covered region: an hourly real change to each
 * region's canary travels CloudTrail, EventBridge and the forwarders to the handler, which emits
 * `Heartbeat` and `DetectionLatency` (dimension `Region`). A region without a heartbeat for two
 * hours raises an alarm: layerwatch is blind there.
 */
export class Heartbeat extends Construct {
  public readonly fn: lambda.Function;
  public readonly alarms: cloudwatch.Alarm[] = [];
  public readonly schedule: events.Rule;

  constructor(scope: Construct, id: string, props: HeartbeatProps) {
    super(scope, id);
    const { partition, account } = props.targets;
    const home = new Canary(this, 'HomeCanary', { logRetention: props.logRetention });
    this.fn = new RuntimeFunction(this, 'Function', {
      entry: 'heartbeat.ts',
      description: "layerwatch: hourly heartbeat, changes each covered region's canary description",
      calls: HEARTBEAT_CALLS,
      targets: props.targets,
      memorySize: 128,
      timeout: Duration.minutes(1),
      logRetention: props.logRetention,
      environment: {
        HEARTBEAT_CANARIES: props.regions
          .map((r) => `${r}=arn:${partition}:lambda:${r}:${account}:function:${CANARY_FUNCTION_NAME}`)
          .join(','),
      },
      retryAttempts: 0,
    });
    this.fn.node.addDependency(home);
    this.schedule = new events.Rule(this, 'Schedule', {
      description: 'layerwatch: heartbeat',
      schedule: events.Schedule.rate(Duration.hours(1)),
      targets: [new targets.LambdaFunction(this.fn, { retryAttempts: 2 })],
    });
    props.handler.addEnvironment('HEARTBEAT_ROLE_ARN', this.fn.role?.roleArn ?? '');
    const action = new cwActions.SnsAction(props.operationsTopic);
    for (const region of props.regions) {
      // An environment-agnostic stack has one covered region, its own, not known until deployment.
      const id = Token.isUnresolved(region) ? 'BlindHomeRegion' : `Blind-${region}`;
      this.alarms.push(
        blindAlarm(this, id, { Region: region }, action, `layerwatch is blind in ${region}: ${BLIND}`),
      );
    }
  }
}

const BLIND =
  'no CloudTrail event has reached it for two hours (its hourly heartbeat is missing). Check the trail logs management events there, the rules are enabled, and the forwarder; run layerwatch verify.';

/** Two hours without a heartbeat of these dimensions (missing data breaches), to the operations topic. */
function blindAlarm(
  scope: Construct,
  id: string,
  dimensions: Record<string, string>,
  action: cwActions.SnsAction,
  description: string,
): cloudwatch.Alarm {
  const alarm = new cloudwatch.Alarm(scope, id, {
    alarmDescription: description,
    metric: new cloudwatch.Metric({
      namespace: 'LayerWatch',
      metricName: 'Heartbeat',
      dimensionsMap: { service: 'layerwatch', ...dimensions },
      period: Duration.hours(1),
      statistic: cloudwatch.Stats.SUM,
    }),
    threshold: 1,
    evaluationPeriods: 2,
    comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
    treatMissingData: cloudwatch.TreatMissingData.BREACHING,
  });
  alarm.addAlarmAction(action);
  alarm.addOkAction(action);
  return alarm;
}

export interface MemberHeartbeatAlarmsProps {
  /** The member accounts listed at deployment (an account added later needs a redeploy). */
  readonly accounts: readonly string[];
  /** The member regions (each has a canary and a schedule in every member account). */
  readonly regions: readonly string[];
  readonly operationsTopic: sns.ITopic;
}

/**
 * In the security account: one alarm per member account and region, on `Heartbeat` by `Account` and
 * `Region` (the handler counts a member's heartbeat so), breaching after two hours without one.
 */
export class MemberHeartbeatAlarms extends Construct {
  public readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: MemberHeartbeatAlarmsProps) {
    super(scope, id);
    const action = new cwActions.SnsAction(props.operationsTopic);
    for (const account of props.accounts) {
      for (const region of props.regions) {
        const description = `layerwatch is blind in account ${account}, ${region}: no heartbeat of that account has reached it for two hours. Check the member stack instance there (StackSet), its layerwatch-heartbeat schedule, the trail and the forwarding rule; run layerwatch verify.`;
        this.alarms.push(
          blindAlarm(
            this,
            `Blind-${account}-${region}`,
            { Account: account, Region: region },
            action,
            description,
          ),
        );
      }
    }
  }
}

/** The member heartbeat's schedule name. */
export const MEMBER_HEARTBEAT_SCHEDULE = 'layerwatch-heartbeat';
/** Its schedule group: the role trusts schedules of this group of its account and region. */
export const MEMBER_HEARTBEAT_GROUP = 'default';

export interface MemberHeartbeatProps {
  /**
   * The security account: a StackSet instance there (a delegated administrator inside the OUs)
   * creates nothing, since the detector's own canary already has the name there.
   */
  readonly centralAccount: string;
  /** @default logs.RetentionDays.ONE_YEAR (the canary never runs: its log group stays empty) */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * In a member account and region (the StackSet's template): the canary, and an hourly EventBridge
 * Scheduler schedule that changes its description itself (a universal target: no function, no
 * code, no asset), with a role of a fixed name (memberHeartbeatRoleName) that only schedules of its
 * group in this account and region may assume (Scheduler names the group, not the schedule, as the
 * source) and that may change this canary only. The change travels the member's trail and forwarding
 * rule to the detector, which counts it by Account and Region.
 */
export class MemberHeartbeat extends Construct {
  public readonly canary: Canary;
  public readonly role: iam.Role;
  public readonly schedule: scheduler.CfnSchedule;

  constructor(scope: Construct, id: string, props: MemberHeartbeatProps) {
    super(scope, id);
    const { partition, region, account } = Stack.of(this);
    const inMember = new CfnCondition(this, 'InMemberAccount', {
      expression: Fn.conditionNot(Fn.conditionEquals(account, props.centralAccount)),
    });
    this.canary = new Canary(this, 'Canary', {
      logRetention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
    });
    // EventBridge Scheduler sends the ARN of the schedule's group as aws:SourceArn, never the
    // schedule's own (Scheduler user guide: confused deputy prevention, execution role).
    const groupArn = `arn:${partition}:scheduler:${region}:${account}:schedule-group/${MEMBER_HEARTBEAT_GROUP}`;
    // A fixed name is the contract with the detector, which recognises heartbeats by this role.
    this.role = new iam.Role(this, 'Role', {
      roleName: memberHeartbeatRoleName(region),
      description: "layerwatch: the hourly heartbeat schedule's role; it may only change the canary",
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com').withConditions({
        StringEquals: { 'aws:SourceAccount': account, 'aws:SourceArn': groupArn },
      }),
      maxSessionDuration: Duration.hours(1),
    });
    const canaryArn = `arn:${partition}:lambda:${region}:${account}:function:${CANARY_FUNCTION_NAME}`;
    grantCanaryCalls(this.role, MEMBER_HEARTBEAT_CALLS, canaryArn);
    this.schedule = new scheduler.CfnSchedule(this, 'Schedule', {
      name: MEMBER_HEARTBEAT_SCHEDULE,
      description: "layerwatch: hourly heartbeat, changes this region's canary description",
      scheduleExpression: 'rate(1 hour)',
      flexibleTimeWindow: { mode: 'OFF' },
      state: 'ENABLED',
      target: {
        arn: `arn:${partition}:scheduler:::aws-sdk:lambda:updateFunctionConfiguration`,
        roleArn: this.role.roleArn,
        input: JSON.stringify({
          FunctionName: CANARY_FUNCTION_NAME,
          Description: heartbeatDescriptionAt('<aws.scheduler.scheduled-time>'),
        }),
        retryPolicy: { maximumRetryAttempts: 3, maximumEventAgeInSeconds: 900 },
      },
    });
    this.schedule.node.addDependency(this.canary, this.role);
    for (const child of this.node.findAll()) {
      const resource = child.node.defaultChild ?? child;
      if (resource instanceof CfnResource) resource.cfnOptions.condition = inMember;
    }
  }
}
