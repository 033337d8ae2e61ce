/**
 * A refused layer-setting call: CreateFunction or UpdateFunctionConfiguration whose record carries
 * an access denial. Once a `lambda:Layer` guardrail is on, an attach outside its allowed list ends
 * here ("... with an explicit deny in a service control policy"): nothing changed, but someone tried
 * a layer, and that is worth an alert. A refused call that set no layers is not a layer concern.
 */
import { parseFunctionArn } from './arn.js';
import { readLayerList, readRequestedFunction } from './cloudtrail-values.js';
import { type Actor, DENIED_KIND, type DeniedEvent, type EventMeta } from './model.js';
import { cut } from './text.js';

type Json = Record<string, unknown>;

/** CloudTrail's error codes for an authorization failure on Lambda's API. */
export const ACCESS_DENIED_CODES: readonly string[] = ['AccessDenied', 'AccessDeniedException'];

/** The calls whose request carries `lambda:Layer`, whose refusal is an attempted attach. */
export function isDeniedLayerCall(kind: string | null, errorCode: unknown): boolean {
  return (
    (kind === 'UpdateFunctionConfiguration' || kind === 'CreateFunction') &&
    typeof errorCode === 'string' &&
    ACCESS_DENIED_CODES.includes(errorCode)
  );
}

const POLICY_TYPES =
  'service control policy|resource control policy|identity-based policy|permissions boundary|session policy|resource-based policy';
const EXPLICIT = new RegExp(`with an explicit deny in an? (${POLICY_TYPES})`, 'i');
const NO_ALLOW = new RegExp(`because no (${POLICY_TYPES}) allows`, 'i');
/** "... on resource: arn:aws:lambda:REGION:ACCOUNT:function:NAME ..." */
const ON_RESOURCE =
  /on resource: (arn:[a-z0-9-]{1,32}:lambda:[a-z0-9-]{1,64}:\d{12}:function:[A-Za-z0-9_-]{1,140})/;

/** What refused the call, as AWS's message says it. */
export function denialOf(message: string | null): DeniedEvent['denial'] {
  const explicit = message ? EXPLICIT.exec(message) : null;
  if (explicit) return { explicit: true, policy: (explicit[1] as string).toLowerCase() };
  const none = message ? NO_ALLOW.exec(message) : null;
  return { explicit: false, policy: none ? (none[1] as string).toLowerCase() : null };
}

/**
 * The event, or why the refused call is not one: its logged request sets no layers (no attempted
 * attach), or the record names no function at all (nothing to tell whom it was aimed at; the host
 * logs and counts it as ignored, with this reason).
 */
export function readDenied(
  kind: 'UpdateFunctionConfiguration' | 'CreateFunction',
  meta: EventMeta,
  actor: Actor,
  record: Json,
  req: Json | null,
): DeniedEvent | { ignored: string } {
  const requested = req ? readLayerList(req.layers) : ({ state: 'absent' } as const);
  // A logged request that sets no layers (or an empty list) asked for no layer: not an attempt.
  if (req && (requested.state === 'absent' || (requested.state === 'list' && requested.layers.length === 0)))
    return { ignored: 'a refused call that set no layers' };
  const errorMessage = typeof record.errorMessage === 'string' ? cut(record.errorMessage, 2048) : null;
  const named = errorMessage ? ON_RESOURCE.exec(errorMessage)?.[1] : undefined;
  const fn = readRequestedFunction(req, meta) ?? (named ? parseFunctionArn(named) : null);
  if (!fn)
    return { ignored: 'a refused call that names no function (no functionName, no resource in the message)' };
  return {
    kind: DENIED_KIND,
    call: kind,
    meta,
    actor,
    fn: { arn: fn.arn, name: fn.name, account: fn.account, region: fn.region, partition: fn.partition },
    requested,
    errorCode: cut(String(record.errorCode), 128),
    errorMessage,
    denial: denialOf(errorMessage),
  };
}
