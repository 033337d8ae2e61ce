/** Small readers of untrusted CloudTrail values, shared by the tamper readers: never throw, cut long text. */
import { resolveFunction } from './arn.js';
import type { ConfigurationRequest, EventMeta, LayerList } from './model.js';
import { cut } from './text.js';

export type Json = Record<string, unknown>;
/** Longest string kept from a tamper record. */
export const MAX = 2048;

/** Where a call was made: what a name is resolved against to build an ARN. */
export interface Where {
  partition: string;
  region: string;
  account: string;
}

export const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
export const str = (v: unknown): string | null =>
  typeof v === 'string' && v.length > 0 ? cut(v, MAX) : null;
export const bool = (v: unknown): boolean | null =>
  v === true || v === 'true' ? true : v === false || v === 'false' ? false : null;
export const num = (v: unknown): number | null =>
  typeof v === 'number' && Number.isFinite(v)
    ? v
    : typeof v === 'string' && /^-?\d{1,12}(\.\d{1,6})?$/.test(v)
      ? Number(v)
      : null;
export const strings = (v: unknown): string[] =>
  Array.isArray(v)
    ? v
        .filter((x): x is string => typeof x === 'string')
        .map((x) => cut(x, MAX))
        .slice(0, 64)
    : [];
export const objects = (v: unknown): Json[] => (Array.isArray(v) ? v.filter(isObject).slice(0, 64) : []);

/** A list as one small value: its items joined by commas (null when empty). */
export const joined = (items: readonly string[]): string | null =>
  items.length > 0 ? cut(items.join(','), MAX) : null;

/**
 * True when a policy document (JSON text, as CloudTrail logs `policyDocument`, `policy`) has a
 * statement with `"Effect": "Deny"`; null when it is not readable JSON.
 */
export function hasDeny(policy: unknown): boolean | null {
  let value: unknown = policy;
  if (typeof policy === 'string') {
    try {
      value = JSON.parse(policy.length > 200_000 ? '' : policy);
    } catch {
      return null;
    }
  }
  if (!isObject(value)) return null;
  const statements = Array.isArray(value.Statement) ? value.Statement : [value.Statement];
  return statements.some((s) => isObject(s) && s.Effect === 'Deny');
}

/**
 * What an UpdateFunctionConfiguration request set: its members but the function's name, and the
 * environment variables' names when the record lists them (values are never read).
 */
export function configurationRequestOf(req: Json | null): ConfigurationRequest {
  const r = req ?? {};
  const members = Object.keys(r)
    .filter((k) => k !== 'functionName' && k !== 'fullyQualifiedArn' && r[k] !== undefined && r[k] !== null)
    .sort()
    .slice(0, 64);
  const env = isObject(r.environment) ? r.environment : null;
  const variables = env && isObject(env.variables) ? env.variables : null;
  return {
    members,
    environmentKeys: variables
      ? Object.keys(variables)
          .map((k) => cut(k, 128))
          .sort()
          .slice(0, 64)
      : null,
  };
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value;
}

/**
 * Reads a layer list. Requests carry ARN strings; responses carry `{arn, codeSize}` objects; some
 * records serialize arrays as objects keyed "0", "1", ... (seen for other list fields).
 */
export function readLayerList(value: unknown): LayerList {
  if (value === undefined || value === null) return { state: 'absent' };
  let items: unknown[];
  if (Array.isArray(value)) items = value;
  else if (isObject(value) && Object.keys(value).every((k) => /^\d+$/.test(k))) {
    items = Object.keys(value)
      .sort((a, b) => Number(a) - Number(b))
      .map((k) => value[k]);
  } else return { state: 'unreadable', detail: `layers is ${kindOf(value)}` };
  const layers: string[] = [];
  for (const item of items) {
    const arn = typeof item === 'string' ? item : isObject(item) ? item.arn : undefined;
    if (typeof arn !== 'string' || arn.length === 0) {
      return { state: 'unreadable', detail: `a layer entry is ${kindOf(item)} without an ARN` };
    }
    layers.push(cut(arn, MAX));
  }
  return { state: 'list', layers };
}

/** The function a request names (`functionName`, or the newer structured `fullyQualifiedArn`). */
export function readRequestedFunction(req: Json | null, meta: EventMeta) {
  if (!req) return null;
  if (typeof req.functionName === 'string')
    return resolveFunction(req.functionName, meta.region, meta.account);
  // Newer records describe the target as a structured ARN.
  const fq = isObject(req.fullyQualifiedArn) ? req.fullyQualifiedArn : null;
  const prefix = fq && isObject(fq.arnPrefix) ? fq.arnPrefix : {};
  const relative = fq && isObject(fq.relativeId) ? fq.relativeId : {};
  if (typeof relative.functionName !== 'string') return null;
  const region = typeof prefix.region === 'string' ? prefix.region : meta.region;
  const account = typeof prefix.account === 'string' ? prefix.account : meta.account;
  return resolveFunction(relative.functionName, region, account);
}
