/**
 * Reads the CloudTrail records of calls that can blind or disarm layerwatch (TAMPER_CALLS) into a
 * typed `TamperEvent`: which resource the call names, and the request parameters that decide
 * whether it blinds the detector. Whether it does is the detection's call
 * (detections/detector-tampered.ts); this file only reads the shapes CloudTrail logs.
 */
import { partitionOf, resolveFunction } from './arn.js';
import { otherServiceParameters, otherServiceTarget } from './cloudtrail-tamper-services.js';
import { bool, isObject, type Json, num, str, strings, type Where } from './cloudtrail-values.js';
import {
  type Actor,
  type EventMeta,
  type EventSelectors,
  TAMPER_CALLS,
  TAMPER_EVENT_SOURCES,
  TAMPER_KIND,
  TAMPER_SERVICES,
  type TamperEvent,
  type TamperService,
  type TamperTarget,
} from './model.js';

/**
 * Every event name CloudTrail logs for the watched calls (TAMPER_CALLS), exactly as logged, by
 * service: for lookups that match names exactly (CloudTrail's LookupEvents, SQL `IN`). The other
 * services log bare names; Lambda appends the API version of the call (`DeleteFunction20150331`,
 * `RemovePermission20150331v2`), and older records carry the bare name. tamperCallOf accepts each.
 * Built by a call marked pure: the handler never reads it, and a bare spread would keep it in its bundle.
 */
export const TAMPER_EVENT_NAMES: Readonly<Record<TamperService, readonly string[]>> =
  /* @__PURE__ */ (() => ({
    ...TAMPER_CALLS,
    lambda: [
      'DeleteFunction20150331',
      'DeleteFunction',
      'PutFunctionConcurrency20171031',
      'PutFunctionConcurrency',
      'DeleteFunctionEventInvokeConfig20190925',
      'DeleteFunctionEventInvokeConfig',
      'RemovePermission20150331v2',
      'RemovePermission20150331',
      'RemovePermission',
      'UpdateFunctionCode20150331v2',
      'UpdateFunctionCode20150331',
      'UpdateFunctionCode',
      // Read as a function event (the layer story), and judged by detector-tampered too.
      'UpdateFunctionConfiguration20150331v2',
      'UpdateFunctionConfiguration20150331',
      'UpdateFunctionConfiguration',
      'PutFunctionEventInvokeConfig20190925',
      'PutFunctionEventInvokeConfig',
      'UpdateFunctionEventInvokeConfig20190925',
      'UpdateFunctionEventInvokeConfig',
      'UpdateEventSourceMapping20150331',
      'UpdateEventSourceMapping',
      'DeleteEventSourceMapping20150331',
      'DeleteEventSourceMapping',
      // Newer calls: logged bare until a versioned name is seen (tamperCallOf accepts either).
      'PutResourcePolicy',
      'DeleteResourcePolicy',
    ],
  }))();

/** `cloudtrail.amazonaws.com` -> `cloudtrail`, for the services whose calls are watched. */
export function tamperServiceOf(eventSource: string): TamperService | null {
  return TAMPER_SERVICES.find((s) => TAMPER_EVENT_SOURCES[s] === eventSource) ?? null;
}

/** An operation name and its optional API version suffix (a constant: a literal is a new object per evaluation). */
const VERSIONED_NAME = /^([A-Za-z]+?)(\d{8}(?:v\d+)?)?$/;

/** The watched call an event name stands for (`DeleteFunction20150331` -> `DeleteFunction`), or null. */
export function tamperCallOf(service: TamperService, eventName: string): string | null {
  const m = VERSIONED_NAME.exec(eventName);
  const base = m?.[1];
  if (base === undefined || !TAMPER_CALLS[service].includes(base)) return null;
  // Only Lambda versions its event names.
  return m?.[2] === undefined || service === 'lambda' ? base : null;
}

export function readTamper(
  meta: EventMeta,
  actor: Actor,
  service: TamperService,
  call: string,
  record: { req: Json | null; res: Json | null; resources: unknown },
): TamperEvent | string {
  const { req, res } = record;
  const at = { partition: partitionOf(meta.region), region: meta.region, account: meta.account };
  const targets = targetOf(service, call, req, res, record.resources, at);
  if (typeof targets === 'string') return `${call}: ${targets}`;
  const [target, ...others] = Array.isArray(targets) ? targets : [targets];
  if (!target) return `${call}: the request names no resource`;
  return {
    kind: TAMPER_KIND,
    meta,
    actor,
    call,
    target,
    others,
    parameters: {
      ...parametersOf(service, call, req, target),
      ...otherServiceParameters(service, call, req, res),
    },
    selectors: call === 'PutEventSelectors' ? selectorsOf(req) : null,
  };
}

function targetOf(
  service: TamperService,
  call: string,
  req: Json | null,
  res: Json | null,
  resources: unknown,
  at: Where,
): TamperTarget | TamperTarget[] | string {
  switch (service) {
    case 'cloudtrail':
      return trail(str(call === 'PutEventSelectors' ? req?.trailName : req?.name), str(res?.trailARN), at);
    case 'events':
      return eventsTarget(call, req, res, at);
    case 'sns':
      return snsTarget(call, req);
    case 'kms':
      return keyTarget(str(req?.keyId), str(res?.keyId), resources, at);
    case 'lambda': {
      // The resource-policy calls name the function by ARN (`resourceArn`, qualified or not); an
      // event source mapping call by the mapping's id, and the response names its function.
      const value = str(req?.functionName) ?? str(req?.resourceArn) ?? str(res?.functionArn);
      // A bare name may carry a qualifier (`name:live`, `name:$LATEST`).
      const bare =
        value && !value.startsWith('arn:')
          ? /^([A-Za-z0-9_-]{1,140}):[A-Za-z0-9$_-]{1,128}$/.exec(value)
          : null;
      const fn = value ? resolveFunction(bare?.[1] ?? value, at.region, at.account) : null;
      if (!fn) return 'no usable functionName in the request';
      return { service, type: 'function', arn: fn.arn, name: fn.name };
    }
    case 'dynamodb': {
      // PutResourcePolicy names the table by ARN (`resourceArn`, a table or a stream of it).
      const value = str(req?.tableName) ?? str(req?.resourceArn)?.split('/stream/')[0] ?? null;
      if (!value) return 'no tableName in the request';
      const description = isObject(res?.tableDescription) ? res.tableDescription : {};
      const name = value.startsWith('arn:') ? (value.split('/').pop() ?? value) : value;
      const arn = value.startsWith('arn:')
        ? value
        : (str(description.tableArn) ??
          `arn:${at.partition}:dynamodb:${at.region}:${at.account}:table/${name}`);
      return { service, type: 'table', arn, name };
    }
    case 'cloudwatch':
    case 'sqs':
    case 'iam':
    case 'cloudformation':
    case 'scheduler':
      return otherServiceTarget(service, call, req, at);
  }
}

function trail(value: string | null, responseArn: string | null, at: Where): TamperTarget | string {
  if (!value) return 'no trail name in the request';
  const name = value.startsWith('arn:') ? (value.split('trail/').pop() ?? value) : value;
  const arn = value.startsWith('arn:')
    ? value
    : (responseArn ?? `arn:${at.partition}:cloudtrail:${at.region}:${at.account}:trail/${name}`);
  return { service: 'cloudtrail', type: 'trail', arn, name };
}

/** A bus named by name or ARN; the default bus when the request names none. */
function busOf(value: string | null, at: Where): { name: string; arn: string } {
  if (value?.startsWith('arn:')) return { name: value.split('event-bus/').pop() ?? value, arn: value };
  const name = value ?? 'default';
  return { name, arn: `arn:${at.partition}:events:${at.region}:${at.account}:event-bus/${name}` };
}

function eventsTarget(call: string, req: Json | null, res: Json | null, at: Where): TamperTarget | string {
  if (call === 'DeleteEventBus' || call === 'RemovePermission' || call === 'PutPermission') {
    const value = str(call === 'DeleteEventBus' ? req?.name : req?.eventBusName);
    if (call === 'DeleteEventBus' && !value) return 'no bus name in the request';
    const bus = busOf(value, at);
    return { service: 'events', type: 'event-bus', arn: bus.arn, name: bus.name };
  }
  const name = str(call === 'RemoveTargets' || call === 'PutTargets' ? req?.rule : req?.name);
  if (!name) return 'no rule name in the request';
  const bus = busOf(str(req?.eventBusName), at);
  const built = `arn:${at.partition}:events:${at.region}:${at.account}:rule/${bus.name === 'default' ? '' : `${bus.name}/`}${name}`;
  return { service: 'events', type: 'rule', arn: str(res?.ruleArn) ?? built, name };
}

function snsTarget(call: string, req: Json | null): TamperTarget | string {
  if (call === 'Unsubscribe' || call === 'SetSubscriptionAttributes') {
    const arn = str(req?.subscriptionArn);
    if (!arn?.startsWith('arn:')) return 'no subscriptionArn in the request';
    // arn:aws:sns:region:account:topic:subscription-id: the topic's ARN prefixes it.
    const topic = arn.slice(0, arn.lastIndexOf(':'));
    return { service: 'sns', type: 'subscription', arn, name: topic.split(':').pop() ?? topic };
  }
  // PutDataProtectionPolicy names the topic as `resourceArn`.
  const arn = str(req?.topicArn) ?? str(req?.resourceArn);
  if (!arn?.startsWith('arn:')) return 'no topicArn in the request';
  return { service: 'sns', type: 'topic', arn, name: arn.split(':').pop() ?? arn };
}

const KEY_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$|^mrk-[0-9a-f]{32}$/;

/**
 * KMS logs `keyId` as the caller wrote it: a key id, a key ARN, an alias name or an alias ARN. The
 * record's `resources` usually hold the key's ARN; else ScheduleKeyDeletion's response names it
 * (`responseElements.keyId`, an ARN); otherwise it is built from a key id.
 */
function keyTarget(
  keyId: string | null,
  answered: string | null,
  resources: unknown,
  at: Where,
): TamperTarget | string {
  const listed = Array.isArray(resources)
    ? resources.find((r) => isObject(r) && typeof r.ARN === 'string' && r.ARN.includes(':key/'))
    : undefined;
  const fromResources =
    (isObject(listed) ? str(listed.ARN) : null) ??
    (answered?.startsWith('arn:') && answered.includes(':key/') ? answered : null);
  if (!keyId && !fromResources) return 'no keyId in the request';
  const given = keyId ?? (fromResources as string);
  const arn =
    fromResources ??
    (given.startsWith('arn:') && given.includes(':key/')
      ? given
      : KEY_ID.test(given)
        ? `arn:${at.partition}:kms:${at.region}:${at.account}:key/${given}`
        : null);
  // The key's id when it is known; else the alias, as named.
  const name = arn ? (arn.split(':key/').pop() ?? given) : given;
  return { service: 'kms', type: 'key', arn, name };
}

function parametersOf(
  service: TamperService,
  call: string,
  req: Json | null,
  target: TamperTarget,
): TamperEvent['parameters'] {
  const r = req ?? {};
  switch (`${service}:${call}`) {
    case 'cloudtrail:UpdateTrail':
      return {
        isMultiRegionTrail: bool(r.isMultiRegionTrail),
        isOrganizationTrail: bool(r.isOrganizationTrail),
        s3BucketName: str(r.s3BucketName),
      };
    case 'events:PutRule':
      return {
        state: str(r.state),
        eventPattern: str(r.eventPattern),
        scheduleExpression: str(r.scheduleExpression),
      };
    case 'events:RemoveTargets':
      return { ids: strings(r.ids).join(',') || null };
    case 'events:RemovePermission':
      return { statementId: str(r.statementId), removeAllPermissions: bool(r.removeAllPermissions) };
    case 'sns:Unsubscribe':
      return { topicArn: target.arn ? target.arn.slice(0, target.arn.lastIndexOf(':')) : null };
    case 'sns:SetSubscriptionAttributes':
      return {
        topicArn: target.arn ? target.arn.slice(0, target.arn.lastIndexOf(':')) : null,
        attributeName: str(r.attributeName),
      };
    case 'sns:SetTopicAttributes':
      return { attributeName: str(r.attributeName) };
    case 'sns:RemovePermission':
      return { label: str(r.label) };
    case 'lambda:PutFunctionConcurrency':
      return { reservedConcurrentExecutions: num(r.reservedConcurrentExecutions) };
    case 'lambda:RemovePermission':
      return { statementId: str(r.statementId) };
    case 'lambda:DeleteFunction':
    case 'lambda:DeleteFunctionEventInvokeConfig':
      return { qualifier: str(r.qualifier) ?? qualifierOf(r.functionName) };
    case 'kms:ScheduleKeyDeletion':
      return { pendingWindowInDays: num(r.pendingWindowInDays) };
    default:
      return {};
  }
}

/** The qualifier a function name carries (`name:alias`, an ARN with a version), else null. */
export function qualifierOf(functionName: unknown): string | null {
  const value = str(functionName);
  if (!value) return null;
  const parts = value.split(':');
  // arn:aws:lambda:region:account:function:name:qualifier, account:function:name:qualifier, name:qualifier
  const at = value.startsWith('arn:') ? 7 : parts[1] === 'function' ? 3 : 1;
  return parts[at] ?? null;
}

/** The selectors as the request set them; CloudTrail logs the API's members in camelCase. */
function selectorsOf(req: Json | null): EventSelectors {
  const pick = (o: Json, name: string) => o[name] ?? o[name.charAt(0).toUpperCase() + name.slice(1)];
  const list = (v: unknown): Json[] => (Array.isArray(v) ? v.filter(isObject).slice(0, 64) : []);
  const r = req ?? {};
  return {
    basic: list(pick(r, 'eventSelectors')).map((s) => ({
      readWriteType: str(pick(s, 'readWriteType')),
      includeManagementEvents: bool(pick(s, 'includeManagementEvents')),
      excludeManagementEventSources: strings(pick(s, 'excludeManagementEventSources')),
    })),
    advanced: list(pick(r, 'advancedEventSelectors')).map((s) => ({
      fieldSelectors: list(pick(s, 'fieldSelectors')).map((f) => ({
        field: str(pick(f, 'field')) ?? '',
        equals: strings(pick(f, 'equals')),
        notEquals: strings(pick(f, 'notEquals')),
        startsWith: strings(pick(f, 'startsWith')),
        notStartsWith: strings(pick(f, 'notStartsWith')),
      })),
    })),
  };
}
