/**
 * A corpus of EventBridge events built from CloudTrail records, each labelled with whether the
 * detector must receive it: every successful layer-relevant Lambda call (versioned and bare names)
 * and every refused attach (an access denial of UpdateFunctionConfiguration or CreateFunction), but
 * no other failed call and no other Lambda call, however similar its name. Records come from the
 * repository's examples (examples/cloudtrail, examples/eventbridge) and from builders modelled on
 * real CloudTrail shapes (test/support/records.ts).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { TAMPER_CALLS, TAMPER_EVENT_SOURCES, TAMPER_SERVICES } from '../../lambda/domain/model.js';
import {
  addLayerVersionPermission,
  createFunction,
  denied,
  failed,
  layerArn,
  publishLayerVersion,
  type Rec,
  updateFunctionConfiguration,
} from './records.js';
import { call, failedCall, harmlessCalls, tamperingCalls } from './tamper-records.js';
import { createAlias, deleteAlias, publishVersion, updateAlias } from './version-records.js';
import { everyWatchedCall, RULE_CALLS } from './watched-calls.js';

export interface CorpusEvent {
  /** Unique per event (the CloudTrail eventID): how arrivals are recognized. */
  readonly id: string;
  /** For messages: where it comes from and what it is. */
  readonly label: string;
  /** Whether a rule for layer-relevant Lambda calls must deliver it. */
  readonly relevant: boolean;
  /**
   * Whether the tamper rule must deliver it: a successful call of a watched name from a watched
   * service (the handler then judges the resource and the parameters).
   */
  readonly tamper: boolean;
  /** The event as EventBridge delivers it. */
  readonly event: Rec;
  /** A rule call (RULE_CALLS): the name of the rule it disables, deletes, re-targets or re-patterns. */
  readonly touches?: string;
}

/** The calls whose records can change or share a function's layers (CloudTrail names, with or without API version). */
const LAYER_RELEVANT =
  /^(UpdateFunctionConfiguration|CreateFunction|PublishLayerVersion|AddLayerVersionPermission|PublishVersion|CreateAlias|UpdateAlias|DeleteAlias)(\d{8}(v\d+)?)?$/;

/** A refused attach: an access denial of a call whose request carries `lambda:Layer`. */
const DENIED_ATTACH = /^(UpdateFunctionConfiguration|CreateFunction)(\d{8}(v\d+)?)?$/;

function isRelevant(record: Rec): boolean {
  if (record.eventSource !== 'lambda.amazonaws.com') return false;
  if (record.errorCode === 'AccessDenied' || record.errorCode === 'AccessDeniedException')
    return DENIED_ATTACH.test(String(record.eventName));
  return record.errorCode === undefined && LAYER_RELEVANT.test(String(record.eventName));
}

const WATCHED_SOURCES = TAMPER_SERVICES.map((s) => TAMPER_EVENT_SOURCES[s]);
const WATCHED_NAMES = new Set(Object.values(TAMPER_CALLS).flat());
const VERSIONED = TAMPER_CALLS.lambda.map((c) => `${c}20`);

function isTamperCandidate(record: Rec): boolean {
  const name = String(record.eventName);
  return (
    WATCHED_SOURCES.includes(String(record.eventSource)) &&
    record.errorCode === undefined &&
    (WATCHED_NAMES.has(name) || VERSIONED.some((p) => name.startsWith(p)))
  );
}

/** Every rule call (RULE_CALLS) on each named rule. */
function ruleCalls(ruleNames: readonly string[]): { record: Rec; touches: string }[] {
  return [...new Set(ruleNames)].flatMap((name) =>
    RULE_CALLS.map(([eventName, parameters]) => ({
      record: call('events', eventName, parameters(name)),
      touches: name,
    })),
  );
}

/** Calls that can blind layerwatch, the same on other resources, failed ones, and look-alikes. */
function tamperRecords(): Rec[] {
  const tampering = [...tamperingCalls().map((c) => c.record), ...everyWatchedCall()];
  return [
    ...tampering,
    ...harmlessCalls().map((c) => c.record),
    ...tampering.map((r) => failedCall(r)),
    call('events', 'EnableRule', { name: 'LayerWatch-LayerWatchDetectorLambdaLayerEvents' }),
    call('cloudtrail', 'StartLogging', { name: 'management-events' }),
    call('cloudtrail', 'DescribeTrails', { trailNameList: [] }, null, { readOnly: true }),
    call('lambda', 'DeleteFunctionUrlConfig20211031', { functionName: 'payments-api' }),
    call('lambda', 'DeleteFunctionConcurrency20171031', { functionName: 'payments-api' }),
    call('kms', 'Decrypt', { encryptionAlgorithm: 'SYMMETRIC_DEFAULT' }, null, { readOnly: true }),
    call('sns', 'Publish', { topicArn: 'arn:aws:sns:us-east-1:111122223333:payments' }),
    call('dynamodb', 'DeleteBackup', {
      backupArn: 'arn:aws:dynamodb:us-east-1:111122223333:table/t/backup/b',
    }),
    // A watched name from a service that is not watched.
    call('glue', 'DeleteTable', { databaseName: 'logs', name: 'cloudtrail' }),
    call('iam', 'CreateRole', { roleName: 'payments-role' }),
    call('sqs', 'DeleteMessage', { queueUrl: 'https://sqs.us-east-1.amazonaws.com/111122223333/payments' }),
    call('monitoring', 'DeleteDashboards', { dashboardNames: ['payments'] }),
    call('scheduler', 'CreateSchedule', { name: 'payments-nightly', groupName: 'default' }),
  ];
}

/** EventBridge's source for a CloudTrail eventSource: `aws.<service>` (CloudWatch logs `monitoring`). */
function sourceOf(eventSource: string): string {
  const watched = TAMPER_SERVICES.find((s) => TAMPER_EVENT_SOURCES[s] === eventSource);
  return `aws.${watched ?? eventSource.replace('.amazonaws.com', '')}`;
}

/** Wraps a CloudTrail record as EventBridge delivers it (source from the record's eventSource). */
export function asEvent(record: Rec): Rec {
  return {
    version: '0',
    id: `e-${String(record.eventID)}`,
    'detail-type': 'AWS API Call via CloudTrail',
    source: sourceOf(String(record.eventSource)),
    account: record.recipientAccountId,
    time: record.eventTime,
    region: record.awsRegion,
    resources: [],
    detail: record,
  };
}

let seq = 0;
function id(): string {
  seq += 1;
  return `c0ffee00-0000-4000-8000-${String(seq).padStart(12, '0')}`;
}

/** Another Lambda call, shaped as CloudTrail logs it. */
function lambdaCall(eventName: string, requestParameters: Rec, extra: Rec = {}): Rec {
  return {
    ...updateFunctionConfiguration('payments-api', { id: id() }),
    eventName,
    requestParameters,
    responseElements: null,
    ...extra,
  };
}

function written(): Rec[] {
  const shared = layerArn('shared-deps', 3);
  const implant = layerArn('perf-monitor-extension', 1, '444455556666');
  return [
    updateFunctionConfiguration('payments-api', { id: id(), layers: [shared, implant] }),
    updateFunctionConfiguration('payments-api', {
      id: id(),
      layers: [shared],
      eventName: 'UpdateFunctionConfiguration',
    }),
    updateFunctionConfiguration('payments-api', {
      id: id(),
      layers: [implant],
      eventName: 'UpdateFunctionConfiguration20150331',
    }),
    createFunction('orders-api', { id: id(), layers: [implant] }),
    createFunction('orders-api', { id: id(), layers: [implant], eventName: 'CreateFunction' }),
    publishLayerVersion('perf-monitor-extension', 1, { id: id() }),
    { ...publishLayerVersion('perf-monitor-extension', 2, { id: id() }), eventName: 'PublishLayerVersion' },
    addLayerVersionPermission('perf-monitor-extension', 1, '*', { id: id() }),
    {
      ...addLayerVersionPermission('shared-deps', 3, '999988887777', { id: id() }),
      eventName: 'AddLayerVersionPermission',
    },
    // Versions and aliases: what callers of a qualifier run.
    publishVersion('payments-api', '8', { id: id(), layers: [shared, implant] }),
    { ...publishVersion('payments-api', '9', { id: id() }), eventName: 'PublishVersion' },
    createAlias('payments-api', 'prod', '8', { id: id() }),
    updateAlias('payments-api', 'prod', '8', { id: id(), weights: { '9': 0.05 } }),
    { ...updateAlias('payments-api', 'prod', '9', { id: id() }), eventName: 'UpdateAlias20150331v2' },
    deleteAlias('payments-api', 'canary', { id: id() }),
    failed(publishVersion('payments-api', '10', { id: id() }), 'ResourceConflictException'),
    failed(updateAlias('payments-api', 'prod', '10', { id: id() }), 'ResourceNotFoundException'),
    lambdaCall('GetAlias20150331', { functionName: 'payments-api', name: 'prod' }, { readOnly: true }),
    lambdaCall('ListAliases20150331', { functionName: 'payments-api' }, { readOnly: true }),
    lambdaCall('ListVersionsByFunction20150331', { functionName: 'payments-api' }, { readOnly: true }),
    failed(updateFunctionConfiguration('payments-api', { id: id(), layers: [implant] })),
    // Refused attaches: a lambda:Layer guardrail's explicit deny, and a missing permission.
    denied(updateFunctionConfiguration('payments-api', { id: id(), layers: [implant] })),
    denied(
      createFunction('orders-api', { id: id(), layers: [implant] }),
      'because no identity-based policy allows the lambda:CreateFunction action',
      'AccessDeniedException',
    ),
    denied({ ...createFunction('orders-api', { id: id(), layers: [implant] }), eventName: 'CreateFunction' }),
    failed(lambdaCall('CreateFunctionUrlConfig20211031', { functionName: 'payments-api', authType: 'NONE' })),
    failed(publishLayerVersion('perf-monitor-extension', 4, { id: id() })),
    failed(createFunction('orders-api', { id: id(), layers: [implant] }), 'InvalidParameterValueException'),
    failed(publishLayerVersion('perf-monitor-extension', 3, { id: id() }), 'ResourceConflictException'),
    failed(
      addLayerVersionPermission('perf-monitor-extension', 1, '*', { id: id() }),
      'AccessDeniedException',
    ),
    lambdaCall(
      'Invoke',
      { functionName: 'payments-api' },
      { eventCategory: 'Data', managementEvent: false, readOnly: false },
    ),
    lambdaCall('GetFunction20150331v2', { functionName: 'payments-api' }, { readOnly: true }),
    lambdaCall('GetFunction', { functionName: 'payments-api' }, { readOnly: true }),
    lambdaCall('CreateFunctionUrlConfig20211031', { functionName: 'payments-api', authType: 'NONE' }),
    lambdaCall('UpdateFunctionUrlConfig20211031', { functionName: 'payments-api', authType: 'NONE' }),
    lambdaCall('CreateEventSourceMapping20150331', { functionName: 'payments-api', batchSize: 10 }),
    lambdaCall('PutFunctionConcurrency20171031', {
      functionName: 'payments-api',
      reservedConcurrentExecutions: 5,
    }),
    lambdaCall('UpdateFunctionCode20150331v2', { functionName: 'payments-api', publish: true }),
    lambdaCall('AddPermission20150331v2', {
      functionName: 'payments-api',
      statementId: 'public',
      action: 'lambda:InvokeFunction',
      principal: '*',
    }),
  ];
}

/** Records of the repository's examples: CloudTrail log files and EventBridge captures. */
function examples(root: string): { record: Rec; from: string }[] {
  const out: { record: Rec; from: string }[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.json.gz')) {
        const log = JSON.parse(gunzipSync(readFileSync(path)).toString('utf8')) as { Records: Rec[] };
        for (const record of log.Records) out.push({ record, from: entry.name });
      }
    }
  };
  walk(join(root, 'examples', 'cloudtrail'));
  const captures = readFileSync(join(root, 'examples', 'eventbridge', 'lambda-events.jsonl'), 'utf8');
  for (const line of captures.split('\n').filter((l) => l.trim() !== '')) {
    out.push({ record: (JSON.parse(line) as { detail: Rec }).detail, from: 'lambda-events.jsonl' });
  }
  return out;
}

/** The whole corpus; every event has a distinct eventID. */
export function eventCorpus(root = process.cwd(), ruleNames: readonly string[] = []): CorpusEvent[] {
  const all: { record: Rec; from: string; touches?: string }[] = [
    ...examples(root),
    ...written().map((record) => ({ record, from: 'written' })),
    ...tamperRecords().map((record) => ({ record, from: 'tamper' })),
    ...ruleCalls(ruleNames).flatMap(({ record, touches }) => [
      { record, from: 'rule call', touches },
      { record: failedCall(record), from: 'rule call', touches },
    ]),
  ];
  const events = all.map(({ record, from, touches }) => ({
    ...(touches ? { touches } : {}),
    id: String(record.eventID),
    label: `${String(record.eventName)}${touches ? ` on ${touches}` : ''}${record.errorCode ? ` (${String(record.errorCode)})` : ''} [${from}]`,
    relevant: isRelevant(record),
    tamper: isTamperCandidate(record),
    event: asEvent(record),
  }));
  const ids = new Set(events.map((e) => e.id));
  if (ids.size !== events.length) throw new Error('event corpus: eventIDs are not unique');
  return events;
}
