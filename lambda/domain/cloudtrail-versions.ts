/**
 * Records of the calls that publish a version or move an alias: PublishVersion, CreateAlias,
 * UpdateAlias, DeleteAlias, and the `publish: true` of CreateFunction and UpdateFunctionCode. Shapes
 * as CloudTrail logs them: the PublishVersion response is the version's configuration (`version`,
 * `layers` as `{arn, codeSize}`, a qualified `functionArn`); an alias response carries `aliasArn`,
 * `functionVersion` and `routingConfig.additionalVersionWeights`; UpdateAlias may omit
 * `functionVersion` (the weights change alone).
 */
import { parseFunctionArn } from './arn.js';
import { isObject, type Json, readLayerList, readRequestedFunction, str } from './cloudtrail-values.js';
import type {
  Actor,
  AliasEvent,
  AliasRouting,
  EventMeta,
  FunctionRef,
  LayerList,
  VersionEvent,
  VersionPublication,
} from './model.js';

/** The version a Managed Instances function's `PublishTo: LATEST_PUBLISHED` publishes in place. */
export const LATEST_PUBLISHED_VERSION = '$LATEST.PUBLISHED';
/** A version Lambda numbers (`$LATEST` is no published version). */
const VERSION = /^\d{1,10}$/;
const ALIAS = /^(?!^[0-9]+$)[a-zA-Z0-9-_]{1,128}$/;
/** Versions an alias's routing may name: at most a few; anything past them is not kept. */
const MAX_WEIGHTS = 8;

function functionOf(meta: EventMeta, req: Json | null, res: Json | null): FunctionRef | null {
  const arn = str(res?.functionArn) ?? str(res?.aliasArn);
  const parsed = (arn ? parseFunctionArn(arn) : null) ?? readRequestedFunction(req, meta);
  if (!parsed) return null;
  return {
    arn: parsed.arn,
    name: parsed.name,
    account: parsed.account,
    region: parsed.region,
    partition: parsed.partition,
  };
}

/**
 * The version a call published, from its response (the version's configuration); null when the
 * response names no numbered version (`$LATEST`: nothing was published).
 */
export function publicationIn(req: Json | null, res: Json | null): VersionPublication | null {
  const version = str(res?.version);
  // Managed Instances: PublishTo LATEST_PUBLISHED answers the version `$LATEST.PUBLISHED`, republished
  // in place (no number), which is what every unqualified invoke runs.
  if (!version || !(VERSION.test(version) || version === LATEST_PUBLISHED_VERSION)) return null;
  // A configuration response omits `layers` when the version has none.
  const layers: LayerList =
    res?.layers === undefined ? { state: 'list', layers: [] } : readLayerList(res.layers);
  const provider = capacityProviderIn(res);
  return {
    version,
    layers,
    codeSha256: str(res?.codeSha256),
    publishTo: str(req?.publishTo),
    ...(provider ? { capacityProvider: provider } : {}),
  };
}

/** `capacityProviderConfig.lambdaManagedInstancesCapacityProviderConfig.capacityProviderArn` of a configuration. */
function capacityProviderIn(res: Json | null): string | null {
  const config = isObject(res?.capacityProviderConfig) ? res.capacityProviderConfig : null;
  const managed = isObject(config?.lambdaManagedInstancesCapacityProviderConfig)
    ? config.lambdaManagedInstancesCapacityProviderConfig
    : null;
  const arn = str(managed?.capacityProviderArn);
  return arn && CAPACITY_PROVIDER.test(arn) ? arn : null;
}

const CAPACITY_PROVIDER =
  /^arn:[a-z0-9-]{1,32}:lambda:[a-z0-9-]{1,64}:\d{12}:capacity-provider:[A-Za-z0-9_-]{1,140}$/;

export function readVersion(
  meta: EventMeta,
  actor: Actor,
  req: Json | null,
  res: Json | null,
): VersionEvent | string {
  const fn = functionOf(meta, req, res);
  if (!fn) return 'cannot tell which function: no functionArn in the response, no usable functionName';
  const published = publicationIn(req, res);
  if (!published) return 'PublishVersion without a numbered version in its response';
  return { kind: 'PublishVersion', meta, actor, fn, published };
}

/** `routingConfig.additionalVersionWeights`: version -> weight in [0, 1]; null when not stated. */
function weightsOf(value: unknown): Record<string, number> | null | string {
  if (value === undefined || value === null) return null;
  if (!isObject(value)) return 'routingConfig is not an object';
  const raw = value.additionalVersionWeights ?? value.additionalVersionWeight;
  if (raw === undefined || raw === null) return {};
  if (!isObject(raw)) return 'additionalVersionWeights is not an object';
  const weights: Record<string, number> = {};
  for (const [version, weight] of Object.entries(raw).slice(0, MAX_WEIGHTS)) {
    const w = typeof weight === 'number' ? weight : typeof weight === 'string' ? Number(weight) : Number.NaN;
    if (!VERSION.test(version) || !(w >= 0 && w <= 1)) return `a routing weight is not a version and a share`;
    weights[version] = w;
  }
  return weights;
}

export function readAlias(
  kind: AliasEvent['kind'],
  meta: EventMeta,
  actor: Actor,
  req: Json | null,
  res: Json | null,
): AliasEvent | string {
  const fn = functionOf(meta, req, res);
  if (!fn) return 'cannot tell which function: no aliasArn in the response, no usable functionName';
  const fromArn = str(res?.aliasArn) ? parseFunctionArn(str(res?.aliasArn) as string)?.qualifier : null;
  const alias = str(res?.name) ?? str(req?.name) ?? fromArn ?? null;
  if (!alias || !ALIAS.test(alias)) return `${kind} without a readable alias name`;
  if (kind === 'DeleteAlias') return { kind, meta, actor, fn, alias, routing: null };
  const version = str(res?.functionVersion) ?? str(req?.functionVersion);
  // A response describes the whole alias: no routingConfig there is no second version.
  const stated = weightsOf(res ? res.routingConfig : req?.routingConfig);
  if (typeof stated === 'string') return stated;
  const weights = res && stated === null ? {} : stated;
  const routing: AliasRouting = {
    version: version && VERSION.test(version) ? version : version === '$LATEST' ? '$LATEST' : null,
    weights,
  };
  return { kind, meta, actor, fn, alias, routing };
}
