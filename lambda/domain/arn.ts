/**
 * Lambda ARNs. Layer version ARNs look like
 * `arn:aws:lambda:us-east-1:123456789012:layer:my-layer:3`; function ARNs like
 * `arn:aws:lambda:us-east-1:123456789012:function:my-fn` (optionally with a qualifier).
 * Parsing is strict about structure but not about region names (anonymized corpora use made-up ones).
 */

const LAYER_ARN =
  /^arn:([a-z0-9-]{1,32}):lambda:([a-z0-9-]{1,64}):(\d{12}):layer:([A-Za-z0-9_-]{1,140})(?::(\d{1,10}))?$/;
const FUNCTION_ARN =
  /^arn:([a-z0-9-]{1,32}):lambda:([a-z0-9-]{1,64}):(\d{12}):function:([A-Za-z0-9_-]{1,170})(?::(\$LATEST(?:\.PUBLISHED)?|[A-Za-z0-9_-]{1,128}))?$/;
const PARTIAL_FUNCTION_ARN =
  /^(\d{12}):function:([A-Za-z0-9_-]{1,170})(?::(\$LATEST(?:\.PUBLISHED)?|[A-Za-z0-9_-]{1,128}))?$/;
const FUNCTION_NAME = /^[A-Za-z0-9_-]{1,170}$/;
const LAYER_NAME = /^[A-Za-z0-9_-]{1,140}$/;
const ACCOUNT = /^\d{12}$/;

export interface LayerArnParts {
  partition: string;
  region: string;
  account: string;
  name: string;
  /** Null for an unversioned layer ARN. */
  version: number | null;
  /** The ARN without its version. */
  layerArn: string;
}

export interface FunctionArnParts {
  partition: string;
  region: string;
  account: string;
  name: string;
  qualifier: string | null;
  /** The unqualified function ARN. */
  arn: string;
}

export function parseLayerArn(value: string): LayerArnParts | null {
  const m = LAYER_ARN.exec(value);
  if (!m) return null;
  const version = m[5];
  const parsedVersion = version === undefined ? null : Number(version);
  return {
    partition: m[1] ?? '',
    region: m[2] ?? '',
    account: m[3] ?? '',
    name: m[4] ?? '',
    version: parsedVersion !== null && Number.isSafeInteger(parsedVersion) ? parsedVersion : null,
    // The whole match is the value: without its version, it is the unversioned ARN.
    layerArn: version === undefined ? value : value.slice(0, value.length - version.length - 1),
  };
}

/**
 * The identity of a layer regardless of version: two entries with the same key are the same layer.
 * A string that is not a layer ARN is its own key, so malformed entries still diff consistently.
 */
export function layerKey(value: string): string {
  // parseLayerArn(value)?.layerArn ?? value, without its parts: a layer ARN's key is the ARN up to
  // its version. No part holds a colon, so the version's colon is the seventh; the first `:layer:`
  // is no anchor, as the partition and region may be `layer` themselves.
  if (!LAYER_ARN.test(value)) return value;
  let colon = -1;
  for (let n = 0; n < 7; n++) {
    colon = value.indexOf(':', colon + 1);
    if (colon < 0) return value;
  }
  return value.slice(0, colon);
}

export function parseFunctionArn(value: string): FunctionArnParts | null {
  const m = FUNCTION_ARN.exec(value);
  if (!m) return null;
  const qualifier = m[5];
  return {
    partition: m[1] ?? '',
    region: m[2] ?? '',
    account: m[3] ?? '',
    name: m[4] ?? '',
    qualifier: qualifier ?? null,
    // The whole match is the value: without its qualifier, it is the unqualified ARN.
    arn: qualifier === undefined ? value : value.slice(0, value.length - qualifier.length - 1),
  };
}

/** The partition a region belongs to (for building ARNs from names). */
export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  if (region.startsWith('us-iso-')) return 'aws-iso';
  if (region.startsWith('us-isob-')) return 'aws-iso-b';
  if (region.startsWith('eusc-')) return 'aws-eusc';
  return 'aws';
}

/**
 * Resolves what the API accepts as `FunctionName` (name, partial ARN or full ARN) to a function
 * ARN, using the event's region and account for the parts a name leaves out.
 */
export function resolveFunction(value: string, region: string, account: string): FunctionArnParts | null {
  const full = parseFunctionArn(value);
  if (full) return full;
  const partial = PARTIAL_FUNCTION_ARN.exec(value);
  if (partial) {
    const [, acct = '', name = '', qualifier] = partial;
    return build(region, acct, name, qualifier ?? null);
  }
  if (FUNCTION_NAME.test(value) && ACCOUNT.test(account)) return build(region, account, value, null);
  return null;
}

function build(region: string, account: string, name: string, qualifier: string | null): FunctionArnParts {
  const partition = partitionOf(region);
  return {
    partition,
    region,
    account,
    name,
    qualifier,
    arn: `arn:${partition}:lambda:${region}:${account}:function:${name}`,
  };
}

/** Resolves a `LayerName` (name or layer ARN) plus a version number to a layer reference. */
export function resolveLayer(
  layerName: string,
  version: number | null,
  region: string,
  account: string,
): LayerArnParts | null {
  const parsed = parseLayerArn(layerName);
  if (parsed) return { ...parsed, version: parsed.version ?? version };
  if (!LAYER_NAME.test(layerName) || !ACCOUNT.test(account)) return null;
  const partition = partitionOf(region);
  return {
    partition,
    region,
    account,
    name: layerName,
    version,
    layerArn: `arn:${partition}:lambda:${region}:${account}:layer:${layerName}`,
  };
}

export function isAccountId(value: string): boolean {
  return ACCOUNT.test(value);
}
