/** Typed domain values produced from untrusted CloudTrail JSON by `normalize` (cloudtrail.ts). */
import type { EventSelectors, TargetType } from './model-tamper.js';

export type { EventSelectors, TargetType } from './model-tamper.js';

export const EVENT_KINDS = [
  'UpdateFunctionConfiguration',
  'CreateFunction',
  'PublishLayerVersion',
  'AddLayerVersionPermission',
  'PublishVersion',
  'CreateAlias',
  'UpdateAlias',
  'DeleteAlias',
] as const;
/** The kind of every call that can blind or disarm layerwatch itself (see TamperEvent). */
export const TAMPER_KIND = 'Tamper';
/** The kind of a layer-setting call that IAM refused (see DeniedEvent). */
export const DENIED_KIND = 'Denied';
export type EventKind = (typeof EVENT_KINDS)[number] | typeof TAMPER_KIND | typeof DENIED_KIND;

export interface EventMeta {
  /** CloudTrail `eventID`. */
  id: string;
  /** The name exactly as CloudTrail logged it, e.g. `UpdateFunctionConfiguration20150331v2`. */
  name: string;
  kind: EventKind;
  /** ISO 8601, as logged. */
  time: string;
  /** Milliseconds since the epoch, for ordering. */
  timeMs: number;
  region: string;
  /** The account the call was made in (`recipientAccountId`, else the caller's account). */
  account: string;
  sourceIp: string | null;
  userAgent: string | null;
}

export interface Actor {
  type: string | null;
  arn: string | null;
  principalId: string | null;
  accountId: string | null;
  accessKeyId: string | null;
  userName: string | null;
  sessionIssuerArn: string | null;
  sessionIssuerType: string | null;
  mfaAuthenticated: boolean | null;
  invokedBy: string | null;
  sessionCreated: string | null;
  /** IAM Identity Center user behind the session, when CloudTrail names one. */
  onBehalfOfUserId: string | null;
  /** CloudTrail's `sessionCredentialFromConsole`: the credentials came from a console sign-in. */
  consoleSession: boolean;
}

export interface FunctionRef {
  arn: string;
  name: string;
  account: string;
  region: string;
  partition: string;
}

export interface LayerRef {
  /** Null when the version is not known (for example a failed lookup of an unversioned name). */
  versionArn: string | null;
  layerArn: string;
  account: string;
  region: string;
  name: string;
  version: number | null;
}

/**
 * A layer list as an event states it. `absent`: the event does not speak of layers.
 * `list`: the complete list after the call. `unreadable`: the event touched layers but in a shape
 * that cannot be read (the value is kept for the finding as evidence).
 */
export type LayerList =
  | { state: 'absent' }
  | { state: 'list'; layers: string[] }
  | { state: 'unreadable'; detail: string };

export interface FunctionDetails {
  runtime: string | null;
  role: string | null;
}

/**
 * What an UpdateFunctionConfiguration request set besides the function's name: the members as
 * CloudTrail logs them (`environment`, `role`, `handler`, `timeout`, `layers`...), and the names of
 * the environment variables when the record lists them (never their values: CloudTrail logs them
 * redacted, and the project keeps environment values out of every record it writes).
 */
export interface ConfigurationRequest {
  members: string[];
  /** Null when the record does not list the variables (CloudTrail redacts the environment). */
  environmentKeys: string[] | null;
}

interface EventBase {
  meta: EventMeta;
  actor: Actor;
}

export interface FunctionEvent extends EventBase {
  kind: 'UpdateFunctionConfiguration' | 'CreateFunction';
  fn: FunctionRef;
  /** What the caller asked for (`requestParameters.layers`). */
  requested: LayerList;
  /** What the API answered (`responseElements.layers`); `absent` when there is no response. */
  responded: LayerList;
  details: FunctionDetails;
  /** What the request set; absent when the event is no API request (a sweep's observation). */
  configured?: ConfigurationRequest;
  /** CreateFunction with `publish: true`: the version it published (version 1). */
  published?: VersionPublication;
}

/**
 * A published version, as the call that published it answered: a version's configuration is
 * immutable, so this is read once and kept. `PublishTo: LATEST_PUBLISHED` (Managed Instances) is
 * kept as asked.
 */
export interface VersionPublication {
  /** The version number, as Lambda names it (`8`). */
  version: string;
  /** The version's layers (`responseElements.layers`; a configuration without them has none). */
  layers: LayerList;
  codeSha256: string | null;
  /** `LATEST_PUBLISHED` when the publish activates a Managed Instances function, else null. */
  publishTo: string | null;
  /**
   * Lambda Managed Instances: the capacity provider the version runs on (its hosts are shared by
   * every function version on it); null or absent on Lambda's own fleet or when the record omits it.
   */
  capacityProvider?: string | null;
}

/** PublishVersion: a function's `$LATEST` frozen into a numbered version. */
export interface VersionEvent extends EventBase {
  kind: 'PublishVersion';
  fn: FunctionRef;
  published: VersionPublication;
}

/**
 * An alias's routing: the version it points to and the share of traffic sent to one more
 * (`routingConfig.additionalVersionWeights`: version -> weight between 0 and 1).
 */
export interface AliasRouting {
  /** Null when the request did not name it (UpdateAlias may change the weights only). */
  version: string | null;
  /** Null when the call did not speak of routing; `{}` when it cleared it. */
  weights: Record<string, number> | null;
}

/** CreateAlias, UpdateAlias, DeleteAlias. */
export interface AliasEvent extends EventBase {
  kind: 'CreateAlias' | 'UpdateAlias' | 'DeleteAlias';
  fn: FunctionRef;
  alias: string;
  /** What the call set (null for DeleteAlias). */
  routing: AliasRouting | null;
}

export interface PublishEvent extends EventBase {
  kind: 'PublishLayerVersion';
  layer: LayerRef;
  description: string | null;
  compatibleRuntimes: string[];
  codeSha256: string | null;
  codeSize: number | null;
}

export interface PermissionGrant {
  /** As the caller wrote it: `*`, an account id, or an account's root ARN. */
  principal: string;
  /**
   * The account the principal names, as a bare id or as that account's root ARN
   * (`arn:<partition>:iam::<id>:root`) in the layer's partition; null for `*` and anything else.
   */
  account: string | null;
  organizationId: string | null;
  action: string | null;
  statementId: string | null;
  /** `*` with no organization: every AWS account may use the layer version. */
  public: boolean;
}

export interface ShareEvent extends EventBase {
  kind: 'AddLayerVersionPermission';
  layer: LayerRef;
  permission: PermissionGrant;
}

/** The services whose calls can blind or disarm layerwatch (short names, as in IAM actions). */
export const TAMPER_SERVICES = [
  'cloudtrail',
  'events',
  'sns',
  'lambda',
  'kms',
  'dynamodb',
  'cloudwatch',
  'sqs',
  'iam',
  'cloudformation',
  'scheduler',
] as const;
export type TamperService = (typeof TAMPER_SERVICES)[number];

/**
 * CloudTrail's `eventSource` of each watched service; EventBridge's `source` is `aws.<service>`.
 * CloudWatch is the one whose event source differs from its name (`monitoring.amazonaws.com`).
 */
export const TAMPER_EVENT_SOURCES: Readonly<Record<TamperService, string>> = {
  cloudtrail: 'cloudtrail.amazonaws.com',
  events: 'events.amazonaws.com',
  sns: 'sns.amazonaws.com',
  lambda: 'lambda.amazonaws.com',
  kms: 'kms.amazonaws.com',
  dynamodb: 'dynamodb.amazonaws.com',
  cloudwatch: 'monitoring.amazonaws.com',
  sqs: 'sqs.amazonaws.com',
  iam: 'iam.amazonaws.com',
  cloudformation: 'cloudformation.amazonaws.com',
  scheduler: 'scheduler.amazonaws.com',
};

/**
 * Global services: CloudTrail delivers their events to EventBridge in us-east-1 only, so a
 * deployment homed elsewhere forwards them from there.
 */
export const GLOBAL_TAMPER_SERVICES: readonly TamperService[] = ['iam'];

/**
 * The calls watched for tampering, by service, without CloudTrail's API version suffix (Lambda logs
 * `DeleteFunction20150331`, `RemovePermission20150331v2`...). lib/event-patterns.ts builds the
 * tamper rules from this table; lib/blinding-surface.ts holds it against every write action of the
 * services of the resources the stacks own.
 */
export const TAMPER_CALLS: Readonly<Record<TamperService, readonly string[]>> = {
  cloudtrail: ['StopLogging', 'DeleteTrail', 'UpdateTrail', 'PutEventSelectors'],
  events: [
    'DisableRule',
    'DeleteRule',
    'RemoveTargets',
    'PutRule',
    'DeleteEventBus',
    'RemovePermission',
    'PutTargets',
    'PutPermission',
  ],
  sns: [
    'DeleteTopic',
    'Unsubscribe',
    'SetTopicAttributes',
    'RemovePermission',
    'SetSubscriptionAttributes',
    // A data protection policy can deny or mask every message that carries an account id or ARN.
    'PutDataProtectionPolicy',
  ],
  lambda: [
    'DeleteFunction',
    'PutFunctionConcurrency',
    'DeleteFunctionEventInvokeConfig',
    'RemovePermission',
    'UpdateFunctionCode',
    'UpdateFunctionConfiguration',
    'PutFunctionEventInvokeConfig',
    'UpdateFunctionEventInvokeConfig',
    // The whole resource-based policy of a function (`resourceArn`): EventBridge's permission to invoke it.
    'PutResourcePolicy',
    'DeleteResourcePolicy',
    // The sweep's workers take their pairs through event source mappings: disabled or deleted, no
    // pair is swept and the run is reported only when its hold ends.
    'UpdateEventSourceMapping',
    'DeleteEventSourceMapping',
  ],
  kms: ['DisableKey', 'ScheduleKeyDeletion', 'PutKeyPolicy'],
  dynamodb: ['DeleteTable', 'PutResourcePolicy'],
  // A mute rule silences the actions of the alarms it names, on its schedule.
  cloudwatch: ['DeleteAlarms', 'DisableAlarmActions', 'PutMetricAlarm', 'SetAlarmState', 'PutAlarmMuteRule'],
  sqs: ['DeleteQueue', 'PurgeQueue', 'SetQueueAttributes', 'RemovePermission'],
  iam: [
    'PutRolePolicy',
    'AttachRolePolicy',
    'DeleteRolePolicy',
    'DetachRolePolicy',
    'UpdateAssumeRolePolicy',
    'PutRolePermissionsBoundary',
    'DeleteRole',
    'UntagRole',
    // The member roles trust the detector's role by its tag `layerwatch:role`: a new value breaks that.
    'TagRole',
  ],
  cloudformation: [
    'UpdateStackSet',
    'DeleteStackInstances',
    'DeleteStackSet',
    'DeleteStack',
    // Overrides the member template's parameters in some accounts and regions.
    'UpdateStackInstances',
  ],
  scheduler: ['UpdateSchedule', 'DeleteSchedule'],
};

/** The resource a tampering call names: the finding's `target`. */
export interface TamperTarget {
  service: TamperService;
  type: TargetType;
  /** Null when the record does not say enough to build it (a KMS alias without `resources`). */
  arn: string | null;
  /**
   * As named in the call: trail, rule, bus, topic, function, table, alarm, queue, role, stack or
   * StackSet name; key id or alias; a schedule as `group/name`.
   */
  name: string;
}

/** A call that may blind or disarm layerwatch: a trail, or one of layerwatch's own resources. */
export interface TamperEvent extends EventBase {
  kind: typeof TAMPER_KIND;
  /** The operation without its API version: `StopLogging`, `DeleteFunction`, `RemovePermission`... */
  call: string;
  /** The resource the call names (the first, when it names several). */
  target: TamperTarget;
  /** Every further resource the same call names (DeleteAlarms and DisableAlarmActions take a list). */
  others: TamperTarget[];
  /**
   * The request parameters that decide whether the call blinds layerwatch, as logged: for example
   * `state` of PutRule, `reservedConcurrentExecutions`, `isMultiRegionTrail`, `statementId`,
   * `topicArn` (the topic an unsubscribed subscription belongs to). Small values only: a policy is
   * reduced to what decides (`deny`), a list to its names joined by commas, never an environment value.
   */
  parameters: Record<string, string | number | boolean | null>;
  /** PutEventSelectors only: the selectors as set (null for every other call). */
  selectors: EventSelectors | null;
  /** UpdateFunctionCode with `publish: true`: the version it published, and the function. */
  published?: { fn: FunctionRef; publication: VersionPublication };
  /** DeleteFunction with a version as Qualifier: that version of the function is gone. */
  deletedVersion?: { fn: FunctionRef; version: string };
}

/**
 * A CreateFunction or UpdateFunctionConfiguration that asked for layers and was refused with an
 * access denial (a `lambda:Layer` guardrail's explicit deny, or any other policy): an attempt, not a
 * change. Nothing changed on the function; who tried which layer is the finding.
 */
export interface DeniedEvent extends EventBase {
  kind: typeof DENIED_KIND;
  call: 'UpdateFunctionConfiguration' | 'CreateFunction';
  fn: FunctionRef;
  /** What the caller asked for; `absent` when the record does not carry the request. */
  requested: LayerList;
  /** CloudTrail's `errorCode` (`AccessDenied`, `AccessDeniedException`). */
  errorCode: string;
  errorMessage: string | null;
  /** What refused it, as the message says: a policy type with an explicit deny, or no allow. */
  denial: { explicit: boolean; policy: string | null };
}

export type LambdaEvent =
  | FunctionEvent
  | PublishEvent
  | ShareEvent
  | TamperEvent
  | VersionEvent
  | AliasEvent
  | DeniedEvent;

export function isAliasEvent(event: LambdaEvent): event is AliasEvent {
  return event.kind === 'CreateAlias' || event.kind === 'UpdateAlias' || event.kind === 'DeleteAlias';
}

/** The function whose qualifiers (versions, aliases) the event changes, if any. */
export function qualifierFunctionOf(event: LambdaEvent): FunctionRef | null {
  if (event.kind === 'PublishVersion' || isAliasEvent(event)) return event.fn;
  if (isFunctionEvent(event)) return event.published ? event.fn : null;
  if (event.kind === 'Tamper') return event.published?.fn ?? event.deletedVersion?.fn ?? null;
  return null;
}

/** The version an event published: PublishVersion, or CreateFunction / UpdateFunctionCode with `publish`. */
export function publicationOf(event: LambdaEvent): VersionPublication | null {
  if (event.kind === 'PublishVersion') return event.published;
  if (isFunctionEvent(event)) return event.published ?? null;
  if (event.kind === 'Tamper') return event.published?.publication ?? null;
  return null;
}

export function isFunctionEvent(event: LambdaEvent): event is FunctionEvent {
  return event.kind === 'UpdateFunctionConfiguration' || event.kind === 'CreateFunction';
}
