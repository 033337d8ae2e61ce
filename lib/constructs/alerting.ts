import { Names, Stack, Validations } from 'aws-cdk-lib';
import * as chatbot from 'aws-cdk-lib/aws-chatbot';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import type { PublishTarget } from '../permissions.js';

export interface SlackChannel {
  /** Slack workspace (team) id as shown in the Amazon Q Developer console, e.g. `T0123ABCD`. */
  readonly workspaceId: string;
  /** Slack channel id, e.g. `C0123ABCD`. */
  readonly channelId: string;
}

export interface AlertingProps {
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
   * The customer-managed KMS key of `alertTopic`. Its key policy must let the detector's roles,
   * CloudWatch and EventBridge use it (README: Deploy, existing topic).
   * @default - the existing topic is not encrypted with a customer-managed key
   */
  readonly alertTopicKey?: kms.IKey;
  /**
   * Where alarms and reports about the detector itself go.
   * @default - the alert topic
   */
  readonly operationsTopic?: sns.ITopic;
  /**
   * The customer-managed KMS key of `operationsTopic` (same key policy as `alertTopicKey`).
   * @default - the operations topic is not encrypted with a customer-managed key
   */
  readonly operationsTopicKey?: kms.IKey;
  /**
   * Posts alerts in a Slack channel through Amazon Q Developer in chat applications.
   * The workspace must be authorized once in the console first.
   * @default - no Slack channel
   */
  readonly slack?: SlackChannel;
}

/** Where people hear from the detector: the alert topic (email, Slack) and the operations topic. */
export class Alerting extends Construct {
  public readonly alert: PublishTarget;
  public readonly operations: PublishTarget;

  constructor(scope: Construct, id: string, props: AlertingProps = {}) {
    super(scope, id);
    this.alert = props.alertTopic
      ? { topic: props.alertTopic, key: props.alertTopicKey }
      : this.createTopic();
    this.operations = props.operationsTopic
      ? { topic: props.operationsTopic, key: props.operationsTopicKey }
      : this.alert;
    for (const email of props.alertEmails ?? []) {
      this.alert.topic.addSubscription(new subscriptions.EmailSubscription(email));
    }
    if (props.slack) this.createSlackChannel(props.slack);
  }

  private createTopic(): PublishTarget {
    const key = new kms.Key(this, 'AlertTopicKey', {
      description: 'layerwatch: encrypts the alert topic',
      enableKeyRotation: true,
    });
    // CloudWatch alarms and EventBridge (relayed remote alarms) publish to the topic, with its key.
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [
          new iam.ServicePrincipal('cloudwatch.amazonaws.com'),
          new iam.ServicePrincipal('events.amazonaws.com'),
        ],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
    );
    const topic = new sns.Topic(this, 'AlertTopic', {
      displayName: 'layerwatch alerts',
      masterKey: key,
      enforceSSL: true,
    });
    return { topic, key };
  }

  private createSlackChannel(slack: SlackChannel): void {
    const channel = new chatbot.SlackChannelConfiguration(this, 'SlackChannel', {
      slackChannelConfigurationName: Names.uniqueResourceName(this, { maxLength: 128, separator: '-' }),
      slackWorkspaceId: slack.workspaceId,
      slackChannelId: slack.channelId,
      notificationTopics: [this.alert.topic],
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
}
