/**
 * CloudTrail records of the calls that can blind or disarm layerwatch, shaped as CloudTrail logs
 * them (requestParameters in the API's camelCase members, Lambda's versioned event names, KMS's
 * `resources` with the key ARN), aimed at the resources of a default deployment (stack LayerWatch).
 */
import { ACCOUNT, REGION, type Rec } from './records.js';
import { call, KEY_ARN, nextId, OWN, TRAIL_ARN } from './tamper-call.js';
import {
  ownFunctionChanges,
  serviceHarmlessCalls,
  serviceTamperingCalls,
} from './tamper-records-services.js';

export { call, KEY_ARN, OWN, ownFunctionChanges };

const keyResources = { resources: [{ accountId: ACCOUNT, type: 'AWS::KMS::Key', ARN: KEY_ARN }] };

/** One record per watched call, each tampering with the trail or a layerwatch resource. */
export function tamperingCalls(): { label: string; record: Rec; critical: boolean }[] {
  const trailResponse = {
    name: OWN.trail,
    s3BucketName: 'trail-logs-111122223333',
    includeGlobalServiceEvents: true,
    isMultiRegionTrail: false,
    trailARN: TRAIL_ARN,
    logFileValidationEnabled: true,
    isOrganizationTrail: false,
  };
  return [
    { label: 'StopLogging', critical: true, record: call('cloudtrail', 'StopLogging', { name: TRAIL_ARN }) },
    { label: 'DeleteTrail', critical: true, record: call('cloudtrail', 'DeleteTrail', { name: OWN.trail }) },
    {
      label: 'UpdateTrail (single region)',
      critical: false,
      record: call(
        'cloudtrail',
        'UpdateTrail',
        { name: OWN.trail, isMultiRegionTrail: false },
        trailResponse,
      ),
    },
    {
      label: 'PutEventSelectors (read-only)',
      critical: true,
      record: call(
        'cloudtrail',
        'PutEventSelectors',
        {
          trailName: OWN.trail,
          eventSelectors: [
            {
              readWriteType: 'ReadOnly',
              includeManagementEvents: true,
              dataResources: [],
              excludeManagementEventSources: [],
            },
          ],
        },
        { trailARN: TRAIL_ARN },
      ),
    },
    {
      label: 'PutEventSelectors (advanced, Lambda excluded)',
      critical: true,
      record: call('cloudtrail', 'PutEventSelectors', {
        trailName: TRAIL_ARN,
        advancedEventSelectors: [
          {
            name: 'Management events but Lambda',
            fieldSelectors: [
              { field: 'eventCategory', equals: ['Management'] },
              { field: 'eventSource', notEquals: ['lambda.amazonaws.com'] },
            ],
          },
        ],
      }),
    },
    {
      label: 'DisableRule',
      critical: true,
      record: call('events', 'DisableRule', { name: OWN.detectorRule }),
    },
    {
      label: 'DeleteRule',
      critical: true,
      record: call('events', 'DeleteRule', { name: OWN.forwardRule, force: false }),
    },
    {
      label: 'RemoveTargets',
      critical: true,
      record: call(
        'events',
        'RemoveTargets',
        { rule: OWN.tamperRule, ids: ['Target0'], force: false },
        { failedEntryCount: 0, failedEntries: [] },
      ),
    },
    {
      label: 'PutRule (DISABLED)',
      critical: true,
      record: call(
        'events',
        'PutRule',
        { name: OWN.detectorRule, state: 'DISABLED', eventPattern: '{"source":["aws.lambda"]}' },
        { ruleArn: `arn:aws:events:${REGION}:${ACCOUNT}:rule/${OWN.detectorRule}` },
      ),
    },
    {
      label: 'RemovePermission (bus)',
      critical: true,
      record: call('events', 'RemovePermission', {
        statementId: 'layerwatch-organization-put-events',
        eventBusName: 'default',
      }),
    },
    { label: 'DeleteTopic', critical: true, record: call('sns', 'DeleteTopic', { topicArn: OWN.topicArn }) },
    {
      label: 'Unsubscribe',
      critical: false,
      record: call('sns', 'Unsubscribe', {
        subscriptionArn: `${OWN.topicArn}:5b5e6f70-1a2b-4c3d-9e8f-0a1b2c3d4e5f`,
      }),
    },
    {
      label: 'SetTopicAttributes',
      critical: false,
      record: call('sns', 'SetTopicAttributes', {
        topicArn: OWN.topicArn,
        attributeName: 'KmsMasterKeyId',
        attributeValue: 'alias/aws/sns',
      }),
    },
    {
      label: 'RemovePermission (topic)',
      critical: false,
      record: call('sns', 'RemovePermission', { topicArn: OWN.topicArn, label: 'EventBridgePublish' }),
    },
    {
      label: 'DeleteFunction',
      critical: true,
      record: call('lambda', 'DeleteFunction20150331', { functionName: OWN.handler }),
    },
    {
      label: 'PutFunctionConcurrency (0)',
      critical: true,
      record: call(
        'lambda',
        'PutFunctionConcurrency20171031',
        {
          functionName: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${OWN.handler}`,
          reservedConcurrentExecutions: 0,
        },
        { reservedConcurrentExecutions: 0 },
      ),
    },
    {
      label: 'DeleteFunctionEventInvokeConfig',
      critical: false,
      record: call('lambda', 'DeleteFunctionEventInvokeConfig20190925', { functionName: OWN.handler }),
    },
    {
      label: 'RemovePermission (function)',
      critical: false,
      record: call('lambda', 'RemovePermission20150331v2', {
        functionName: OWN.handler,
        statementId: 'LayerWatchDetectorRuleAllowEventRule',
      }),
    },
    {
      label: 'DisableKey',
      critical: true,
      record: call('kms', 'DisableKey', { keyId: OWN.keyId }, null, keyResources),
    },
    {
      label: 'ScheduleKeyDeletion',
      critical: true,
      record: call(
        'kms',
        'ScheduleKeyDeletion',
        { keyId: 'alias/layerwatch-alerts', pendingWindowInDays: 7 },
        {
          keyId: KEY_ARN,
          deletionDate: 'Mar 21, 2026, 12:00:00 AM',
          keyState: 'PendingDeletion',
          pendingWindowInDays: 7,
        },
        keyResources,
      ),
    },
    {
      label: 'DeleteTable',
      critical: true,
      record: call(
        'dynamodb',
        'DeleteTable',
        { tableName: OWN.table },
        {
          tableDescription: {
            tableName: OWN.table,
            tableArn: `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${OWN.table}`,
            tableStatus: 'DELETING',
          },
        },
      ),
    },
    ...serviceTamperingCalls(),
  ];
}

/** The same calls on resources that are not layerwatch's, or that leave it intact: nothing fires. */
export function harmlessCalls(): { label: string; record: Rec }[] {
  return [
    {
      label: 'UpdateTrail keeping regions and bucket',
      record: call('cloudtrail', 'UpdateTrail', { name: OWN.trail, enableLogFileValidation: true }),
    },
    {
      label: 'PutEventSelectors keeping write management events',
      record: call('cloudtrail', 'PutEventSelectors', {
        trailName: OWN.trail,
        eventSelectors: [
          {
            readWriteType: 'All',
            includeManagementEvents: true,
            dataResources: [{ type: 'AWS::S3::Object', values: ['arn:aws:s3:::payments/'] }],
            excludeManagementEventSources: ['rdsdata.amazonaws.com'],
          },
        ],
      }),
    },
    {
      label: 'DisableRule of another rule',
      record: call('events', 'DisableRule', { name: 'payments-nightly' }),
    },
    {
      label: 'PutRule ENABLED',
      record: call('events', 'PutRule', { name: OWN.detectorRule, state: 'ENABLED', eventPattern: '{}' }),
    },
    {
      label: 'RemovePermission of another statement',
      record: call('events', 'RemovePermission', { statementId: 'partner-bus', eventBusName: 'default' }),
    },
    {
      label: 'DeleteTopic of another topic',
      record: call('sns', 'DeleteTopic', { topicArn: `arn:aws:sns:${REGION}:${ACCOUNT}:payments-alerts` }),
    },
    {
      label: 'Unsubscribe from another topic',
      record: call('sns', 'Unsubscribe', {
        subscriptionArn: `arn:aws:sns:${REGION}:${ACCOUNT}:payments-alerts:0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b`,
      }),
    },
    {
      label: 'DeleteFunction of another function',
      record: call('lambda', 'DeleteFunction20150331', { functionName: 'payments-api' }),
    },
    {
      label: 'PutFunctionConcurrency 5',
      record: call('lambda', 'PutFunctionConcurrency20171031', {
        functionName: OWN.handler,
        reservedConcurrentExecutions: 5,
      }),
    },
    {
      label: 'PutFunctionConcurrency 0 on the canary',
      record: call('lambda', 'PutFunctionConcurrency20171031', {
        functionName: OWN.canary,
        reservedConcurrentExecutions: 0,
      }),
    },
    {
      label: 'DisableKey of another key',
      record: call('kms', 'DisableKey', { keyId: '99999999-0000-4000-8000-000000000000' }, null, {
        resources: [
          {
            accountId: ACCOUNT,
            type: 'AWS::KMS::Key',
            ARN: `arn:aws:kms:${REGION}:${ACCOUNT}:key/99999999-0000-4000-8000-000000000000`,
          },
        ],
      }),
    },
    {
      label: 'DeleteTable of another table',
      record: call('dynamodb', 'DeleteTable', { tableName: 'payments' }),
    },
    ...serviceHarmlessCalls(),
  ];
}

/** A call as CloudTrail logs it when it failed. */
export function failedCall(record: Rec, errorCode = 'AccessDenied'): Rec {
  return {
    ...record,
    eventID: nextId(),
    errorCode,
    errorMessage: 'User is not authorized to perform this operation',
    responseElements: null,
  };
}
