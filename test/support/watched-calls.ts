/**
 * One successful CloudTrail record per watched call (TAMPER_CALLS) on a layerwatch resource, with
 * the event name CloudTrail logs (Lambda's carry the API version: `UpdateFunctionCode20150331v2`,
 * `PutFunctionEventInvokeConfig20190925`; CloudWatch's event source is `monitoring.amazonaws.com`),
 * and the calls that switch a rule off or aim it elsewhere.
 */
import { TAMPER_CALLS, TAMPER_SERVICES, type TamperService } from '../../lambda/domain/model.js';
import { ACCOUNT, REGION, type Rec } from './records.js';
import { call, KEY_ARN, OWN } from './tamper-records.js';

const OWN_ROLE = 'LayerWatch-LayerWatchDetectorHandlerServiceRole5C0B2E1F-1A2B3C4D5E6F';
const OWN_QUEUE = `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/LayerWatch-LayerWatchDetectorFailureQueue7E3C1B2A-Xy9Zw8Vu7Ts6`;
const OWN_ALARM = 'LayerWatch-LayerWatchOperationsHandlerErrorsAlarm4D2F1A0B-QWERTY123456';

/**
 * The request parameters of each watched call on a layerwatch resource, by service and call, with
 * the event name CloudTrail logs (Lambda's carry the API version it was called with).
 */
const WATCHED: Readonly<Record<TamperService, Readonly<Record<string, [string, Rec, Rec?]>>>> = {
  cloudtrail: {
    StopLogging: ['StopLogging', { name: OWN.trail }],
    DeleteTrail: ['DeleteTrail', { name: OWN.trail }],
    UpdateTrail: ['UpdateTrail', { name: OWN.trail, isMultiRegionTrail: false }],
    PutEventSelectors: ['PutEventSelectors', { trailName: OWN.trail, eventSelectors: [] }],
  },
  events: {
    DisableRule: ['DisableRule', { name: OWN.tamperRule }],
    DeleteRule: ['DeleteRule', { name: OWN.detectorRule, force: false }],
    RemoveTargets: ['RemoveTargets', { rule: OWN.detectorRule, ids: ['Target0'] }],
    PutRule: ['PutRule', { name: OWN.detectorRule, state: 'DISABLED' }],
    DeleteEventBus: ['DeleteEventBus', { name: 'default' }],
    RemovePermission: ['RemovePermission', { statementId: 'layerwatch-organization-put-events' }],
    PutTargets: [
      'PutTargets',
      { rule: OWN.detectorRule, targets: [{ id: 'Target0', arn: 'arn:aws:sqs:us-east-1:999988887777:q' }] },
    ],
    PutPermission: ['PutPermission', { policy: '{"Statement":[]}' }],
  },
  sns: {
    DeleteTopic: ['DeleteTopic', { topicArn: OWN.topicArn }],
    Unsubscribe: ['Unsubscribe', { subscriptionArn: `${OWN.topicArn}:0b1f5c2e-0000-4000-8000-000000000000` }],
    SetTopicAttributes: [
      'SetTopicAttributes',
      { topicArn: OWN.topicArn, attributeName: 'Policy', attributeValue: '{}' },
    ],
    RemovePermission: ['RemovePermission', { topicArn: OWN.topicArn, label: 'events' }],
    SetSubscriptionAttributes: [
      'SetSubscriptionAttributes',
      {
        subscriptionArn: `${OWN.topicArn}:0b1f5c2e-0000-4000-8000-000000000000`,
        attributeName: 'FilterPolicy',
        attributeValue: '{"x":["y"]}',
      },
    ],
    PutDataProtectionPolicy: [
      'PutDataProtectionPolicy',
      { resourceArn: OWN.topicArn, dataProtectionPolicy: '{"Statement":[]}' },
    ],
  },
  lambda: {
    DeleteFunction: ['DeleteFunction20150331', { functionName: OWN.handler }],
    PutFunctionConcurrency: [
      'PutFunctionConcurrency20171031',
      { functionName: OWN.handler, reservedConcurrentExecutions: 0 },
    ],
    DeleteFunctionEventInvokeConfig: [
      'DeleteFunctionEventInvokeConfig20190925',
      { functionName: OWN.handler },
    ],
    RemovePermission: ['RemovePermission20150331v2', { functionName: OWN.handler, statementId: 'events' }],
    UpdateFunctionCode: ['UpdateFunctionCode20150331v2', { functionName: OWN.handler, publish: false }],
    UpdateFunctionConfiguration: [
      'UpdateFunctionConfiguration20150331v2',
      { functionName: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${OWN.handler}`, timeout: 1 },
    ],
    PutFunctionEventInvokeConfig: [
      'PutFunctionEventInvokeConfig20190925',
      { functionName: OWN.handler, maximumRetryAttempts: 0 },
    ],
    UpdateFunctionEventInvokeConfig: [
      'UpdateFunctionEventInvokeConfig20190925',
      { functionName: OWN.handler, maximumEventAgeInSeconds: 60 },
    ],
    PutResourcePolicy: [
      'PutResourcePolicy',
      { resourceArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${OWN.handler}`, policy: '{}' },
    ],
    DeleteResourcePolicy: [
      'DeleteResourcePolicy',
      { resourceArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${OWN.handler}` },
    ],
    UpdateEventSourceMapping: [
      'UpdateEventSourceMapping20150331',
      { uUID: 'a1b2c3d4-5678-90ab-cdef-11111EXAMPLE', functionName: OWN.sweep, enabled: false },
    ],
    // Named by the mapping's id alone: the response says whose mapping it was.
    DeleteEventSourceMapping: [
      'DeleteEventSourceMapping20150331',
      { uUID: 'a1b2c3d4-5678-90ab-cdef-11111EXAMPLE' },
      {
        uUID: 'a1b2c3d4-5678-90ab-cdef-11111EXAMPLE',
        functionArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${OWN.sweep}`,
        state: 'Deleting',
      },
    ],
  },
  kms: {
    DisableKey: ['DisableKey', { keyId: OWN.keyId }],
    ScheduleKeyDeletion: ['ScheduleKeyDeletion', { keyId: KEY_ARN, pendingWindowInDays: 7 }],
    PutKeyPolicy: ['PutKeyPolicy', { keyId: OWN.keyId, policyName: 'default', policy: '{}' }],
  },
  dynamodb: {
    DeleteTable: ['DeleteTable', { tableName: OWN.table }],
    PutResourcePolicy: [
      'PutResourcePolicy',
      { resourceArn: `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${OWN.table}`, policy: '{}' },
    ],
  },
  cloudwatch: {
    DeleteAlarms: ['DeleteAlarms', { alarmNames: [OWN_ALARM] }],
    DisableAlarmActions: ['DisableAlarmActions', { alarmNames: [OWN_ALARM] }],
    PutMetricAlarm: ['PutMetricAlarm', { alarmName: OWN_ALARM, threshold: 1000000 }],
    SetAlarmState: ['SetAlarmState', { alarmName: OWN_ALARM, stateValue: 'OK', stateReason: 'x' }],
    PutAlarmMuteRule: ['PutAlarmMuteRule', { name: 'quiet', muteTargets: { alarmNames: [OWN_ALARM] } }],
  },
  sqs: {
    DeleteQueue: ['DeleteQueue', { queueUrl: OWN_QUEUE }],
    PurgeQueue: ['PurgeQueue', { queueUrl: OWN_QUEUE }],
    SetQueueAttributes: ['SetQueueAttributes', { queueUrl: OWN_QUEUE, attributes: { Policy: '{}' } }],
    RemovePermission: ['RemovePermission', { queueUrl: OWN_QUEUE, label: 'events' }],
  },
  iam: {
    PutRolePolicy: ['PutRolePolicy', { roleName: OWN_ROLE, policyName: 'deny', policyDocument: '{}' }],
    AttachRolePolicy: [
      'AttachRolePolicy',
      { roleName: OWN_ROLE, policyArn: 'arn:aws:iam::aws:policy/AWSDenyAll' },
    ],
    DeleteRolePolicy: ['DeleteRolePolicy', { roleName: OWN_ROLE, policyName: 'default' }],
    DetachRolePolicy: [
      'DetachRolePolicy',
      { roleName: OWN_ROLE, policyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' },
    ],
    UpdateAssumeRolePolicy: ['UpdateAssumeRolePolicy', { roleName: OWN_ROLE, policyDocument: '{}' }],
    PutRolePermissionsBoundary: [
      'PutRolePermissionsBoundary',
      { roleName: OWN_ROLE, permissionsBoundary: 'arn:aws:iam::aws:policy/AWSDenyAll' },
    ],
    DeleteRole: ['DeleteRole', { roleName: OWN_ROLE }],
    UntagRole: ['UntagRole', { roleName: OWN_ROLE, tagKeys: ['layerwatch:role'] }],
    TagRole: ['TagRole', { roleName: OWN_ROLE, tags: [{ key: 'layerwatch:role', value: 'none' }] }],
  },
  cloudformation: {
    UpdateStackSet: [
      'UpdateStackSet',
      { stackSetName: `layerwatch-member-${REGION}`, usePreviousTemplate: false },
    ],
    DeleteStackInstances: [
      'DeleteStackInstances',
      { stackSetName: `layerwatch-member-${REGION}`, retainStacks: false },
    ],
    DeleteStackSet: ['DeleteStackSet', { stackSetName: `layerwatch-member-${REGION}` }],
    DeleteStack: ['DeleteStack', { stackName: 'LayerWatch' }],
    UpdateStackInstances: [
      'UpdateStackInstances',
      { stackSetName: `layerwatch-member-${REGION}`, parameterOverrides: [] },
    ],
  },
  scheduler: {
    UpdateSchedule: [
      'UpdateSchedule',
      { name: 'layerwatch-heartbeat', groupName: 'default', state: 'DISABLED' },
    ],
    DeleteSchedule: ['DeleteSchedule', { name: 'layerwatch-heartbeat', groupName: 'default' }],
  },
};

/** One successful record per watched call (TAMPER_CALLS) on a layerwatch resource. */
export function everyWatchedCall(): Rec[] {
  return TAMPER_SERVICES.flatMap((service) =>
    TAMPER_CALLS[service].map((watched) => {
      const entry = WATCHED[service][watched];
      if (!entry) throw new Error(`event corpus: no record for ${service} ${watched}`);
      const [eventName, parameters, response] = entry;
      return call(service === 'cloudwatch' ? 'monitoring' : service, eventName, parameters, response);
    }),
  );
}

/** The calls that switch a rule off or aim it elsewhere, with the parameter that names the rule. */
export const RULE_CALLS: readonly (readonly [string, (name: string) => Rec])[] = [
  ['DisableRule', (name) => ({ name })],
  ['DeleteRule', (name) => ({ name, force: false })],
  ['PutRule', (name) => ({ name, eventPattern: '{"source":["aws.nothing"]}', state: 'ENABLED' })],
  [
    'PutTargets',
    (rule) => ({ rule, targets: [{ id: 'Target0', arn: 'arn:aws:sqs:us-east-1:999988887777:q' }] }),
  ],
  ['RemoveTargets', (rule) => ({ rule, ids: ['Target0'], force: false })],
];
