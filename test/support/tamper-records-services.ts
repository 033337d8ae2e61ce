/**
 * CloudTrail records of the calls that change what a layerwatch resource does (targets, policies,
 * code, configuration, alarms, queues, roles, stacks, schedules), as CloudTrail logs them: each
 * request's members in camelCase, Lambda's versioned event names, CloudWatch's source
 * `monitoring.amazonaws.com`, IAM's in us-east-1. Aimed at the resources of a default deployment.
 */
import { ACCOUNT, REGION, type Rec, updateFunctionConfiguration } from './records.js';
import { tamperCase as c, call, DENY_ALL, KEY_ARN, OWN, type TamperCase } from './tamper-call.js';
import { roleCalls, stackCalls } from './tamper-records-roles.js';

const HANDLER_ARN = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${OWN.handler}`;
const QUEUE_URL = `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/${OWN.failureQueue}`;
const SUBSCRIPTION = `${OWN.topicArn}:5b5e6f70-1a2b-4c3d-9e8f-0a1b2c3d4e5f`;
const keyResources = { resources: [{ accountId: ACCOUNT, type: 'AWS::KMS::Key', ARN: KEY_ARN }] };

/** The rule calls that blind: targets that rewrite events or point elsewhere, a replaced bus statement. */
function eventsCalls(): TamperCase[] {
  return [
    c(
      'PutTargets (InputTransformer)',
      true,
      call(
        'events',
        'PutTargets',
        {
          rule: OWN.detectorRule,
          targets: [
            {
              id: 'Target0',
              arn: HANDLER_ARN,
              inputTransformer: {
                inputPathsMap: { time: '$.time' },
                inputTemplate: '{"detail-type":"Scheduled Event","time":<time>}',
              },
            },
          ],
        },
        { failedEntryCount: 0, failedEntries: [] },
      ),
    ),
    c(
      'PutTargets (another account)',
      true,
      call('events', 'PutTargets', {
        rule: OWN.forwardRule,
        targets: [{ id: 'Target0', arn: 'arn:aws:events:us-east-1:999988887777:event-bus/default' }],
      }),
    ),
    c(
      'PutPermission (organization statement)',
      true,
      call('events', 'PutPermission', {
        eventBusName: 'default',
        action: 'events:PutEvents',
        principal: '999988887777',
        statementId: 'layerwatch-organization-put-events',
      }),
    ),
  ];
}

function lambdaCalls(): TamperCase[] {
  return [
    c(
      'UpdateFunctionCode (handler)',
      true,
      call(
        'lambda',
        'UpdateFunctionCode20150331v2',
        { functionName: OWN.handler, publish: false, dryRun: false },
        { functionName: OWN.handler, functionArn: HANDLER_ARN, codeSha256: 'q1w2e3r4t5y6u7i8o9p0=' },
      ),
    ),
    c(
      'UpdateFunctionCode (sweep, by ARN)',
      true,
      call('lambda', 'UpdateFunctionCode20150331v2', {
        functionName: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${OWN.sweep}`,
        s3Bucket: 'builds-111122223333',
        s3Key: 'sweep.zip',
      }),
    ),
    c(
      'PutFunctionEventInvokeConfig (handler)',
      false,
      call('lambda', 'PutFunctionEventInvokeConfig20190925', {
        functionName: OWN.handler,
        maximumRetryAttempts: 0,
        maximumEventAgeInSeconds: 60,
      }),
    ),
    c(
      'UpdateFunctionEventInvokeConfig (heartbeat, partial ARN)',
      false,
      call('lambda', 'UpdateFunctionEventInvokeConfig20190925', {
        functionName: `${ACCOUNT}:function:${OWN.heartbeat}:$LATEST`,
        destinationConfig: { onFailure: { destination: 'arn:aws:sqs:us-east-1:999988887777:sink' } },
      }),
    ),
    c(
      'PutFunctionConcurrency (heartbeat)',
      true,
      call('lambda', 'PutFunctionConcurrency20171031', {
        functionName: OWN.heartbeat,
        reservedConcurrentExecutions: 0,
      }),
    ),
  ];
}

function policyCalls(): TamperCase[] {
  return [
    c(
      'SetSubscriptionAttributes (FilterPolicy)',
      true,
      call('sns', 'SetSubscriptionAttributes', {
        subscriptionArn: SUBSCRIPTION,
        attributeName: 'FilterPolicy',
        attributeValue: '{"severity":["none"]}',
      }),
    ),
    c(
      'PutDataProtectionPolicy (topic)',
      true,
      call('sns', 'PutDataProtectionPolicy', { resourceArn: OWN.topicArn, dataProtectionPolicy: '{}' }),
    ),
    c(
      'PutKeyPolicy',
      true,
      call(
        'kms',
        'PutKeyPolicy',
        { keyId: OWN.keyId, policyName: 'default', policy: DENY_ALL, bypassPolicyLockoutSafetyCheck: false },
        null,
        keyResources,
      ),
    ),
    c(
      'PutResourcePolicy (table)',
      false,
      call('dynamodb', 'PutResourcePolicy', {
        resourceArn: `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${OWN.table}`,
        policy: DENY_ALL,
      }),
    ),
  ];
}

function alarmCalls(): TamperCase[] {
  return [
    c(
      'DeleteAlarms (one of them layerwatch)',
      true,
      call('cloudwatch', 'DeleteAlarms', { alarmNames: ['payments-latency', OWN.alarm] }),
    ),
    c('DisableAlarmActions', true, call('cloudwatch', 'DisableAlarmActions', { alarmNames: [OWN.alarm] })),
    c(
      'PutMetricAlarm (actions disabled)',
      true,
      call('cloudwatch', 'PutMetricAlarm', {
        alarmName: OWN.alarm,
        actionsEnabled: false,
        alarmActions: [OWN.topicArn],
        metricName: 'Heartbeat',
        namespace: 'LayerWatch',
        statistic: 'Sum',
        period: 3600,
        evaluationPeriods: 2,
        threshold: 1,
        comparisonOperator: 'LessThanThreshold',
        treatMissingData: 'breaching',
      }),
    ),
    c(
      'PutAlarmMuteRule',
      true,
      call('cloudwatch', 'PutAlarmMuteRule', {
        name: 'quiet-hours',
        rule: { schedule: { expression: 'cron(0 0 * * ? *)', duration: 'PT24H' } },
        muteTargets: { alarmNames: [OWN.alarm] },
      }),
    ),
    c('PutAlarmMuteRule (every alarm)', true, call('cloudwatch', 'PutAlarmMuteRule', { name: 'all' })),
    c(
      'SetAlarmState (OK)',
      false,
      call('cloudwatch', 'SetAlarmState', {
        alarmName: OWN.alarm,
        stateValue: 'OK',
        stateReason: 'maintenance',
      }),
    ),
  ];
}

function queueCalls(): TamperCase[] {
  return [
    c('DeleteQueue', false, call('sqs', 'DeleteQueue', { queueUrl: QUEUE_URL })),
    c('PurgeQueue', false, call('sqs', 'PurgeQueue', { queueUrl: QUEUE_URL })),
    c(
      'SetQueueAttributes (retention)',
      false,
      call('sqs', 'SetQueueAttributes', {
        queueUrl: QUEUE_URL,
        attributes: { MessageRetentionPeriod: '60' },
      }),
    ),
    c(
      'RemovePermission (queue)',
      false,
      call('sqs', 'RemovePermission', { queueUrl: QUEUE_URL, label: 'events' }),
    ),
  ];
}

/** One record per call of these services, each tampering with a layerwatch resource. */
export function serviceTamperingCalls(): TamperCase[] {
  return [
    ...eventsCalls(),
    ...lambdaCalls(),
    ...policyCalls(),
    ...alarmCalls(),
    ...queueCalls(),
    ...roleCalls(),
    ...stackCalls(),
  ];
}

/** The same calls on other teams' resources, or leaving layerwatch intact: nothing fires. */
export function serviceHarmlessCalls(): { label: string; record: Rec }[] {
  const other = `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/payments-dlq`;
  return [
    {
      label: 'PutTargets on another rule',
      record: call('events', 'PutTargets', {
        rule: 'payments-nightly',
        targets: [{ id: '1', arn: 'arn:aws:lambda:us-east-1:111122223333:function:payments', input: '{}' }],
      }),
    },
    {
      label: 'SetSubscriptionAttributes on another topic',
      record: call('sns', 'SetSubscriptionAttributes', {
        subscriptionArn: `arn:aws:sns:${REGION}:${ACCOUNT}:payments-alerts:0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b`,
        attributeName: 'FilterPolicy',
        attributeValue: '{}',
      }),
    },
    {
      label: 'UpdateFunctionCode of another function',
      record: call('lambda', 'UpdateFunctionCode20150331v2', { functionName: 'payments-api' }),
    },
    {
      label: 'UpdateFunctionCode dry run on the handler',
      record: call('lambda', 'UpdateFunctionCode20150331v2', { functionName: OWN.handler, dryRun: true }),
    },
    {
      label: 'PutMetricAlarm of another alarm',
      record: call('cloudwatch', 'PutMetricAlarm', { alarmName: 'payments-latency', actionsEnabled: false }),
    },
    {
      label: 'DeleteAlarms of other alarms',
      record: call('cloudwatch', 'DeleteAlarms', { alarmNames: ['payments-latency', 'payments-errors'] }),
    },
    { label: 'PurgeQueue of another queue', record: call('sqs', 'PurgeQueue', { queueUrl: other }) },
    {
      label: 'PutRolePolicy on another role',
      record: call('iam', 'PutRolePolicy', {
        roleName: 'payments-api-role',
        policyName: 'x',
        policyDocument: DENY_ALL,
      }),
    },
    {
      label: 'UntagRole of another tag on a layerwatch role',
      record: call('iam', 'UntagRole', { roleName: OWN.handlerRole, tagKeys: ['cost-center'] }),
    },
    {
      label: 'DeleteStack of another stack',
      record: call('cloudformation', 'DeleteStack', { stackName: 'payments' }),
    },
    {
      label: 'UpdateSchedule of another schedule',
      record: call('scheduler', 'UpdateSchedule', { name: 'payments-nightly', state: 'DISABLED' }),
    },
    {
      label: 'PutKeyPolicy of another key',
      record: call('kms', 'PutKeyPolicy', {
        keyId: '99999999-0000-4000-8000-000000000000',
        policy: DENY_ALL,
      }),
    },
  ];
}

/**
 * UpdateFunctionConfiguration of layerwatch's own functions: read as a function event (the layer
 * story), judged as tampering. CloudTrail logs `environment` without its variables.
 */
export function ownFunctionChanges(): (TamperCase & { layer?: string })[] {
  const layer = 'arn:aws:lambda:us-east-1:999988887777:layer:quiet:3';
  // Distinct times: the changes of one function follow each other, whatever order a reader sees.
  let minute = 0;
  const at = () => {
    minute += 1;
    return `2026-03-14T10:${String(minute).padStart(2, '0')}:00Z`;
  };
  const update = (fn: string, o: Parameters<typeof updateFunctionConfiguration>[1]) =>
    updateFunctionConfiguration(fn, { ...o, time: at() });
  return [
    c('environment of the handler', true, update(OWN.handler, { request: { environment: {} } })),
    c(
      'role of the handler',
      true,
      update(OWN.handler, { request: { role: `arn:aws:iam::${ACCOUNT}:role/other` } }),
    ),
    c('timeout of the sweep', true, update(OWN.sweep, { request: { timeout: 1 } })),
    { ...c('a layer on the handler', true, update(OWN.handler, { layers: [layer] })), layer },
    c('memory of the heartbeat', false, update(OWN.heartbeat, { request: { memorySize: 128 } })),
    { ...c('a layer on the canary', false, update(OWN.canary, { layers: [layer] })), layer },
  ];
}
