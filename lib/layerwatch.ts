import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ArnFormat, Duration, Names, RemovalPolicy, Stack, Tags, Token, Validations } from 'aws-cdk-lib';
import * as chatbot from 'aws-cdk-lib/aws-chatbot';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import * as triggers from 'aws-cdk-lib/triggers';
import { Construct } from 'constructs';
import { parseSettings } from '../lambda/domain/settings.js';
import { deadLetterQueue } from './dead-letter-queue.js';

/**
 * The operations CloudTrail logs for layers. CloudTrail suffixes names with an API version
 * (`UpdateFunctionConfiguration20150331v2`, `PublishLayerVersion20181031`) and older records carry
 * bare names, so the rule matches by prefix and the handler checks the exact operation.
 */
export const WATCHED_EVENT_PREFIXES = [
  'UpdateFunctionConfiguration',
  'PublishLayerVersion',
  'AddLayerVersionPermission',
  'CreateFunction',
] as const;

export interface SlackChannel {
  /** Slack workspace (team) id as shown in the Amazon Q Developer console, e.g. `T0123ABCD`. */
  readonly workspaceId: string;
  /** Slack channel id, e.g. `C0123ABCD`. */
  readonly channelId: string;
}

export interface SweepProps {
  /** @default - the stack's account */
  readonly accounts?: readonly string[];
  /** @default - the stack's region */
  readonly regions?: readonly string[];
  /** @default events.Schedule.rate(Duration.days(1)) */
  readonly schedule?: events.Schedule;
}

/** Tag on the detector's roles; member roles trust principals of the central account carrying it. */
export const DETECTOR_ROLE_TAG = { key: 'layerwatch:role', value: 'detector' } as const;

export interface LayerWatchProps {
  /**
   * Email addresses subscribed to the alert topic (each must confirm the subscription).
   * @default - no email subscription
   */
  readonly alertEmails?: readonly string[];
  /**
   * An existing topic to publish alerts to instead of creating one.
   * @default - a new topic encrypted with a new customer-managed KMS key
   */
  readonly alertTopic?: sns.ITopic;
  /**
   * The KMS key of `alertTopic`, when that topic is encrypted with a customer-managed key.
   * @default - the existing topic is not encrypted with a customer-managed key
   */
  readonly alertTopicKey?: kms.IKey;
  /**
   * Posts alerts in a Slack channel through Amazon Q Developer in chat applications.
   * The workspace must be authorized once in the console first.
   * @default - no Slack channel
   */
  readonly slack?: SlackChannel;
  /**
   * Where alarms about the detector itself go (dead letters, errors, throttles).
   * @default - the alert topic
   */
  readonly operationsTopic?: sns.ITopic;
  /**
   * Retention of the handler's logs.
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Reserved concurrency of the handler. Excess async invocations wait in Lambda's queue and are
   * retried (up to 6 hours), so a burst is delayed, not dropped (see BENCHMARKS.md).
   * @default 10
   */
  readonly reservedConcurrency?: number;
  /**
   * Memory of the handler, in MiB.
   * @default 256
   */
  readonly memorySize?: number;
  /**
   * Detection settings (organization accounts, known publishers, deploy roles, suppressions,
   * minimum severity to publish, correlation window), as the JSON document described in README.md.
   * Validated at synthesis.
   * @default - no suppression, publish from `low`, 60-minute correlation window
   */
  readonly settings?: Record<string, unknown>;
  /**
   * Name of the read-only role in member accounts that the handler assumes to read functions and
   * layers of other accounts (organization mode; see LayerWatchMemberStack).
   * @default - only the detector's own account is read
   */
  readonly memberRoleName?: string;
  /**
   * The AWS Organizations id: assuming member roles is limited to accounts of this organization.
   * @default - no organization condition
   */
  readonly organizationId?: string;
  /**
   * The drift sweep: which accounts and regions to list, and how often.
   * @default - the stack's own account and region, daily
   */
  readonly sweep?: SweepProps;
  /**
   * What happens to the baseline table when the stack is deleted.
   * @default RemovalPolicy.RETAIN
   */
  readonly baselineRemovalPolicy?: RemovalPolicy;
}

const LAMBDA_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'lambda');
const HANDLER_ENTRY = path.join(LAMBDA_DIR, 'handler.ts');
const SWEEP_ENTRY = path.join(LAMBDA_DIR, 'sweep.ts');

/** How both functions are bundled: minified ESM for the newest Node.js runtime, SDK inside. */
const BUNDLING: nodejs.BundlingOptions = {
  format: nodejs.OutputFormat.ESM,
  target: 'node24',
  minify: true,
  sourceMap: true,
  // Bundle the SDK (pinned, tree-shaken) rather than use the runtime's copy.
  externalModules: [],
  // Without this, an ESM bundle of the SDK fails at the first call (dynamic require of node:https).
  mainFields: ['module', 'main'],
  logLevel: nodejs.LogLevel.WARNING,
};

/**
 * The EventBridge pattern for CloudTrail's layer-relevant Lambda calls (successful ones only), used
 * by the detector's rule and by every forwarder.
 */
export function layerEventPattern(): events.EventPattern {
  return {
    source: ['aws.lambda'],
    detailType: ['AWS API Call via CloudTrail'],
    detail: {
      eventSource: ['lambda.amazonaws.com'],
      eventName: events.Match.anyOf(...WATCHED_EVENT_PREFIXES.map((name) => events.Match.prefix(name))),
      errorCode: events.Match.doesNotExist(),
    },
  };
}

/**
 * Detects Lambda layer changes: an EventBridge rule on CloudTrail's Lambda events, a handler that
 * diffs each function's layers against a baseline table, and an SNS topic for the alerts.
 * Nothing is dropped silently: undeliverable events land in dead-letter queues that raise alarms.
 */
export class LayerWatch extends Construct {
  public readonly alertTopic: sns.ITopic;
  public readonly handler: nodejs.NodejsFunction;
  public readonly baselineTable: dynamodb.TableV2;
  public readonly rule: events.Rule;
  /** Events EventBridge could not deliver to the handler. */
  public readonly ruleDeadLetterQueue: sqs.Queue;
  /** Invocations that failed after Lambda's retries (for example a publish that kept failing). */
  public readonly failureQueue: sqs.Queue;
  public readonly alarms: cloudwatch.Alarm[] = [];
  /** The scheduled drift sweep. */
  public readonly sweepFunction: nodejs.NodejsFunction;

  constructor(scope: Construct, id: string, props: LayerWatchProps = {}) {
    super(scope, id);
    const stack = Stack.of(this);

    this.alertTopic = props.alertTopic ?? this.createTopic();
    for (const email of props.alertEmails ?? []) {
      this.alertTopic.addSubscription(new subscriptions.EmailSubscription(email));
    }

    // Validate now: a wrong setting must stop synthesis, not the handler's cold start.
    parseSettings(props.settings);
    const settingsJson = props.settings ? JSON.stringify(props.settings) : '';
    if (settingsJson.length > 3000) {
      throw new Error(
        `layerwatch: settings are ${settingsJson.length} characters; Lambda environment variables allow about 3000 here`,
      );
    }

    this.baselineTable = new dynamodb.TableV2(this, 'Baselines', {
      partitionKey: { name: 'functionArn', type: dynamodb.AttributeType.STRING },
      // Correlation items (recent layer publications) expire on their own.
      timeToLiveAttribute: 'expiresAt',
      billing: dynamodb.Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryptionV2.awsManagedKey(),
      removalPolicy: props.baselineRemovalPolicy ?? RemovalPolicy.RETAIN,
    });

    this.ruleDeadLetterQueue = deadLetterQueue(
      this,
      'RuleDeadLetterQueue',
      'the EventBridge target of the rule',
    );
    this.failureQueue = deadLetterQueue(this, 'FailureQueue', "the handler's on-failure destination");

    const logGroup = new logs.LogGroup(this, 'HandlerLogs', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
      // The log group belongs to this construct's lifetime; logs are not evidence once the detector is gone.
      removalPolicy: RemovalPolicy.DESTROY,
    });

    this.handler = new nodejs.NodejsFunction(this, 'Handler', {
      entry: HANDLER_ENTRY,
      handler: 'handler',
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 256,
      timeout: Duration.seconds(30),
      reservedConcurrentExecutions: props.reservedConcurrency ?? 10,
      logGroup,
      description: 'layerwatch: diffs Lambda layer lists on CloudTrail events and publishes findings',
      environment: {
        ALERT_TOPIC_ARN: this.alertTopic.topicArn,
        BASELINE_TABLE: this.baselineTable.tableName,
        LAYERWATCH_SETTINGS: settingsJson,
        HOME_ACCOUNT: stack.account,
        MEMBER_ROLE_NAME: props.memberRoleName ?? '',
        POWERTOOLS_SERVICE_NAME: 'layerwatch',
        POWERTOOLS_METRICS_NAMESPACE: 'LayerWatch',
        POWERTOOLS_LOG_LEVEL: 'INFO',
        NODE_OPTIONS: '--enable-source-maps',
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      },
      retryAttempts: 2,
      maxEventAge: Duration.hours(6),
      onFailure: new destinations.SqsDestination(this.failureQueue),
      bundling: BUNDLING,
    });

    this.alertTopic.grantPublish(this.handler);
    props.alertTopicKey?.grantEncryptDecrypt(this.handler);
    this.baselineTable.grant(this.handler, 'dynamodb:GetItem', 'dynamodb:PutItem');
    this.handler.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['lambda:GetFunctionConfiguration'],
        resources: [
          stack.formatArn({
            service: 'lambda',
            resource: 'function',
            resourceName: '*',
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        ],
      }),
    );

    this.handler.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['lambda:GetLayerVersion', 'lambda:GetLayerVersionPolicy'],
        // Layers attached to a function may belong to any account: the detector reads their metadata.
        resources: [`arn:${stack.partition}:lambda:*:*:layer:*:*`],
      }),
    );

    if (props.memberRoleName) {
      this.handler.addToRolePolicy(
        new iam.PolicyStatement({
          actions: ['sts:AssumeRole'],
          resources: [`arn:${stack.partition}:iam::*:role/${props.memberRoleName}`],
          ...(props.organizationId
            ? { conditions: { StringEquals: { 'aws:ResourceOrgID': props.organizationId } } }
            : {}),
        }),
      );
      Validations.of(this.handler).acknowledge({
        id: `AwsSolutions::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iam::*:role/${props.memberRoleName}]`,
        reason:
          'Only the read-only member role, in any account of the organization (aws:ResourceOrgID when given).',
      });
    }

    this.rule = new events.Rule(this, 'LambdaLayerEvents', {
      description: 'layerwatch: successful Lambda calls that can change or share layers',
      eventPattern: layerEventPattern(),
      targets: [
        new targets.LambdaFunction(this.handler, {
          deadLetterQueue: this.ruleDeadLetterQueue,
          retryAttempts: 8,
          maxEventAge: Duration.hours(24),
        }),
      ],
    });

    this.sweepFunction = this.createSweep(props);
    for (const fn of [this.handler, this.sweepFunction]) {
      if (fn.role) Tags.of(fn.role).add(DETECTOR_ROLE_TAG.key, DETECTOR_ROLE_TAG.value);
    }

    if (props.slack) this.createSlackChannel(props.slack);
    this.createAlarms(props.operationsTopic ?? this.alertTopic);
    this.acknowledge();
  }

  private createSweep(props: LayerWatchProps): nodejs.NodejsFunction {
    const stack = Stack.of(this);
    const accounts = props.sweep?.accounts ?? [stack.account];
    const regions = props.sweep?.regions ?? [stack.region];
    const fn = new nodejs.NodejsFunction(this, 'Sweep', {
      entry: SWEEP_ENTRY,
      handler: 'handler',
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 512,
      timeout: Duration.minutes(15),
      reservedConcurrentExecutions: 1,
      logGroup: new logs.LogGroup(this, 'SweepLogs', {
        retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
        // As the handler's: the logs go with the detector.
        removalPolicy: RemovalPolicy.DESTROY,
      }),
      description: 'layerwatch: daily sweep of every covered function for layer drift',
      environment: {
        ALERT_TOPIC_ARN: this.alertTopic.topicArn,
        OPERATIONS_TOPIC_ARN: (props.operationsTopic ?? this.alertTopic).topicArn,
        BASELINE_TABLE: this.baselineTable.tableName,
        LAYERWATCH_SETTINGS: props.settings ? JSON.stringify(props.settings) : '',
        HOME_ACCOUNT: stack.account,
        MEMBER_ROLE_NAME: props.memberRoleName ?? '',
        SWEEP_ACCOUNTS: accounts.join(','),
        SWEEP_REGIONS: regions.join(','),
        NODE_OPTIONS: '--enable-source-maps',
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      },
      retryAttempts: 0,
      bundling: BUNDLING,
    });
    this.alertTopic.grantPublish(fn);
    props.operationsTopic?.grantPublish(fn);
    props.alertTopicKey?.grantEncryptDecrypt(fn);
    this.baselineTable.grant(fn, 'dynamodb:GetItem', 'dynamodb:PutItem');
    // ListFunctions has no resource-level permission: it is granted on "*" by AWS's design.
    fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['lambda:ListFunctions'], resources: ['*'] }));
    if (props.memberRoleName) {
      fn.addToRolePolicy(
        new iam.PolicyStatement({
          actions: ['sts:AssumeRole'],
          resources: [`arn:${stack.partition}:iam::*:role/${props.memberRoleName}`],
          ...(props.organizationId
            ? { conditions: { StringEquals: { 'aws:ResourceOrgID': props.organizationId } } }
            : {}),
        }),
      );
    }
    // Once at deployment too, asynchronously: baselines exist before the first deploy that re-sends
    // layers, so it is diffed against a known state instead of reported as "baseline unknown".
    new triggers.Trigger(this, 'InitialSweep', {
      handler: fn,
      invocationType: triggers.InvocationType.EVENT,
      executeOnHandlerChange: false,
      executeAfter: [this.baselineTable],
    });
    new events.Rule(this, 'SweepSchedule', {
      description: 'layerwatch: drift sweep',
      schedule: props.sweep?.schedule ?? events.Schedule.rate(Duration.days(1)),
      targets: [new targets.LambdaFunction(fn, { retryAttempts: 2 })],
    });
    Validations.of(fn).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason: 'AWSLambdaBasicExecutionRole only lets the function write its own logs.',
    });
    Validations.of(fn).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
      reason: 'lambda:ListFunctions supports no resource-level permission; nothing else is granted on "*".',
    });
    Validations.of(fn).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
      reason:
        'grantPublish on the KMS-encrypted topic: SNS needs a data key per message; scoped to the topic key.',
    });
    if (props.memberRoleName) {
      Validations.of(fn).acknowledge({
        id: `AwsSolutions::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iam::*:role/${props.memberRoleName}]`,
        reason:
          'Only the read-only member role, in any account of the organization (aws:ResourceOrgID when given).',
      });
    }
    const errors = new cloudwatch.Alarm(this, 'SweepErrorsAlarm', {
      alarmDescription: 'layerwatch: the drift sweep failed (coverage gaps are reported separately)',
      metric: fn.metricErrors({ period: Duration.hours(1), statistic: cloudwatch.Stats.SUM }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    errors.addAlarmAction(new cwActions.SnsAction(props.operationsTopic ?? this.alertTopic));
    this.alarms.push(errors);
    return fn;
  }

  private createTopic(): sns.Topic {
    const key = new kms.Key(this, 'AlertTopicKey', {
      description: 'layerwatch: encrypts the alert topic',
      enableKeyRotation: true,
    });
    // CloudWatch alarms publish to the topic and so must be able to use its key.
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
    );
    return new sns.Topic(this, 'AlertTopic', {
      displayName: 'layerwatch alerts',
      masterKey: key,
      enforceSSL: true,
    });
  }

  private createSlackChannel(slack: SlackChannel): void {
    const channel = new chatbot.SlackChannelConfiguration(this, 'SlackChannel', {
      slackChannelConfigurationName: Names.uniqueResourceName(this, { maxLength: 128, separator: '-' }),
      slackWorkspaceId: slack.workspaceId,
      slackChannelId: slack.channelId,
      notificationTopics: [this.alertTopic],
      loggingLevel: chatbot.LoggingLevel.ERROR,
      // The channel only posts notifications: members can run nothing through it.
      guardrailPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('AWSDenyAll')],
    });
    Validations.of(channel).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AWSDenyAll]',
      reason:
        'AWSDenyAll is the guardrail that forbids every action from the chat channel; it grants nothing.',
    });
  }

  private createAlarms(topic: sns.ITopic): void {
    const action = new cwActions.SnsAction(topic);
    const alarm = (id: string, description: string, metric: cloudwatch.IMetric) => {
      const a = new cloudwatch.Alarm(this, id, {
        alarmDescription: `layerwatch: ${description}`,
        metric,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      a.addAlarmAction(action);
      this.alarms.push(a);
    };
    const fiveMinutes = { period: Duration.minutes(5), statistic: cloudwatch.Stats.MAXIMUM };
    alarm(
      'RuleDeadLetterAlarm',
      'events EventBridge could not deliver to the handler are waiting in the dead-letter queue (see README: re-drive)',
      this.ruleDeadLetterQueue.metricApproximateNumberOfMessagesVisible(fiveMinutes),
    );
    alarm(
      'FailureQueueAlarm',
      'handler invocations failed after retries (alerts not delivered) are waiting in the failure queue (see README: re-drive)',
      this.failureQueue.metricApproximateNumberOfMessagesVisible(fiveMinutes),
    );
    alarm(
      'HandlerErrorsAlarm',
      'the handler failed (it will be retried)',
      this.handler.metricErrors({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM }),
    );
    alarm(
      'HandlerThrottlesAlarm',
      'the handler was throttled',
      this.handler.metricThrottles({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM }),
    );
    // Input the handler could not read, or a detection that threw, may hide an attack of an
    // unexpected shape: a person must look (the log line names the event and the reason).
    const own = (metricName: string) =>
      new cloudwatch.Metric({
        namespace: 'LayerWatch',
        metricName,
        dimensionsMap: { service: 'layerwatch' },
        period: Duration.minutes(5),
        statistic: cloudwatch.Stats.SUM,
      });
    alarm(
      'MalformedEventsAlarm',
      'a Lambda event could not be read (handler log: "Malformed event skipped")',
      own('MalformedEvents'),
    );
    alarm(
      'DetectionErrorsAlarm',
      'a detection threw on an event (handler log: "Detection failed")',
      own('DetectionErrors'),
    );
  }

  private acknowledge(): void {
    const stack = Stack.of(this);
    const shown = (value: string, token: string) => (Token.isUnresolved(value) ? token : value);
    const functions = `arn:<AWS::Partition>:lambda:${shown(stack.region, '<AWS::Region>')}:${shown(stack.account, '<AWS::AccountId>')}:function:*`;
    Validations.of(this.handler).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason: 'AWSLambdaBasicExecutionRole only lets the function write its own logs.',
    });
    Validations.of(this.handler).acknowledge({
      id: `AwsSolutions::AwsSolutions-IAM5[Resource::${functions}]`,
      reason:
        'lambda:GetFunctionConfiguration must read any function of the account: an attacker chooses which function to change.',
    });
    Validations.of(this.handler).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:lambda:*:*:layer:*:*]',
      reason:
        'GetLayerVersion/GetLayerVersionPolicy on any layer version: attached layers may come from any account and region; read-only metadata.',
    });
    Validations.of(this.handler).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
      reason:
        'grantPublish on the KMS-encrypted topic: SNS needs a data key per message; scoped to the topic key.',
    });
  }
}
