/**
 * The heartbeat: every hour a small function changes the description of a dedicated canary function
 * in each covered region. That real change travels the whole path (CloudTrail, EventBridge, the
 * forwarder, the detector), so its arrival proves the detector can see that region, and its delay is
 * the deployment's real detection latency.
 *
 * Member accounts (organization mode with memberHeartbeat) beat on their own: an hourly schedule in
 * each member account and region changes that account's canary with a role of a fixed name
 * (memberHeartbeatRoleName), which only that schedule may assume. The same rule holds there.
 *
 * An event that names the canary and a heartbeat role is a heartbeat's *claim*. It counts only when
 * it is, field for field, what CloudTrail and EventBridge deliver for the heartbeat's own call: the
 * envelope (version, id, detail-type, source aws.lambda, account, region, time, resources) agreeing
 * with the record (eventVersion, eventID, eventType AwsApiCall, eventTime = envelope time, within the
 * last hour, recipientAccountId, awsRegion); the heartbeat role as the session issuer of an
 * assumed-role identity in that account; a request of nothing but the canary and a heartbeat
 * description written within minutes of the call; a response echoing the canary's ARN in that
 * account and region and the same description, with no layer. Anything else that claims to be a
 * heartbeat is rejected with its reasons (the handler logs and counts it, and detection sees it like
 * any event); an event that does not claim is simply not a heartbeat.
 *
 * Why: an EventBridge input transformer on a layerwatch rule (a PutTargets, which the tamper watch
 * sees) rewrites every event the rule matches with one template, of constants and of fields copied
 * from that same event. What each attempt meets:
 * - a recorded heartbeat pasted as a constant: its times do not move, so it counts for at most an
 *   hour after the real one, then every copy is rejected;
 * - a heartbeat template filled with each event's own id and times: the description (the time the
 *   heartbeat wrote) is then a constant or the event's own, and the accounts' ordinary Lambda calls
 *   carry none, so each of them is a rejected claim, logged and counted;
 * - the heartbeat's identity and canary pasted over an attack that is otherwise copied: its layers or
 *   variables stay in the request and its function in the response, so it is rejected, and detection
 *   sees a layer put on the canary.
 * What no check of the event can exclude, because the template is fed by fields the attacker writes:
 * every event in the region being the attacker's own call, each made to carry a fresh heartbeat
 * description; and a template that copies the heartbeat's fields one by one, passing the genuine
 * heartbeat unchanged while dropping other events' layers (that blinds detection without forging a
 * heartbeat). The PutTargets that installs either is the alert, and the daily sweep reads the
 * functions' live layers whatever the events said.
 */

export const CANARY_FUNCTION_NAME = 'layerwatch-canary';

/** The member heartbeat schedule's role in `region` (member-stack.ts creates it; IAM names are global). */
export function memberHeartbeatRoleName(region: string): string {
  return `LayerWatchHeartbeat-${region}`;
}

export interface HeartbeatSource {
  /** The detector's account: its canaries are touched by `roleArn`; other accounts' by their own role. */
  readonly account: string;
  /** The role the heartbeat function runs as (the session issuer of its calls). */
  readonly roleArn: string;
  /** @default CANARY_FUNCTION_NAME */
  readonly functionName?: string;
}

export interface Heartbeat {
  readonly region: string;
  /** A member account's heartbeat: that account (absent for the detector's own canaries). */
  readonly account?: string;
  readonly eventId: string;
  /** CloudTrail's event time to `nowMs`, in milliseconds (never negative). */
  readonly latencyMs: number;
}

export type HeartbeatRecognition =
  | { readonly status: 'heartbeat'; readonly heartbeat: Heartbeat }
  /** It names the canary and a heartbeat role, and is not what the heartbeat's call delivers. */
  | {
      readonly status: 'rejected';
      readonly claim: { region: string | null; account: string | null; eventId: string | null };
      readonly reasons: readonly string[];
    }
  /** Not a heartbeat's claim: an ordinary event. */
  | { readonly status: 'other' };

/** A heartbeat older than this proves nothing about now (CloudTrail delivers within minutes). */
export const HEARTBEAT_MAX_AGE_MS = 60 * 60_000;
/** Clock skew allowed between CloudTrail and the detector. */
const CLOCK_SKEW_MS = 5 * 60_000;
/** The description's time against the call: the function writes it just before; a schedule's retries end 15 min after. */
const DESCRIPTION_BEFORE_MS = 20 * 60_000;
const DESCRIPTION_AFTER_MS = 2 * 60_000;

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ACCOUNT = /^\d{12}$/;
const ROLE_ARN = /^arn:(aws[a-z-]*):iam::(\d{12}):role\/(?:[^/]+\/)*([^/]+)$/;

interface Claim {
  record: Json;
  account: string;
  region: string;
  /** The partition of the heartbeat role (the canary's ARN is in the same). */
  partition: string;
  roleName: string;
  /** Another account than the detector's: its own schedule role beats there. */
  member: boolean;
  /** The detector's heartbeat role (the only one in its own account). */
  homeRole: string;
  canary: string;
}

/** Whether `input` is the heartbeat, a rejected claim of one, or another event. */
export function heartbeatOf(input: unknown, source: HeartbeatSource, nowMs: number): HeartbeatRecognition {
  const enveloped = isObject(input) && isObject(input.detail);
  const record = enveloped ? (input.detail as Json) : input;
  if (!isObject(record)) return { status: 'other' };
  const claim = claimOf(record, source);
  if (!claim) return { status: 'other' };
  const reasons = [
    ...(enveloped ? envelopeProblems(input as Json, claim) : ['not in an EventBridge envelope']),
    ...recordProblems(claim, nowMs),
    ...identityProblems(claim),
    ...requestProblems(claim),
    ...responseProblems(claim),
  ];
  const eventId = typeof record.eventID === 'string' ? record.eventID : null;
  if (reasons.length > 0 || !eventId)
    return {
      status: 'rejected',
      claim: { region: claim.region, account: claim.account, eventId },
      reasons: reasons.length > 0 ? reasons : ['no eventID'],
    };
  const timeMs = Date.parse(record.eventTime as string);
  const beat = { region: claim.region, eventId, latencyMs: Math.max(0, nowMs - timeMs) };
  return { status: 'heartbeat', heartbeat: claim.member ? { ...beat, account: claim.account } : beat };
}

/**
 * A claim: a Lambda configuration change whose session issuer is a heartbeat role and whose request
 * names the canary. Only these are judged; anything else is an ordinary event.
 */
function claimOf(record: Json, source: HeartbeatSource): Claim | null {
  if (record.eventSource !== 'lambda.amazonaws.com') return null;
  if (
    typeof record.eventName !== 'string' ||
    !/^UpdateFunctionConfiguration(\d{8}(v\d+)?)?$/.test(record.eventName)
  )
    return null;
  const identity = isObject(record.userIdentity) ? record.userIdentity : {};
  const context = isObject(identity.sessionContext) ? identity.sessionContext : {};
  const issuer = isObject(context.sessionIssuer) ? context.sessionIssuer.arn : undefined;
  const role = typeof issuer === 'string' ? ROLE_ARN.exec(issuer) : null;
  if (!role) return null;
  const [, partition, , roleName] = role as unknown as [string, string, string, string];
  if (issuer !== source.roleArn && !roleName.startsWith(memberHeartbeatRoleName(''))) return null;
  const canary = source.functionName ?? CANARY_FUNCTION_NAME;
  const request = isObject(record.requestParameters) ? record.requestParameters : {};
  const named = typeof request.functionName === 'string' ? request.functionName : '';
  if (named !== canary && !named.endsWith(`:function:${canary}`)) return null;
  const account = typeof record.recipientAccountId === 'string' ? record.recipientAccountId : '';
  const region = typeof record.awsRegion === 'string' ? record.awsRegion : '';
  const member = account !== source.account;
  return { record, account, region, partition, roleName, member, homeRole: source.roleArn, canary };
}

function envelopeProblems(envelope: Json, c: Claim): string[] {
  const problems: string[] = [];
  if (envelope.version !== '0') problems.push('envelope version is not "0"');
  if (typeof envelope.id !== 'string' || !UUID.test(envelope.id)) problems.push('envelope id is not a UUID');
  if (envelope['detail-type'] !== 'AWS API Call via CloudTrail')
    problems.push('envelope detail-type is not "AWS API Call via CloudTrail"');
  if (envelope.source !== 'aws.lambda') problems.push('envelope source is not "aws.lambda"');
  if (envelope.account !== c.account) problems.push('envelope account is not the recipient account');
  if (envelope.region !== c.region) problems.push("envelope region is not the record's awsRegion");
  if (!Array.isArray(envelope.resources)) problems.push('envelope resources is not a list');
  const time = typeof envelope.time === 'string' ? Date.parse(envelope.time) : Number.NaN;
  const eventTime = typeof c.record.eventTime === 'string' ? Date.parse(c.record.eventTime) : Number.NaN;
  if (Number.isNaN(time) || time !== eventTime) problems.push('envelope time is not the eventTime');
  return problems;
}

function recordProblems(c: Claim, nowMs: number): string[] {
  const r = c.record;
  const problems: string[] = [];
  if (typeof r.eventVersion !== 'string' || !/^1\.\d{2}$/.test(r.eventVersion))
    problems.push('eventVersion is not a CloudTrail version');
  if (typeof r.eventID !== 'string' || !UUID.test(r.eventID)) problems.push('eventID is not a UUID');
  if (r.eventType !== 'AwsApiCall') problems.push('eventType is not AwsApiCall');
  if ('errorCode' in r || 'errorMessage' in r) problems.push('the call failed');
  if (!ACCOUNT.test(c.account)) problems.push('recipientAccountId is not an account');
  if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(c.region)) problems.push('awsRegion is not a region');
  const timeMs = typeof r.eventTime === 'string' ? Date.parse(r.eventTime) : Number.NaN;
  if (Number.isNaN(timeMs)) problems.push('eventTime is not a time');
  else if (nowMs - timeMs > HEARTBEAT_MAX_AGE_MS) problems.push('eventTime is more than an hour old');
  else if (timeMs - nowMs > CLOCK_SKEW_MS) problems.push('eventTime is in the future');
  return problems;
}

/** The session issuer is the heartbeat role of this account (and, for a member, of this region). */
function identityProblems(c: Claim): string[] {
  const identity = c.record.userIdentity as Json;
  const context = identity.sessionContext as Json;
  const issuer = context.sessionIssuer as Json;
  const issuerArn = issuer.arn as string;
  const problems: string[] = [];
  if (identity.type !== 'AssumedRole') problems.push('userIdentity is not an assumed role');
  if (identity.accountId !== c.account) problems.push('userIdentity accountId is not the recipient account');
  const session = `arn:${c.partition}:sts::${c.account}:assumed-role/${c.roleName}/`;
  if (typeof identity.arn !== 'string' || !identity.arn.startsWith(session))
    problems.push("userIdentity arn is not a session of the issuer's role");
  if (issuer.type !== 'Role') problems.push('sessionIssuer type is not Role');
  if (issuer.accountId !== c.account || !issuerArn.includes(`::${c.account}:role/`))
    problems.push('the heartbeat role is not in the recipient account');
  if (!c.member && issuerArn !== c.homeRole) problems.push("the role is not the detector's heartbeat role");
  if (c.member && (issuerArn === c.homeRole || c.roleName !== memberHeartbeatRoleName(c.region)))
    problems.push("the role is not this member account's heartbeat role of this region");
  return problems;
}

/** Nothing but the canary of this account and region, and a heartbeat description of about the call's time. */
function requestProblems(c: Claim): string[] {
  const request = c.record.requestParameters as Json;
  const problems: string[] = [];
  const extra = Object.keys(request).filter((k) => k !== 'functionName' && k !== 'description');
  if (extra.length > 0)
    problems.push(`the request sets more than the description: ${extra.sort().join(', ')}`);
  const named = request.functionName as string;
  if (named !== c.canary && named !== canaryArn(c))
    problems.push('the request names a canary of another account or region');
  const written = typeof request.description === 'string' ? heartbeatTimeOf(request.description) : null;
  const eventTime = Date.parse(c.record.eventTime as string);
  if (written === null) problems.push('the request has no heartbeat description');
  else if (!(eventTime - written <= DESCRIPTION_BEFORE_MS && written - eventTime <= DESCRIPTION_AFTER_MS))
    problems.push("the description's time is not the call's");
  return problems;
}

/** The response is the canary's configuration after this very change. */
function responseProblems(c: Claim): string[] {
  const response = c.record.responseElements;
  if (!isObject(response)) return ['no responseElements'];
  const problems: string[] = [];
  if (response.functionName !== c.canary) problems.push('the response is not the canary');
  if (response.functionArn !== canaryArn(c))
    problems.push("the response's functionArn is not this region's canary");
  const request = c.record.requestParameters as Json;
  if (response.description !== request.description)
    problems.push('the response does not echo the description');
  if (Array.isArray(response.layers) ? response.layers.length > 0 : response.layers != null)
    problems.push('the canary has layers');
  if (typeof response.revisionId !== 'string') problems.push('the response has no revisionId');
  return problems;
}

function canaryArn(c: Claim): string {
  return `arn:${c.partition}:lambda:${c.region}:${c.account}:function:${c.canary}`;
}

const DESCRIPTION_PREFIX = 'layerwatch heartbeat ';
const DESCRIPTION_SUFFIX = ': this function only proves that layerwatch sees this region';

/** The description a heartbeat writes: when, so that each one is a real change. */
export function heartbeatDescription(now: Date): string {
  return heartbeatDescriptionAt(now.toISOString());
}

/** The same with the time as text (a member schedule writes its scheduled time there). */
export function heartbeatDescriptionAt(time: string): string {
  return `${DESCRIPTION_PREFIX}${time}${DESCRIPTION_SUFFIX}`;
}

/** The time a heartbeat description carries, or null when it is not one. */
export function heartbeatTimeOf(description: string): number | null {
  if (!description.startsWith(DESCRIPTION_PREFIX) || !description.endsWith(DESCRIPTION_SUFFIX)) return null;
  const time = description.slice(DESCRIPTION_PREFIX.length, -DESCRIPTION_SUFFIX.length);
  const ms = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/.test(time) ? Date.parse(time) : Number.NaN;
  return Number.isNaN(ms) ? null : ms;
}
