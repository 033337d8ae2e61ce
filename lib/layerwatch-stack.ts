import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { LayerWatch, type SlackChannel } from './layerwatch.js';

/** Everything the app reads from context, validated (see bin/config.ts). */
export interface LayerWatchConfig {
  readonly alertEmails: readonly string[];
  readonly alertTopicArn?: string;
  readonly alertTopicKmsKeyArn?: string;
  readonly operationsTopicArn?: string;
  readonly slack?: SlackChannel;
  readonly logRetention: logs.RetentionDays;
  readonly memorySize: number;
  /** Detection settings document (validated in bin/config.ts). */
  readonly settings?: Record<string, unknown>;
}

export interface LayerWatchStackProps extends StackProps {
  readonly config: LayerWatchConfig;
}

export class LayerWatchStack extends Stack {
  public readonly layerWatch: LayerWatch;

  constructor(scope: Construct, id: string, props: LayerWatchStackProps) {
    super(scope, id, props);
    const { config } = props;
    this.layerWatch = new LayerWatch(this, 'LayerWatch', {
      alertEmails: config.alertEmails,
      alertTopic: config.alertTopicArn
        ? sns.Topic.fromTopicArn(this, 'ExistingAlertTopic', config.alertTopicArn)
        : undefined,
      alertTopicKey: config.alertTopicKmsKeyArn
        ? kms.Key.fromKeyArn(this, 'ExistingAlertTopicKey', config.alertTopicKmsKeyArn)
        : undefined,
      operationsTopic: config.operationsTopicArn
        ? sns.Topic.fromTopicArn(this, 'OperationsTopic', config.operationsTopicArn)
        : undefined,
      slack: config.slack,
      logRetention: config.logRetention,
      memorySize: config.memorySize,
      settings: config.settings,
    });
    const w = this.layerWatch;
    new CfnOutput(this, 'AlertTopicArn', {
      value: w.alertTopic.topicArn,
      description: 'Subscribe here for alerts',
    });
    new CfnOutput(this, 'BaselineTableName', { value: w.baselineTable.tableName });
    new CfnOutput(this, 'HandlerName', { value: w.handler.functionName });
    new CfnOutput(this, 'RuleDeadLetterQueueUrl', { value: w.ruleDeadLetterQueue.queueUrl });
    new CfnOutput(this, 'FailureQueueUrl', { value: w.failureQueue.queueUrl });
  }
}
