/**
 * The heartbeat: every hour a small function changes the description of a dedicated canary function
 * in each covered region. That real change travels the whole path (CloudTrail, EventBridge, the
 * forwarder, the detector), so its arrival proves the detector can see that region, and its delay is
 * the deployment's real detection latency.
 *
 * Only the exact heartbeat is recognised: a successful UpdateFunctionConfiguration, by the heartbeat's
 * own role, on the canary function of the detector's account, asking for nothing but a description.
 * A layer, a variable or any other change to the canary, or a change by anyone else, is not a
 * heartbeat and goes through detection like any other event: an attacker gets no quiet function.
 *
 * Member accounts (organization mode with memberHeartbeat) beat on their own: an hourly schedule in
 * each member account and region changes that account's canary with a role of a fixed name
 * (memberHeartbeatRoleName), which only that schedule may assume. The same rule holds there: only
 * that role, only the canary of the account that received the call, only its description.
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

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The request parameters a heartbeat sends; any other key makes the event an ordinary one. */
const HEARTBEAT_REQUEST_KEYS = new Set(['functionName', 'description']);

/** The heartbeat this event is, or null (then it is handled like any other event). */
export function heartbeatOf(input: unknown, source: HeartbeatSource, nowMs: number): Heartbeat | null {
  const record = isObject(input) && isObject(input.detail) && 'detail-type' in input ? input.detail : input;
  if (!isObject(record)) return null;
  if (record.eventSource !== 'lambda.amazonaws.com' || 'errorCode' in record) return null;
  if (
    typeof record.eventName !== 'string' ||
    !/^UpdateFunctionConfiguration(\d{8}(v\d+)?)?$/.test(record.eventName)
  )
    return null;
  const recipient = typeof record.recipientAccountId === 'string' ? record.recipientAccountId : null;
  const region = typeof record.awsRegion === 'string' ? record.awsRegion : null;
  if (!recipient || !region) return null;
  const member = recipient !== source.account;
  const identity = isObject(record.userIdentity) ? record.userIdentity : {};
  const issuer =
    isObject(identity.sessionContext) && isObject(identity.sessionContext.sessionIssuer)
      ? identity.sessionContext.sessionIssuer
      : {};
  if (identity.type !== 'AssumedRole' || !isHeartbeatRole(issuer.arn, source, recipient, region, member))
    return null;
  const request = record.requestParameters;
  if (!isObject(request) || !Object.keys(request).every((k) => HEARTBEAT_REQUEST_KEYS.has(k))) return null;
  if (!isCanary(request.functionName, source, recipient)) return null;
  const eventId = typeof record.eventID === 'string' ? record.eventID : null;
  const timeMs = typeof record.eventTime === 'string' ? Date.parse(record.eventTime) : Number.NaN;
  if (!eventId || Number.isNaN(timeMs)) return null;
  const beat = { region, eventId, latencyMs: Math.max(0, nowMs - timeMs) };
  return member ? { ...beat, account: recipient } : beat;
}

/** The detector's heartbeat role at home; in a member account, that account's schedule role of the region. */
function isHeartbeatRole(
  arn: unknown,
  source: HeartbeatSource,
  account: string,
  region: string,
  member: boolean,
): boolean {
  if (typeof arn !== 'string') return false;
  if (!member) return arn === source.roleArn;
  const m = /^arn:aws[a-z-]*:iam::(\d{12}):role\/([^/]+)$/.exec(arn);
  return m?.[1] === account && m[2] === memberHeartbeatRoleName(region);
}

/** The canary by name, or by ARN in the account that received the call (any region: the record names its own). */
function isCanary(functionName: unknown, source: HeartbeatSource, account: string): boolean {
  if (typeof functionName !== 'string') return false;
  const name = source.functionName ?? CANARY_FUNCTION_NAME;
  if (functionName === name) return true;
  const m = /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:(\d{12}):function:([^:]+)$/.exec(functionName);
  return m?.[1] === account && m[2] === name;
}

/** The description a heartbeat writes: when, so that each one is a real change. */
export function heartbeatDescription(now: Date): string {
  return heartbeatDescriptionAt(now.toISOString());
}

/** The same with the time as text (a member schedule writes its scheduled time there). */
export function heartbeatDescriptionAt(time: string): string {
  return `layerwatch heartbeat ${time}: this function only proves that layerwatch sees this region`;
}
