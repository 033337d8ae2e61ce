import { Duration, RemovalPolicy, Token, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { CANARY_FUNCTION_NAME } from '../../lambda/domain/heartbeat.js';
import { HEARTBEAT_CALLS } from '../../lambda/runtime-calls.js';
import type { CallTargets } from '../permissions.js';
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
  readonly handler: nodejs.NodejsFunction;
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
  public readonly fn: nodejs.NodejsFunction;
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
      const alarm = new cloudwatch.Alarm(this, id, {
        alarmDescription: `layerwatch is blind in ${region}: no CloudTrail event has reached it for two hours (its hourly heartbeat is missing). Check the trail logs management events there, the rules are enabled, and the forwarder; run layerwatch verify.`,
        metric: new cloudwatch.Metric({
          namespace: 'LayerWatch',
          metricName: 'Heartbeat',
          dimensionsMap: { service: 'layerwatch', Region: region },
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
      this.alarms.push(alarm);
    }
  }
}
