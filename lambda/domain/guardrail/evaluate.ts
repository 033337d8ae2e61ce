/**
 * A small, exact evaluator of the statements `buildGuardrail` writes, and the replay of a CloudTrail
 * history against them. It knows only what the generator emits (Deny or Allow, an action list,
 * `Resource: *`, `ForAnyValue:StringNotLike` on `lambda:Layer`, `ArnNotLike` on `aws:PrincipalArn`)
 * and refuses anything else, so it can never guess; the tests hold it against an IAM simulator.
 */
import { type Actor, type FunctionEvent, isFunctionEvent, type LambdaEvent } from '../model.js';
import {
  GuardrailError,
  type GuardrailPolicy,
  type GuardrailStatement,
  LAYER_KEY,
  PRINCIPAL_KEY,
  stringLike,
} from './policy.js';

export interface GuardrailRequest {
  /** `lambda:CreateFunction` or `lambda:UpdateFunctionConfiguration`. */
  action: string;
  /** `lambda:Layer`: the requested layer version ARNs; null when the request sets no layers. */
  layers: readonly string[] | null;
  /** `aws:PrincipalArn`; null when unknown (the key is then absent). */
  principalArn: string | null;
}

/** IAM's ArnLike: each of the six colon-separated parts matched alone, with `*` and `?`. */
export function arnLike(pattern: string, value: string): boolean {
  const parts = (s: string) => {
    const p = s.split(':');
    return p.length < 6 ? null : [...p.slice(0, 5), p.slice(5).join(':')];
  };
  const a = parts(pattern);
  const b = parts(value);
  return a !== null && b !== null && a.every((x, i) => stringLike(x, b[i] as string));
}

function actionMatches(action: string | string[], requested: string): boolean {
  const actions = Array.isArray(action) ? action : [action];
  return actions.some((a) => a === '*' || a.toLowerCase() === requested.toLowerCase());
}

function conditionHolds(operator: string, key: string, values: string[], request: GuardrailRequest): boolean {
  if (operator === 'ForAnyValue:StringNotLike' && key === LAYER_KEY) {
    // An absent or empty key: no value to test, so "for any value" is false.
    return (request.layers ?? []).some((layer) => !values.some((p) => stringLike(p, layer)));
  }
  if (operator === 'ArnNotLike' && key === PRINCIPAL_KEY) {
    // A negated operator holds when the key is absent.
    return request.principalArn === null || !values.some((p) => arnLike(p, request.principalArn as string));
  }
  throw new GuardrailError(
    `the evaluator does not know ${operator} on ${key}: not a statement the guardrail writes`,
  );
}

export function statementApplies(statement: GuardrailStatement, request: GuardrailRequest): boolean {
  if (statement.Resource !== '*')
    throw new GuardrailError(`the evaluator knows Resource "*" only (${statement.Sid})`);
  if (!actionMatches(statement.Action, request.action)) return false;
  return Object.entries(statement.Condition ?? {}).every(([operator, keys]) =>
    Object.entries(keys).every(([key, values]) => conditionHolds(operator, key, values, request)),
  );
}

/** True when a Deny statement of the policy applies to the request (the guardrail refuses it). */
export function deniedBy(policy: GuardrailPolicy, request: GuardrailRequest): boolean {
  return policy.Statement.some((s) => s.Effect === 'Deny' && statementApplies(s, request));
}

/** The layers of a request outside the policy's allowed list. */
export function outsideAllowed(policy: GuardrailPolicy, layers: readonly string[]): string[] {
  const allowed = policy.Statement.flatMap(
    (s) => s.Condition?.['ForAnyValue:StringNotLike']?.[LAYER_KEY] ?? [],
  );
  return outsidePatterns(allowed, layers);
}

/** The layers that match none of the allowed patterns (IAM's StringLike). */
export function outsidePatterns(allowed: readonly string[], layers: readonly string[]): string[] {
  return layers.filter((layer) => !allowed.some((p) => stringLike(p, layer)));
}

/**
 * `aws:PrincipalArn` of the caller as the record names it: the role of an assumed-role session
 * (with its path), the user, the root; null when the record names no IAM principal.
 */
export function principalArnOf(actor: Actor): string | null {
  if (actor.type === 'AssumedRole') return actor.sessionIssuerArn;
  if (actor.type === 'IAMUser' || actor.type === 'Root' || actor.type === 'FederatedUser') return actor.arn;
  return null;
}

export type ReplayVerdict = 'denied' | 'exempt' | 'unevaluated';

export interface ReplayedCall {
  event: FunctionEvent;
  verdict: ReplayVerdict;
  principalArn: string | null;
  /** The requested layers outside the allowed list. */
  layers: string[];
  /** Why a call could not be judged. */
  reason: string | null;
}

export interface Replay {
  /** Layer-setting calls judged. */
  evaluated: number;
  /** Calls the policy would have refused, or let through only because their principal is exempt, or could not judge. */
  calls: ReplayedCall[];
}

function replayCall(policy: GuardrailPolicy, event: FunctionEvent): ReplayedCall | null {
  const principalArn = principalArnOf(event.actor);
  const base = { event, principalArn };
  if (event.requested.state === 'unreadable')
    return {
      ...base,
      verdict: 'unevaluated',
      layers: [],
      reason: `layer list unreadable (${event.requested.detail})`,
    };
  if (event.requested.state === 'absent') return null;
  const layers = outsideAllowed(policy, event.requested.layers);
  if (layers.length === 0) return null;
  // Without aws:PrincipalArn the call cannot be judged: an exemption might have named its caller,
  // and a service acting on its own behalf is not held by a service control policy.
  if (principalArn === null)
    return {
      ...base,
      verdict: 'unevaluated',
      layers,
      reason: `no IAM principal in the record (${event.actor.type ?? 'no type'})`,
    };
  const request = { action: `lambda:${event.kind}`, layers: event.requested.layers, principalArn };
  if (deniedBy(policy, request)) return { ...base, verdict: 'denied', layers, reason: null };
  return { ...base, verdict: 'exempt', layers, reason: null };
}

/** Replays every call that set a function's layers; the rest of the history is not the guardrail's. */
export function replay(policy: GuardrailPolicy, events: readonly LambdaEvent[]): Replay {
  const calls: ReplayedCall[] = [];
  let evaluated = 0;
  for (const event of events) {
    if (!isFunctionEvent(event) || event.requested.state === 'absent') continue;
    evaluated += 1;
    const call = replayCall(policy, event);
    if (call) calls.push(call);
  }
  return { evaluated, calls };
}
