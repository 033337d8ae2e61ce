/**
 * The blinding surface: every write action that can change what a resource of layerwatch's stacks
 * does. It is derived, not written: each resource type the synthesized templates create maps to the
 * IAM service and resource type AWS's action data files it under, and every action of that resource
 * whose name begins with Put, Update, Set, Delete, Disable, Purge or Remove (for roles also Tag,
 * Untag, Attach, Detach) is either watched (TAMPER_CALLS: detector-tampered judges it) or on the
 * allow-list below with the reason it cannot blind layerwatch. test/lib/blinding-surface.test.ts
 * holds the templates of every mode and the IAM action data against this file: a new resource type
 * or a new action in the data, neither watched nor allowed, fails the build. The reasons are
 * product documentation (README, "Watching itself").
 */
import { TAMPER_CALLS, TAMPER_SERVICES, type TamperService } from '../lambda/domain/model.js';

/** Where IAM files the actions on a resource: the service prefix and the resource type's name. */
export interface IamResource {
  readonly service: string;
  readonly resourceType: string;
}

/**
 * Each CloudFormation type the stacks create (and the stacks themselves), by the IAM resource its
 * calls act on; a type whose calls act on no resource of its own says why.
 */
export const RESOURCE_TYPES: Readonly<Record<string, IamResource | { readonly none: string }>> = {
  'AWS::CloudFormation::Stack': { service: 'cloudformation', resourceType: 'stack' },
  'AWS::CloudFormation::StackSet': { service: 'cloudformation', resourceType: 'stackset' },
  'AWS::CloudTrail::Trail': { service: 'cloudtrail', resourceType: 'trail' },
  'AWS::CloudWatch::Alarm': { service: 'cloudwatch', resourceType: 'alarm' },
  'AWS::CloudWatch::Dashboard': { service: 'cloudwatch', resourceType: 'dashboard' },
  'AWS::Chatbot::SlackChannelConfiguration': { service: 'chatbot', resourceType: 'ChatbotConfiguration' },
  'AWS::DynamoDB::GlobalTable': { service: 'dynamodb', resourceType: 'table' },
  'AWS::DynamoDB::Table': { service: 'dynamodb', resourceType: 'table' },
  'AWS::Events::EventBusPolicy': { service: 'events', resourceType: 'event-bus' },
  'AWS::Events::Rule': { service: 'events', resourceType: 'rule-on-default-event-bus' },
  'AWS::IAM::Policy': { service: 'iam', resourceType: 'role' },
  'AWS::IAM::Role': { service: 'iam', resourceType: 'role' },
  'AWS::KMS::Key': { service: 'kms', resourceType: 'key' },
  'AWS::Lambda::EventInvokeConfig': { service: 'lambda', resourceType: 'function' },
  'AWS::Lambda::EventSourceMapping': { service: 'lambda', resourceType: 'eventSourceMapping' },
  'AWS::Lambda::Function': { service: 'lambda', resourceType: 'function' },
  'AWS::Lambda::Permission': { service: 'lambda', resourceType: 'function' },
  'AWS::Lambda::Version': { service: 'lambda', resourceType: 'function' },
  'AWS::Logs::LogGroup': { service: 'logs', resourceType: 'log-group' },
  'AWS::S3::Bucket': { service: 's3', resourceType: 'bucket' },
  'AWS::S3::BucketPolicy': { service: 's3', resourceType: 'bucket' },
  'AWS::SNS::Subscription': { service: 'sns', resourceType: 'topic' },
  'AWS::SNS::Topic': { service: 'sns', resourceType: 'topic' },
  'AWS::SNS::TopicPolicy': { service: 'sns', resourceType: 'topic' },
  'AWS::SQS::Queue': { service: 'sqs', resourceType: 'queue' },
  'AWS::SQS::QueuePolicy': { service: 'sqs', resourceType: 'queue' },
  'AWS::Scheduler::Schedule': { service: 'scheduler', resourceType: 'schedule' },
  // IAM files the custom action's calls (and every other account-wide Security Hub call) under the hub.
  'AWS::SecurityHub::ActionTarget': { service: 'securityhub', resourceType: 'hub' },
  'AWS::CloudFormation::WaitConditionHandle': {
    none: "a placeholder with no state or API of its own: it keeps a member stack instance that creates nothing else (the detector's own account and region) valid",
  },
  'Custom::Trigger': {
    none: 'a custom resource runs once, at deployment (the initial sweep): changing it means changing the stack',
  },
};

/**
 * Actions the IAM data files under no resource type that act on one of these resources all the same
 * (a bus's policy statements), by `service/resourceType`.
 */
export const UNTYPED_ACTIONS: Readonly<Record<string, readonly string[]>> = {
  'events/event-bus': ['PutPermission', 'RemovePermission'],
};

const WRITE = /^(Put|Update|Set|Delete|Disable|Purge|Remove)/;
const ROLE_WRITE = /^(Tag|Untag|Attach|Detach)/;

/** True when an action of that name changes what a resource of that type does. */
export function isWriteAction(resource: IamResource, action: string): boolean {
  return WRITE.test(action) || (resource.service === 'iam' && ROLE_WRITE.test(action));
}

const reasons = (actions: readonly string[], reason: string) =>
  Object.fromEntries(actions.map((a) => [a, reason]));

/** Every write action layerwatch does not watch, with the reason it cannot blind it. */
export const ALLOWED: Readonly<Record<string, string>> = {
  ...reasons(
    ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
    'item writes are data events, which a trail does not log unless asked to, and the handler reads and writes its own items; a lost baseline makes the next change diff against nothing, which the finding names as a gap',
  ),
  ...reasons(
    [
      'dynamodb:UpdateGlobalTable',
      'dynamodb:UpdateGlobalTableSettings',
      'dynamodb:UpdateGlobalTableVersion',
      'dynamodb:DeleteTableReplica',
      'dynamodb:DeleteGlobalTableWitness',
      'dynamodb:UpdateTableReplicaAutoScaling',
    ],
    "the state table has one replica, in the home region: replica settings add or remove copies elsewhere (deleting the table's own replica is DeleteTable, watched)",
  ),
  ...reasons(
    [
      'dynamodb:UpdateTable',
      'dynamodb:UpdateContinuousBackups',
      'dynamodb:UpdateContributorInsights',
      'dynamodb:UpdateKinesisStreamingDestination',
      'dynamodb:DisableKinesisStreamingDestination',
    ],
    'capacity, class, streams, backups and metrics: none changes what the handler reads or writes',
  ),
  'dynamodb:UpdateTimeToLive':
    "expiry is set on `expiresAt` (idempotency, correlation and cache records); another attribute expires only items holding a time in epoch seconds of the last five years there, and a baseline's one number is a small revision count",
  'dynamodb:DeleteResourcePolicy':
    'removing the table policy only widens who may use the table: the stack puts none, so nothing the handler needs is taken',
  ...reasons(['kms:DeleteAlias', 'kms:UpdateAlias'], 'layerwatch names its keys by ARN, never by alias'),
  'kms:DeleteImportedKeyMaterial':
    'layerwatch keys are made by KMS (origin AWS_KMS): they have no imported material',
  'kms:DisableKeyRotation':
    'rotation keeps the old material: without it, every encryption and decryption still works',
  'kms:UpdateKeyDescription': 'a description changes nothing the key does',
  'kms:UpdatePrimaryRegion': 'layerwatch keys are single-Region keys: there is no replica to promote',
  ...reasons(
    [
      'securityhub:DeleteActionTarget',
      'securityhub:UpdateActionTarget',
      'securityhub:DisableSecurityHub',
      'securityhub:DisableImportFindingsForProduct',
      'securityhub:UpdateSecurityHubConfiguration',
      'securityhub:UpdateOrganizationConfiguration',
      'securityhub:DisableOrganizationAdminAccount',
      'securityhub:DeleteInvitations',
      'securityhub:DeleteMembers',
      'securityhub:DeleteInsight',
      'securityhub:UpdateInsight',
      'securityhub:UpdateFindings',
      'securityhub:UpdateStandardsControl',
    ],
    "Security Hub holds only the containment's custom action (containment on) and copies of findings: a deleted or renamed action, or Security Hub turned off, takes the one-click button away (a person reverts with the CLI instead), never changes a function; findings reach the alert topic before Security Hub",
  ),
  'sqs:DeleteMessage':
    'consuming a message is a data call of the queue, not a change of it; a queue emptied at once is PurgeQueue, watched',
  ...reasons(
    [
      'logs:DeleteLogGroup',
      'logs:PutRetentionPolicy',
      'logs:DeleteRetentionPolicy',
      'logs:PutLogGroupDeletionProtection',
      'logs:PutSubscriptionFilter',
      'logs:DeleteSubscriptionFilter',
      'logs:PutMetricFilter',
      'logs:DeleteMetricFilter',
      'logs:PutDataProtectionPolicy',
      'logs:DeleteDataProtectionPolicy',
      'logs:PutTransformer',
      'logs:DeleteTransformer',
      'logs:PutSyslogConfiguration',
      'logs:DeleteSyslogConfiguration',
      'logs:PutBearerTokenAuthentication',
    ],
    'logs are evidence, not detection: findings go to the topic directly, never through a log; what is kept, for how long and where it is copied changes the record of what happened (the operational metrics written as log lines lose their alarm data, and the heartbeat still proves detection)',
  ),
  'iam:DeleteRolePermissionsBoundary':
    'removing a boundary only widens what the role may do; layerwatch puts none on its roles',
  'iam:DeleteServiceLinkedRole': 'layerwatch roles are not service-linked: the call cannot name them',
  'iam:UpdateRole': "a role's description or maximum session length: the runtimes' sessions are Lambda's own",
  'iam:UpdateRoleDescription': 'a description changes nothing the role may do',
  ...reasons(
    ['lambda:DeleteAlias', 'lambda:UpdateAlias'],
    "layerwatch uses no aliases: its rules invoke the functions' unqualified ARNs",
  ),
  ...reasons(
    ['lambda:DeleteFunctionUrlConfig', 'lambda:UpdateFunctionUrlConfig'],
    'layerwatch functions have no function URL: only EventBridge and the schedules invoke them',
  ),
  ...reasons(
    [
      'lambda:PutFunctionCodeSigningConfig',
      'lambda:UpdateFunctionCodeSigningConfig',
      'lambda:DeleteFunctionCodeSigningConfig',
    ],
    'code signing decides which code a later deployment may upload, not what runs now; the code itself is UpdateFunctionCode, watched',
  ),
  'lambda:DeleteFunctionConcurrency':
    'removing a reserve lets a function run more, never less (the canary may then run, but it runs nothing that a watched code change did not put there)',
  'lambda:DisableReplication': 'Lambda@Edge replication: layerwatch functions are not replicated',
  'lambda:PutFunctionRecursionConfig':
    'recursive loop detection: layerwatch functions invoke nothing that invokes them',
  'lambda:PutFunctionScalingConfig':
    'scaling of Lambda Managed Instances (capacity providers): layerwatch functions run on the default compute',
  'lambda:PutRuntimeManagementConfig':
    'which runtime version runs the same code: an older one is still a supported runtime; the code and handler are watched',
  'events:PutEvents':
    'putting events on a bus does not change it, and no caller can put events whose source is an AWS service (aws.*)',
  'events:UpdateEventBus':
    "a bus's description, dead-letter queue or key: the default bus carries CloudTrail's events whatever is set (a key the rules cannot use is a known gap: not watched yet, the heartbeat shows it)",
  ...reasons(
    ['cloudwatch:PutDashboard', 'cloudwatch:DeleteDashboards'],
    'the operations dashboard only shows what the metrics and alarms say: a changed or deleted dashboard silences no alarm and drops no alert (the alarms are watched), and `layerwatch status` reads the same metrics without it',
  ),
  ...reasons(
    ['cloudwatch:PutCompositeAlarm', 'cloudwatch:PutLogAlarm'],
    'layerwatch has metric alarms only: a composite or log alarm of the same name is another alarm, and fails while the metric alarm exists',
  ),
  ...reasons(
    [
      'chatbot:UpdateSlackChannelConfiguration',
      'chatbot:DeleteSlackChannelConfiguration',
      'chatbot:UpdateMicrosoftTeamsChannelConfiguration',
      'chatbot:DeleteMicrosoftTeamsChannelConfiguration',
      'chatbot:UpdateChimeWebhookConfiguration',
      'chatbot:DeleteChimeWebhookConfiguration',
    ],
    "Slack is one subscriber of the alert topic: changing the chat channel loses chat, not email, and the topic's subscriptions are watched (Unsubscribe, SetSubscriptionAttributes)",
  ),
  ...reasons(
    [
      's3:DeleteBucket',
      's3:DeleteBucketMetadataTableConfiguration',
      's3:DeleteBucketPolicy',
      's3:DeleteBucketWebsite',
      's3:PutAccelerateConfiguration',
      's3:PutAnalyticsConfiguration',
      's3:PutBucketAbac',
      's3:PutBucketAcl',
      's3:PutBucketCORS',
      's3:PutBucketLogging',
      's3:PutBucketNotification',
      's3:PutBucketObjectLockConfiguration',
      's3:PutBucketOwnershipControls',
      's3:PutBucketPolicy',
      's3:PutBucketPublicAccessBlock',
      's3:PutBucketRequestPayment',
      's3:PutBucketTagging',
      's3:PutBucketVersioning',
      's3:PutBucketWebsite',
      's3:PutEncryptionConfiguration',
      's3:PutIntelligentTieringConfiguration',
      's3:PutInventoryConfiguration',
      's3:PutLifecycleConfiguration',
      's3:PutMetricsConfiguration',
      's3:PutReplicationConfiguration',
      's3:UpdateBucketMetadataAnnotationTableConfiguration',
      's3:UpdateBucketMetadataInventoryTableConfiguration',
      's3:UpdateBucketMetadataJournalTableConfiguration',
    ],
    "the trail's bucket (when layerwatch creates the trail) holds log files, the offline scan's and Athena's evidence: a change there loses history, not detection: a trail that cannot deliver to its bucket still logs, and EventBridge still receives its events (the trail itself is watched)",
  ),
  'cloudtrail:PutEventConfiguration':
    'CloudTrail Lake event data stores and aggregated events: what a trail delivers to EventBridge stays as it is',
  'cloudtrail:PutInsightSelectors':
    'Insights events are another kind of event: management events keep flowing',
  'cloudtrail:RemoveTags': "a trail's tags change nothing it logs",
  'cloudformation:DeleteChangeSet': 'a change set that is not executed changes nothing',
  'cloudformation:SetStackPolicy':
    'a stack policy only stops updates of the stack: it can keep layerwatch as it is, never change it',
  'cloudformation:UpdateStack':
    "a stack update changes layerwatch's resources through the calls CloudFormation then makes on each of them, every one watched here and named CloudFormation's",
  'cloudformation:UpdateTerminationProtection':
    'protection against deletion: DeleteStack is watched either way',
};

/** True when detector-tampered watches the action (`service:Action`). */
export function isWatched(action: string): boolean {
  const [service, call] = action.split(':');
  return (
    (TAMPER_SERVICES as readonly string[]).includes(service ?? '') &&
    TAMPER_CALLS[service as TamperService].includes(call ?? '')
  );
}

export interface Surface {
  /** Every write action of the stacks' resources that detector-tampered watches. */
  watched: string[];
  /** Every one it does not, with the reason. */
  allowed: { action: string; reason: string }[];
  /** Neither watched nor allowed: each one is a gap. */
  gaps: string[];
  /** Resource types the stacks create that RESOURCE_TYPES does not know. */
  unknownTypes: string[];
}

/** An action of the IAM action data: its name and the resource types it acts on. */
export interface IamAction {
  readonly name: string;
  readonly resourceTypes: readonly string[];
}

/** The surface of the given resource types, from the IAM action data of their services. */
export function blindingSurface(
  cfnTypes: Iterable<string>,
  actionsOf: (service: string) => readonly IamAction[],
): Surface {
  const actions = new Set<string>();
  const unknownTypes: string[] = [];
  for (const type of [...new Set(cfnTypes)].sort()) {
    const resource = RESOURCE_TYPES[type];
    if (!resource) unknownTypes.push(type);
    if (!resource || 'none' in resource) continue;
    const untyped = UNTYPED_ACTIONS[`${resource.service}/${resource.resourceType}`] ?? [];
    for (const action of actionsOf(resource.service)) {
      const acts = action.resourceTypes.some((r) => r.toLowerCase() === resource.resourceType.toLowerCase());
      if ((acts || untyped.includes(action.name)) && isWriteAction(resource, action.name))
        actions.add(`${resource.service}:${action.name}`);
    }
  }
  const sorted = [...actions].sort();
  return {
    watched: sorted.filter(isWatched),
    allowed: sorted
      .filter((a) => !isWatched(a) && ALLOWED[a] !== undefined)
      .map((action) => ({ action, reason: ALLOWED[action] as string })),
    gaps: sorted.filter((a) => !isWatched(a) && ALLOWED[a] === undefined),
    unknownTypes,
  };
}

/** The allow-list as a Markdown table, one row per reason (DETECTIONS.md shows it; a test keeps it equal). */
export function allowListMarkdown(): string {
  const byReason = new Map<string, string[]>();
  for (const [action, reason] of Object.entries(ALLOWED))
    byReason.set(reason, [...(byReason.get(reason) ?? []), action]);
  const rows = [...byReason].map(
    ([reason, actions]) => `| ${actions.map((a) => `\`${a}\``).join(', ')} | ${reason} |`,
  );
  return ['| not watched | why it cannot blind layerwatch |', '| --- | --- |', ...rows].join('\n');
}
