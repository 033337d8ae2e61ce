import { CfnOutput, Duration, Fn, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { OperationsDashboard } from './constructs/dashboard.js';
import { MemberHeartbeatAlarms } from './constructs/heartbeat.js';
import { globalServicesRegion } from './forwarder-stack.js';
import { LayerWatch, type SlackChannel } from './layerwatch.js';
import { LayerWatchOrganization } from './organization.js';

export interface OrganizationConfig {
  readonly organizationId: string;
  readonly organizationalUnitIds: readonly string[];
  readonly regions: readonly string[];
  readonly memberRoleName: string;
  readonly callAs: 'SELF' | 'DELEGATED_ADMIN';
}

/** Everything the app reads from context, validated (see bin/config.ts). */
export interface LayerWatchConfig {
  readonly alertEmails: readonly string[];
  /** Subscribed to the operations topic. @default - `alertEmails` (a created operations topic) */
  readonly operationsEmails?: readonly string[];
  readonly alertTopicArn?: string;
  readonly alertTopicKmsKeyArn?: string;
  readonly operationsTopicArn?: string;
  readonly operationsTopicKmsKeyArn?: string;
  /** Reserved concurrency of the handler, or `none` (see LayerWatchProps). @default 10 */
  readonly reservedConcurrency?: number | 'none';
  readonly slack?: SlackChannel;
  readonly logRetention: logs.RetentionDays;
  readonly memorySize: number;
  /** Detection settings document (validated in bin/config.ts). */
  readonly settings?: Record<string, unknown>;
  /** `single` (default), `multi-region` (forwarder stacks in `regions`), `organization`. */
  readonly mode?: 'single' | 'multi-region' | 'organization';
  /** Extra regions of this account that forward to this one (multi-region mode). */
  readonly regions?: readonly string[];
  readonly organization?: OrganizationConfig;
  readonly sweepAccounts?: readonly string[];
  readonly sweepRegions?: readonly string[];
  /** A schedule expression, e.g. `rate(1 day)` or `cron(0 3 * * ? *)`. */
  readonly sweepSchedule?: string;
  /** Pairs the drift sweep's workers sweep at once, across all accounts. @default 20 */
  readonly sweepConcurrency?: number;
  /** Create a multi-region trail of management events (off by default). */
  readonly createTrail?: boolean;
  /** The hourly heartbeat in every covered region. @default true */
  readonly heartbeat?: boolean;
  /** Organization mode: a heartbeat and an alarm per member account (`sweepAccounts`) and region. @default false */
  readonly memberHeartbeat?: boolean;
  /** Import every finding into Security Hub. @default false */
  readonly securityHub?: boolean;
  /** Put every finding on the default event bus. @default false */
  readonly findingEvents?: boolean;
  /** The one-click containment (`security-hub`: a Security Hub custom action). @default - off */
  readonly containment?: 'security-hub';
}

export interface LayerWatchStackProps extends StackProps {
  readonly config: LayerWatchConfig;
}

export class LayerWatchStack extends Stack {
  public readonly layerWatch: LayerWatch;
  public readonly trail?: cloudtrail.Trail;

  constructor(scope: Construct, id: string, props: LayerWatchStackProps) {
    super(scope, id, props);
    const { config } = props;
    const org = config.mode === 'organization' ? config.organization : undefined;
    const organization = org
      ? new LayerWatchOrganization(this, 'Organization', {
          organizationId: org.organizationId,
          organizationalUnitIds: org.organizationalUnitIds,
          regions: org.regions,
          memberRoleName: org.memberRoleName,
          callAs: org.callAs,
          memberHeartbeat: config.memberHeartbeat,
        })
      : undefined;
    // Regions whose events reach the detector: the handler reads this account's functions there.
    const regions =
      config.mode === 'multi-region'
        ? (config.regions ?? [])
        : config.mode === 'organization'
          ? (org?.regions ?? [])
          : [];
    this.layerWatch = new LayerWatch(this, 'LayerWatch', {
      alertEmails: config.alertEmails,
      operationsEmails: config.operationsEmails,
      alertTopic: config.alertTopicArn
        ? sns.Topic.fromTopicArn(this, 'ExistingAlertTopic', config.alertTopicArn)
        : undefined,
      alertTopicKey: config.alertTopicKmsKeyArn
        ? kms.Key.fromKeyArn(this, 'ExistingAlertTopicKey', config.alertTopicKmsKeyArn)
        : undefined,
      operationsTopic: config.operationsTopicArn
        ? sns.Topic.fromTopicArn(this, 'OperationsTopic', config.operationsTopicArn)
        : undefined,
      operationsTopicKey: config.operationsTopicKmsKeyArn
        ? kms.Key.fromKeyArn(this, 'OperationsTopicKey', config.operationsTopicKmsKeyArn)
        : undefined,
      slack: config.slack,
      logRetention: config.logRetention,
      memorySize: config.memorySize,
      reservedConcurrency: config.reservedConcurrency,
      heartbeat: config.heartbeat,
      // Forwarder stacks create a canary in their region; member regions have none (yet).
      heartbeatRegions: config.mode === 'multi-region' ? config.regions : undefined,
      securityHub: config.securityHub,
      findingEvents: config.findingEvents,
      containment: config.containment === 'security-hub',
      settings: config.settings,
      regions,
      memberRoleName: org?.memberRoleName,
      organizationId: org?.organizationId,
      sweep: {
        accounts: config.sweepAccounts
          ? [this.account, ...config.sweepAccounts.filter((a) => a !== this.account)]
          : undefined,
        regions: config.sweepRegions,
        schedule: config.sweepSchedule ? events.Schedule.expression(config.sweepSchedule) : undefined,
        concurrency: config.sweepConcurrency,
        // The sweep at deployment assumes the member roles: the StackSet must have created them.
        runAfter: organization ? [organization.stackSet] : [],
      },
    });
    if (org && config.memberHeartbeat)
      new MemberHeartbeatAlarms(this, 'MemberHeartbeat', {
        accounts: (config.sweepAccounts ?? []).filter((a) => a !== this.account),
        regions: org.regions,
        operationsTopic: this.layerWatch.operationsTopic,
      });
    if (config.createTrail) this.trail = this.createTrail();

    this.addOutputs(config);
  }

  /** What people and `layerwatch verify` read to find the parts of the deployment. */
  private addOutputs(config: LayerWatchConfig): void {
    const w = this.layerWatch;
    new CfnOutput(this, 'AlertTopicArn', {
      value: w.alertTopic.topicArn,
      description: 'Subscribe here for alerts',
    });
    new CfnOutput(this, 'BaselineTableName', { value: w.baselineTable.tableName });
    new CfnOutput(this, 'HandlerName', { value: w.handler.functionName });
    new CfnOutput(this, 'SweepName', { value: w.sweepFunction.functionName });
    new CfnOutput(this, 'RuleDeadLetterQueueUrl', { value: w.ruleDeadLetterQueue.queueUrl });
    new CfnOutput(this, 'TamperDeadLetterQueueUrl', { value: w.tamperDeadLetterQueue.queueUrl });
    // What `layerwatch verify` reads to find the parts it checks.
    new CfnOutput(this, 'OperationsTopicArn', { value: w.operationsTopic.topicArn });
    new CfnOutput(this, 'RuleNames', {
      value: Fn.join(
        ',',
        w.rules.map((r) => r.ruleName),
      ),
    });
    new CfnOutput(this, 'CoveredRegions', { value: Fn.join(',', [...w.regions]) });
    if (w.heartbeatFunction)
      new CfnOutput(this, 'HeartbeatRegions', { value: Fn.join(',', [...w.heartbeatRegions]) });
    // Forwarder stacks (LayerWatchForwarder-<region>) that `layerwatch verify` checks: those of
    // multi-region mode, and the stack of global services in us-east-1 (see composeDeployment).
    const regional = config.mode === 'multi-region' ? (config.regions ?? []) : [];
    const global = globalServicesRegion(this.region, regional);
    const forwarders = [...regional, ...(global ? [global] : [])];
    if (forwarders.length > 0) new CfnOutput(this, 'ForwarderRegions', { value: forwarders.join(',') });
    new CfnOutput(this, 'FailureQueueUrl', { value: w.failureQueue.queueUrl });
    new CfnOutput(this, 'DashboardName', {
      value: OperationsDashboard.of(w).dashboard.dashboardName,
      description: "layerwatch's health at a glance (CloudWatch dashboard; README: Operations)",
    });
  }

  /** A multi-region trail of write management events: without one, EventBridge receives nothing. */
  private createTrail(): cloudtrail.Trail {
    const bucket = new TrailBucket(this, 'TrailBucket', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      versioned: true,
      lifecycleRules: [
        {
          transitions: [
            { storageClass: s3.StorageClass.GLACIER_INSTANT_RETRIEVAL, transitionAfter: Duration.days(90) },
          ],
        },
      ],
      // Trail logs are evidence: they outlive the stack.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(bucket).acknowledge({
      id: 'AwsSolutions::AwsSolutions-S1',
      reason:
        'The bucket holds CloudTrail logs, which record every access to it; server access logs would log the logger.',
    });
    const trail = new cloudtrail.Trail(this, 'ManagementEventsTrail', {
      bucket,
      isMultiRegionTrail: true,
      includeGlobalServiceEvents: true,
      managementEvents: cloudtrail.ReadWriteType.WRITE_ONLY,
      enableFileValidation: true,
    });
    return trail;
  }
}

/**
 * The trail's bucket: CloudTrail's grants (which the Trail construct adds without a condition) are
 * limited to trails of this account and region (aws:SourceAccount, aws:SourceArn), so that no other
 * account's trail can write into it (CloudTrail user guide: bucket policy, confused deputy).
 */
class TrailBucket extends s3.Bucket {
  override addToResourcePolicy(statement: iam.PolicyStatement): iam.AddToResourcePolicyResult {
    if (
      statement.principals.some(
        (p) => p instanceof iam.ServicePrincipal && p.service === 'cloudtrail.amazonaws.com',
      )
    ) {
      const { partition, region, account } = Stack.of(this);
      statement.addCondition('StringEquals', { 'aws:SourceAccount': account });
      statement.addCondition('ArnLike', {
        'aws:SourceArn': `arn:${partition}:cloudtrail:${region}:${account}:trail/*`,
      });
    }
    return super.addToResourcePolicy(statement);
  }
}
