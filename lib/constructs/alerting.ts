import { Names, Validations } from 'aws-cdk-lib';
import * as chatbot from 'aws-cdk-lib/aws-chatbot';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import type { PublishTarget } from '../permissions.js';
import { encryptedTopic } from './encrypted-topic.js';

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
   * Email addresses subscribed to the operations topic (alarms and reports about the detector).
   * @default - `alertEmails` when the operations topic is created here; none for an existing one
   */
  readonly operationsEmails?: readonly string[];
  /**
   * An existing topic to publish alerts to instead of creating one.
   * @default - a new topic encrypted with a new customer-managed KMS key
   */
  readonly alertTopic?: sns.ITopic;
  /**
   * The customer-managed KMS key of `alertTopic`. Its key policy must let the detector's roles use
   * it (README: Prerequisites, existing topic).
   * @default - the existing topic is not encrypted with a customer-managed key
   */
  readonly alertTopicKey?: kms.IKey;
  /**
   * Where alarms and reports about the detector itself go. Its policy and key policy must let this
   * stack's alarms and rules publish (README: Prerequisites, existing topic).
   * @default - a topic of its own, encrypted with a key of its own: an alert about the alert topic
   * or its key (deleted, disabled, its policy changed) must not depend on that topic or key
   */
  readonly operationsTopic?: sns.ITopic;
  /**
   * The customer-managed KMS key of `operationsTopic` (README: Prerequisites, existing topic).
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

/**
 * Where people hear from the detector: the alert topic (findings) and the operations topic (alarms
 * and reports about the detector itself), each with its own key, so that a finding about one topic
 * or key (deleted, disabled, its policy changed) still reaches people through the other. Email
 * subscribers and the Slack channel hear both.
 */
export class Alerting extends Construct {
  public readonly alert: PublishTarget;
  public readonly operations: PublishTarget;

  constructor(scope: Construct, id: string, props: AlertingProps = {}) {
    super(scope, id);
    this.alert = props.alertTopic
      ? { topic: props.alertTopic, key: props.alertTopicKey }
      : encryptedTopic(this, 'AlertTopic', 'layerwatch alerts');
    this.operations = props.operationsTopic
      ? { topic: props.operationsTopic, key: props.operationsTopicKey }
      : encryptedTopic(this, 'OperationsTopic', 'layerwatch operations');
    const operationsEmails = props.operationsEmails ?? (props.operationsTopic ? [] : props.alertEmails);
    subscribe(this.alert.topic, props.alertEmails);
    subscribe(this.operations.topic, operationsEmails);
    if (props.slack) this.createSlackChannel(props.slack);
  }

  private createSlackChannel(slack: SlackChannel): void {
    const channel = new chatbot.SlackChannelConfiguration(this, 'SlackChannel', {
      slackChannelConfigurationName: Names.uniqueResourceName(this, { maxLength: 128, separator: '-' }),
      slackWorkspaceId: slack.workspaceId,
      slackChannelId: slack.channelId,
      notificationTopics: [this.alert.topic, this.operations.topic],
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

function subscribe(topic: sns.ITopic, emails: readonly string[] = []): void {
  for (const email of emails) topic.addSubscription(new subscriptions.EmailSubscription(email));
}
