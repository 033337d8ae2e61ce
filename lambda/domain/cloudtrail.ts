/**
 * The one validation edge: turns untrusted JSON (a CloudTrail record, raw or inside an EventBridge
 * envelope) into a typed `LambdaEvent`, or says why it is not one. Nothing past this file reads
 * raw records.
 */
import { isAccountId, parseFunctionArn, parseLayerArn, resolveLayer } from './arn.js';
import { isDeniedLayerCall, readDenied } from './cloudtrail-denied.js';
import { readTamper, tamperCallOf, tamperServiceOf } from './cloudtrail-tamper.js';
import { configurationRequestOf, readLayerList, readRequestedFunction } from './cloudtrail-values.js';
import { publicationIn, readAlias, readVersion } from './cloudtrail-versions.js';

export { readLayerList } from './cloudtrail-values.js';

import {
  type Actor,
  DENIED_KIND,
  EVENT_KINDS,
  type EventKind,
  type EventMeta,
  type FunctionDetails,
  type FunctionEvent,
  type LambdaEvent,
  type LayerList,
  type LayerRef,
  type PublishEvent,
  type ShareEvent,
  TAMPER_KIND,
  type TamperEvent,
  type VersionPublication,
} from './model.js';
import { cut } from './text.js';

export type NormalizeResult =
  | { status: 'relevant'; event: LambdaEvent }
  | { status: 'ignored'; reason: string }
  | { status: 'malformed'; reason: string };

/** Longest string kept from a record; longer values are cut (they stay evidence, not payload). */
export const MAX_FIELD = 2048;
const LAMBDA_SOURCE = 'lambda.amazonaws.com';
const CLOUDTRAIL_DETAIL_TYPE = 'AWS API Call via CloudTrail';

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown): string | null {
  if (typeof value !== 'string' || value.length === 0) return null;
  return cut(value, MAX_FIELD);
}

function num(value: unknown): number | null {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && /^\d{1,15}$/.test(value)) return Number(value);
  return null;
}

/** An operation name and its optional API version suffix (a constant: a literal is a new object per evaluation). */
const VERSIONED_NAME = /^([A-Za-z]+?)(\d{8}(?:v\d+)?)?$/;

/**
 * CloudTrail logs versioned operation names (`UpdateFunctionConfiguration20150331v2`,
 * `PublishLayerVersion20181031`) and, in older records, bare ones. Returns the operation when it is
 * one we watch. Prefix look-alikes such as `CreateFunctionUrlConfig20211031` are not ours.
 */
export function eventKindOf(eventName: string): (typeof EVENT_KINDS)[number] | null {
  const m = VERSIONED_NAME.exec(eventName);
  const base = m?.[1];
  return base !== undefined && (EVENT_KINDS as readonly string[]).includes(base)
    ? (base as (typeof EVENT_KINDS)[number])
    : null;
}

/** Unwraps an EventBridge envelope; anything else is taken as a bare record. */
function unwrap(input: unknown): { record: Json } | { ignored: string } | { malformed: string } {
  if (!isObject(input)) return { malformed: `expected a JSON object, got ${describe(input)}` };
  if ('detail-type' in input || ('detail' in input && 'source' in input)) {
    if (input['detail-type'] !== CLOUDTRAIL_DETAIL_TYPE) {
      return { ignored: `EventBridge detail-type is not "${CLOUDTRAIL_DETAIL_TYPE}"` };
    }
    if (!isObject(input.detail)) return { malformed: 'EventBridge envelope without an object "detail"' };
    return { record: input.detail };
  }
  return { record: input };
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value;
}

export function normalize(input: unknown): NormalizeResult {
  const unwrapped = unwrap(input);
  if ('ignored' in unwrapped) return { status: 'ignored', reason: unwrapped.ignored };
  if ('malformed' in unwrapped) return { status: 'malformed', reason: unwrapped.malformed };
  const r = unwrapped.record;

  if (typeof r.eventSource !== 'string')
    return { status: 'malformed', reason: 'eventSource missing or not a string' };
  const service = tamperServiceOf(r.eventSource);
  if (r.eventSource !== LAMBDA_SOURCE && !service)
    return { status: 'ignored', reason: `eventSource ${cut(r.eventSource, 80)}` };
  if (typeof r.eventName !== 'string')
    return { status: 'malformed', reason: 'eventName missing or not a string' };
  const layerKind = r.eventSource === LAMBDA_SOURCE ? eventKindOf(r.eventName) : null;
  // Calls that can blind layerwatch itself (a trail, its rules, topics, functions, key, table).
  const call = !layerKind && service ? tamperCallOf(service, r.eventName) : null;
  const kind = layerKind ?? (call ? TAMPER_KIND : null);
  if (!kind) return { status: 'ignored', reason: `eventName ${cut(r.eventName, 80)} is not watched` };
  const denied = isDeniedLayerCall(layerKind, r.errorCode);
  if (!denied && r.errorCode !== undefined && r.errorCode !== null && r.errorCode !== '') {
    return { status: 'ignored', reason: `failed call (${cut(String(r.errorCode), 80)})` };
  }

  const metaOrError = readMeta(r, denied ? DENIED_KIND : kind);
  if (typeof metaOrError === 'string') return { status: 'malformed', reason: metaOrError };
  const meta = metaOrError;
  const actor = readActor(r.userIdentity, r.sessionCredentialFromConsole);

  const request = r.requestParameters;
  const response = r.responseElements;
  if (request !== undefined && request !== null && !isObject(request)) {
    return { status: 'malformed', reason: `requestParameters is ${describe(request)}` };
  }
  if (response !== undefined && response !== null && !isObject(response)) {
    return { status: 'malformed', reason: `responseElements is ${describe(response)}` };
  }
  const req = request ?? null;
  const res = response ?? null;
  if (denied) {
    const attempt = readDenied(
      layerKind as 'UpdateFunctionConfiguration' | 'CreateFunction',
      meta,
      actor,
      r,
      req,
    );
    if ('ignored' in attempt)
      return {
        status: 'ignored',
        reason: `failed call (${cut(String(r.errorCode), 80)}): ${attempt.ignored}`,
      };
    return { status: 'relevant', event: attempt };
  }

  const event =
    kind === TAMPER_KIND
      ? withPublication(
          readTamper(meta, actor, service ?? 'lambda', call ?? '', { req, res, resources: r.resources }),
          req,
          res,
        )
      : kind === 'PublishVersion'
        ? readVersion(meta, actor, req, res)
        : kind === 'CreateAlias' || kind === 'UpdateAlias' || kind === 'DeleteAlias'
          ? readAlias(kind, meta, actor, req, res)
          : kind === 'PublishLayerVersion'
            ? readPublish(meta, actor, req, res)
            : kind === 'AddLayerVersionPermission'
              ? readShare(meta, actor, req, res)
              : readFunctionEvent(kind, meta, actor, req, res);
  return typeof event === 'string' ? { status: 'malformed', reason: event } : { status: 'relevant', event };
}

/**
 * UpdateFunctionCode with `publish: true` also published a version, DeleteFunction with a version as
 * Qualifier deleted one: kept beside the tamper reading.
 */
function withPublication(
  event: TamperEvent | string,
  req: Json | null,
  res: Json | null,
): TamperEvent | string {
  if (typeof event === 'string' || event.target.service !== 'lambda') return event;
  if (event.call === 'DeleteFunction') return withDeletedVersion(event);
  if (event.call !== 'UpdateFunctionCode') return event;
  const publication = publicationIn(req, res);
  const fn = typeof res?.functionArn === 'string' ? parseFunctionArn(res.functionArn) : null;
  if (!publication || !fn) return event;
  const { qualifier: _q, ...ref } = fn;
  return { ...event, published: { fn: ref, publication } };
}

function withDeletedVersion(event: TamperEvent): TamperEvent {
  const version = event.parameters.qualifier;
  const fn = event.target.arn ? parseFunctionArn(event.target.arn) : null;
  if (typeof version !== 'string' || !/^\d{1,10}$/.test(version) || !fn) return event;
  const { qualifier: _q, ...ref } = fn;
  return { ...event, deletedVersion: { fn: ref, version } };
}

function readMeta(r: Json, kind: EventKind): EventMeta | string {
  const id = str(r.eventID);
  if (!id) return 'eventID missing';
  const time = str(r.eventTime);
  const timeMs = time === null ? Number.NaN : Date.parse(time);
  if (time === null || Number.isNaN(timeMs)) return 'eventTime missing or not a date';
  const region = str(r.awsRegion);
  if (!region || !/^[a-z0-9-]{1,64}$/.test(region)) return 'awsRegion missing or invalid';
  const identity = isObject(r.userIdentity) ? r.userIdentity : {};
  const account = [r.recipientAccountId, identity.accountId].find(
    (v): v is string => typeof v === 'string' && isAccountId(v),
  );
  if (!account) return 'no 12-digit account (recipientAccountId or userIdentity.accountId)';
  return {
    id,
    name: cut(r.eventName as string, 128),
    kind,
    time,
    timeMs,
    region,
    account,
    sourceIp: str(r.sourceIPAddress),
    userAgent: str(r.userAgent),
  };
}

function readActor(value: unknown, fromConsole: unknown): Actor {
  const u = isObject(value) ? value : {};
  const session = isObject(u.sessionContext) ? u.sessionContext : {};
  const issuer = isObject(session.sessionIssuer) ? session.sessionIssuer : {};
  const attributes = isObject(session.attributes) ? session.attributes : {};
  const onBehalfOf = isObject(u.onBehalfOf) ? u.onBehalfOf : {};
  const mfa = attributes.mfaAuthenticated;
  return {
    type: str(u.type),
    arn: str(u.arn),
    principalId: str(u.principalId),
    accountId: str(u.accountId),
    accessKeyId: str(u.accessKeyId),
    userName: str(u.userName) ?? str(issuer.userName),
    sessionIssuerArn: str(issuer.arn),
    sessionIssuerType: str(issuer.type),
    mfaAuthenticated: mfa === true || mfa === 'true' ? true : mfa === false || mfa === 'false' ? false : null,
    invokedBy: str(u.invokedBy),
    sessionCreated: str(attributes.creationDate),
    onBehalfOfUserId: str(onBehalfOf.userId),
    consoleSession: fromConsole === true || fromConsole === 'true',
  };
}

function readFunctionEvent(
  kind: 'UpdateFunctionConfiguration' | 'CreateFunction',
  meta: EventMeta,
  actor: Actor,
  req: Json | null,
  res: Json | null,
): FunctionEvent | string {
  const fromResponse = typeof res?.functionArn === 'string' ? parseFunctionArn(res.functionArn) : null;
  const fromRequest = readRequestedFunction(req, meta);
  const fn = fromResponse ?? fromRequest;
  if (!fn)
    return 'cannot tell which function: no functionArn in the response, no usable functionName in the request';
  const requested = req ? readLayerList(req.layers) : ({ state: 'absent' } as const);
  // A configuration response omits `layers` when the function has none: a response that is a
  // function configuration and has no `layers` states an empty list.
  const isConfiguration =
    res !== null && (typeof res.functionArn === 'string' || typeof res.functionName === 'string');
  const responded: LayerList =
    res === null
      ? { state: 'absent' }
      : res.layers === undefined && isConfiguration
        ? { state: 'list', layers: [] }
        : readLayerList(res.layers);
  const details: FunctionDetails = { runtime: str(res?.runtime), role: str(res?.role) };
  return {
    kind,
    meta,
    actor,
    fn: { arn: fn.arn, name: fn.name, account: fn.account, region: fn.region, partition: fn.partition },
    requested,
    responded,
    details,
    configured: configurationRequestOf(req),
    ...(kind === 'CreateFunction' && publicationIn(req, res)
      ? { published: publicationIn(req, res) as VersionPublication }
      : {}),
  };
}

function readPublish(
  meta: EventMeta,
  actor: Actor,
  req: Json | null,
  res: Json | null,
): PublishEvent | string {
  const layer = readLayerRef(
    meta,
    req,
    res,
    typeof res?.layerVersionArn === 'string' ? res.layerVersionArn : null,
  );
  if (!layer)
    return 'cannot tell which layer: no layerVersionArn in the response, no usable layerName in the request';
  const content = isObject(res?.content) ? res.content : {};
  const runtimes = res?.compatibleRuntimes ?? req?.compatibleRuntimes;
  return {
    kind: 'PublishLayerVersion',
    meta,
    actor,
    layer,
    description: str(res?.description) ?? str(req?.description),
    compatibleRuntimes: Array.isArray(runtimes)
      ? runtimes.filter((x): x is string => typeof x === 'string').slice(0, 20)
      : [],
    codeSha256: str(content.codeSha256),
    codeSize: num(content.codeSize),
  };
}

function readShare(meta: EventMeta, actor: Actor, req: Json | null, res: Json | null): ShareEvent | string {
  const layer = readLayerRef(meta, req, res, null);
  if (!layer) return 'cannot tell which layer: no usable layerName in the request';
  const statement = parseStatement(res?.statement);
  const principal = str(req?.principal) ?? statement.principal;
  if (!principal) return 'AddLayerVersionPermission without a principal';
  const organizationId = str(req?.organizationId) ?? statement.organizationId;
  return {
    kind: 'AddLayerVersionPermission',
    meta,
    actor,
    layer,
    permission: {
      principal,
      account: principalAccount(principal, parseLayerArn(layer.layerArn)?.partition ?? null),
      organizationId,
      action: str(req?.action),
      statementId: str(req?.statementId),
      public: principal === '*' && organizationId === null,
    },
  };
}

/** An account's root: what the Lambda API accepts as a principal besides an account id and `*`. */
const ROOT_ARN = /^arn:([a-z0-9-]{1,32}):iam::(\d{12}):root$/;

/** The account a share's principal names (an id, or its root ARN in the layer's partition). */
function principalAccount(principal: string, partition: string | null): string | null {
  if (isAccountId(principal)) return principal;
  const root = ROOT_ARN.exec(principal);
  return root && root[1] === partition ? (root[2] ?? null) : null;
}

/** The response's `statement` is the policy statement as a JSON string. */
function parseStatement(value: unknown): { principal: string | null; organizationId: string | null } {
  const none = { principal: null, organizationId: null };
  if (typeof value !== 'string' || value.length > 20000) return none;
  try {
    const s: unknown = JSON.parse(value);
    if (!isObject(s)) return none;
    const p = s.Principal;
    const principal = typeof p === 'string' ? p : isObject(p) && typeof p.AWS === 'string' ? p.AWS : null;
    const condition = isObject(s.Condition) ? s.Condition : {};
    const equals = isObject(condition.StringEquals) ? condition.StringEquals : {};
    const org = equals['aws:PrincipalOrgID'];
    return {
      principal: principal ? cut(principal, MAX_FIELD) : null,
      organizationId: typeof org === 'string' ? org : null,
    };
  } catch {
    return none;
  }
}

function readLayerRef(
  meta: EventMeta,
  req: Json | null,
  res: Json | null,
  versionArn: string | null,
): LayerRef | null {
  const version = num(res?.version) ?? num(req?.versionNumber);
  const resolved =
    (versionArn ? resolveLayer(versionArn, version, meta.region, meta.account) : null) ??
    (typeof req?.layerName === 'string'
      ? resolveLayer(req.layerName, version, meta.region, meta.account)
      : null);
  if (!resolved) return null;
  return {
    versionArn: resolved.version === null ? null : `${resolved.layerArn}:${resolved.version}`,
    layerArn: resolved.layerArn,
    account: resolved.account,
    region: resolved.region,
    name: resolved.name,
    version: resolved.version,
  };
}
