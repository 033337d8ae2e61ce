/**
 * `layerwatch inspect` on what lives in AWS, with the caller's credentials: a layer version ARN (its
 * archive read by HTTP ranges at GetLayerVersion's presigned Content.Location, never downloaded
 * whole unless the server ignores Range), or a function (its variables, each attached layer read
 * the same way, and which layer shadows which). The report has the shape of a local input's.
 */
import { LambdaClient } from '@aws-sdk/client-lambda';
import { CLI_CALLS, sdkClient } from '../adapters/client-options.js';
import {
  describeAwsError,
  type LayerVersionContent,
  LayerVersionLocator,
} from '../adapters/layer-version-locator.js';
import { parseFunctionArn, parseLayerArn } from '../domain/arn.js';
import { inspectConfiguration } from '../domain/inspection/function-configuration.js';
import {
  type AttachedLayerContent,
  functionHookSignals,
  hookTargets,
} from '../domain/inspection/hook-targets.js';
import { type AttachedLayer, layerOverlap } from '../domain/inspection/layer-overlap.js';
import type { ArchiveEntry, InspectionGap, InspectionSignal } from '../domain/inspection/model.js';
import { publisherOf } from '../domain/publishers.js';

export interface InspectReport {
  source: string;
  kind: 'layer' | 'function' | 'attached-layers';
  /** Hex SHA-256 of the zip; CodeSha256 is the same digest in base64. */
  sha256: string | null;
  codeSha256: string | null;
  /** A function read from AWS: the sums over the attached layers read. */
  files: number | null;
  uncompressedBytes: number | null;
  functionName?: string | null;
  runtime?: string | null;
  layers?: string[];
  /**
   * A function read with a qualifier (`NAME:QUALIFIER`, or an ARN with one): the qualifier as given,
   * and each version it runs with its share of the traffic and its layers (an alias: its version and
   * each weighted one; a version or `$LATEST`: itself, share 1).
   */
  qualifier?: string;
  versions?: { version: string; share: number; layers: string[] }[];
  signals: InspectionSignal[];
  gaps: InspectionGap[];
  /** Read from AWS: how many bytes and requests the archive reads took. */
  transfer?: { bytes: number; requests: number; mode: string };
}

/** An input that could not be inspected: its message goes to stderr (exit 2). */
export class InspectInputError extends Error {
  override name = 'InspectInputError';
}

/** What an input names when it is not a local path. */
export type AwsInput =
  | { kind: 'layer'; arn: string }
  | { kind: 'function'; name: string; region: string | null; qualifier: string | null }
  | { kind: 'none'; why: string };

const QUALIFIER = '(?::(\\$LATEST(?:\\.PUBLISHED)?|[A-Za-z0-9_-]{1,128}))?$';
const BARE_FUNCTION = new RegExp(`^([A-Za-z0-9_-]{1,64})${QUALIFIER}`);
const PARTIAL_FUNCTION = new RegExp(`^(\\d{12}:function:[A-Za-z0-9_-]{1,64})${QUALIFIER}`);

/** Tells a layer version ARN, a function (ARN, partial ARN or name) and anything else apart. */
export function classifyAwsInput(input: string): AwsInput {
  const layer = parseLayerArn(input);
  if (layer)
    return layer.version === null
      ? { kind: 'none', why: 'a layer ARN without its version: name one (...:layer:NAME:N)' }
      : { kind: 'layer', arn: input };
  const fn = parseFunctionArn(input);
  if (fn) return { kind: 'function', name: fn.arn, region: fn.region, qualifier: fn.qualifier };
  const named = BARE_FUNCTION.exec(input) ?? PARTIAL_FUNCTION.exec(input);
  if (named) return { kind: 'function', name: named[1] as string, region: null, qualifier: named[2] ?? null };
  return { kind: 'none', why: 'no such file' };
}

export interface AwsInspection {
  report: InspectReport;
  /** A layer's entries, for --attached across inputs. */
  entries: ArchiveEntry[] | null;
  /** What could not be read (each a line on stderr); any makes the exit code 2. */
  problems: string[];
}

/** How inspect reaches AWS; the tests pass a locator pointed at moto or mocked clients. */
export interface AwsInspectDeps {
  locator: LayerVersionLocator;
  /** --region, or AWS_REGION / AWS_DEFAULT_REGION; null lets the SDK read the profile's. */
  region: string | null;
}

export function defaultAwsDeps(region: string | null): AwsInspectDeps {
  const clients = new Map<string, LambdaClient>();
  const clientFor = (r: string) => {
    let client = clients.get(r);
    if (!client) {
      client = sdkClient(LambdaClient, CLI_CALLS, { region: r || undefined });
      clients.set(r, client);
    }
    return client;
  };
  return { locator: new LayerVersionLocator(clientFor), region };
}

export async function inspectAwsInput(
  source: string,
  input: AwsInput,
  deps: AwsInspectDeps,
): Promise<AwsInspection> {
  if (input.kind === 'none') throw new InspectInputError(input.why);
  if (input.kind === 'layer') return inspectLayerVersion(source, input.arn, deps.locator);
  return inspectFunction(source, input, input.region ?? deps.region ?? '', deps.locator);
}

interface LayerRead {
  arn: string;
  layer: LayerVersionContent;
  files: number;
  uncompressedBytes: number;
  signals: InspectionSignal[];
  gaps: InspectionGap[];
  entries: ArchiveEntry[];
  transfer: { bytes: number; requests: number; mode: string };
}

/** GetLayerVersion then the range reads; throws InspectInputError when the archive was not read at all. */
async function readLayer(arn: string, locator: LayerVersionLocator): Promise<LayerRead> {
  let layer: LayerVersionContent;
  try {
    layer = await locator.layerVersion(arn);
  } catch (error) {
    throw new InspectInputError(describeAwsError(error));
  }
  const result = await locator.inspect(layer);
  if (result.status === 'unread' || result.error)
    throw new InspectInputError(
      `archive not read: ${result.error ? `${result.error.name}: ${result.error.message}` : 'unknown reason'}`,
    );
  return {
    arn,
    layer,
    files: result.report.files,
    uncompressedBytes: result.report.uncompressedBytes,
    signals: result.report.signals,
    gaps: result.report.gaps,
    entries: result.entries,
    transfer: {
      bytes: result.transfer.bytes,
      requests: result.transfer.requests,
      mode: result.transfer.mode,
    },
  };
}

/** CodeSha256 (base64) as the hex digest a local zip's report prints; null when it is not a SHA-256. */
function hexOf(codeSha256: string): string | null {
  const bytes = Buffer.from(codeSha256, 'base64');
  return bytes.length === 32 && bytes.toString('base64') === codeSha256 ? bytes.toString('hex') : null;
}

async function inspectLayerVersion(
  source: string,
  arn: string,
  locator: LayerVersionLocator,
): Promise<AwsInspection> {
  const read = await readLayer(arn, locator);
  return {
    report: {
      source,
      kind: 'layer',
      sha256: hexOf(read.layer.codeSha256),
      codeSha256: read.layer.codeSha256,
      files: read.files,
      uncompressedBytes: read.uncompressedBytes,
      signals: read.signals,
      gaps: read.gaps,
      transfer: read.transfer,
    },
    entries: read.entries,
    problems: [],
  };
}

/** The versions a qualifier runs: an alias's version and each weighted one (GetAlias), else itself. */
async function routesOf(
  name: string,
  qualifier: string | null,
  region: string,
  locator: LayerVersionLocator,
): Promise<{ version: string | null; share: number }[]> {
  if (qualifier === null || qualifier.startsWith('$LATEST') || /^\d+$/.test(qualifier))
    return [{ version: qualifier, share: 1 }];
  const alias = await locator.aliasRouting(name, qualifier, region);
  return aliasShares(alias);
}

/** An alias's routing as shares of its traffic (the weights' rest goes to its version). */
function aliasShares(alias: { version: string | null; weights: Record<string, number> }) {
  const extra = Object.entries(alias.weights).filter(([v]) => v !== alias.version);
  const rest = 1 - extra.reduce((sum, [, w]) => sum + w, 0);
  return [
    ...(alias.version ? [{ version: alias.version, share: Math.max(0, Math.round(rest * 1e6) / 1e6) }] : []),
    ...extra.map(([version, share]) => ({ version, share })),
  ];
}

type Configuration = Awaited<ReturnType<LayerVersionLocator['functionConfiguration']>>;

async function configurationOf(
  name: string,
  region: string,
  qualifier: string | null,
  locator: LayerVersionLocator,
): Promise<Configuration> {
  try {
    return await locator.functionConfiguration(name, region, qualifier ?? undefined);
  } catch (error) {
    if (!region && /region is missing/i.test((error as Error).message))
      throw new InspectInputError(
        'a function name needs a region: --region REGION (or AWS_REGION, or a profile with one)',
      );
    throw new InspectInputError(describeAwsError(error));
  }
}

async function inspectFunction(
  source: string,
  input: Extract<AwsInput, { kind: 'function' }>,
  region: string,
  locator: LayerVersionLocator,
): Promise<AwsInspection> {
  let routes: { version: string | null; share: number }[];
  try {
    routes = await routesOf(input.name, input.qualifier, region, locator);
  } catch (error) {
    throw new InspectInputError(describeAwsError(error));
  }
  const reads = new Map<string, Promise<LayerRead>>();
  const parts: { config: Configuration; part: ConfigurationPart; share: number }[] = [];
  for (const route of routes) {
    const config = await configurationOf(input.name, region, route.version, locator);
    parts.push({ config, part: await inspectLayersOf(config, locator, reads), share: route.share });
  }
  const first = parts[0] as (typeof parts)[number];
  const once = <T>(items: T[]) => [...new Map(items.map((i) => [JSON.stringify(i), i])).values()];
  const layers = [...new Set(parts.flatMap((p) => p.config.layers))];
  const read = [...new Set(parts.flatMap((p) => p.part.read))];
  const sum = (key: 'files' | 'uncompressedBytes' | 'bytes' | 'requests') =>
    [...new Map(parts.flatMap((p) => p.part.sizes.map((s) => [s.arn, s[key]] as const))).values()].reduce(
      (a, b) => a + b,
      0,
    );
  return {
    report: {
      source,
      kind: 'function',
      sha256: null,
      codeSha256: null,
      files: read.length > 0 ? sum('files') : null,
      uncompressedBytes: read.length > 0 ? sum('uncompressedBytes') : null,
      functionName: first.config.functionName,
      runtime: first.config.runtime,
      layers,
      ...(input.qualifier === null
        ? {}
        : {
            qualifier: input.qualifier,
            versions: parts.map((p) => ({
              version: p.config.version ?? '-',
              share: p.share,
              layers: p.config.layers,
            })),
          }),
      signals: once(parts.flatMap((p) => p.part.signals)),
      gaps: once(parts.flatMap((p) => p.part.gaps)),
      transfer: {
        bytes: sum('bytes'),
        requests: sum('requests'),
        mode: parts.find((p) => p.part.mode !== 'range')?.part.mode ?? 'range',
      },
    },
    entries: null,
    problems: [...new Set(parts.flatMap((p) => p.part.problems))],
  };
}

interface ConfigurationPart {
  signals: InspectionSignal[];
  gaps: InspectionGap[];
  problems: string[];
  /** Layers whose archives were read. */
  read: string[];
  sizes: { arn: string; files: number; uncompressedBytes: number; bytes: number; requests: number }[];
  mode: string;
}

/** One configuration's own signals, each attached layer read (once per input: `reads`), and overlaps. */
async function inspectLayersOf(
  config: Configuration,
  locator: LayerVersionLocator,
  reads: Map<string, Promise<LayerRead>>,
): Promise<ConfigurationPart> {
  const own = inspectConfiguration(config).signals;
  const out: ConfigurationPart = { signals: [], gaps: [], problems: [], read: [], sizes: [], mode: 'range' };
  const layerSignals: InspectionSignal[] = [];
  const contents: AttachedLayerContent[] = [];
  const attached: AttachedLayer[] = [];
  // One after the other, in the function's order: a function has at most five layers.
  for (const arn of config.layers) {
    try {
      if (!reads.has(arn)) reads.set(arn, readLayer(arn, locator));
      const read = await (reads.get(arn) as Promise<LayerRead>);
      layerSignals.push(...read.signals.map((s) => ({ ...s, layer: arn })));
      contents.push({
        arn,
        entries: read.entries,
        signals: read.signals,
        publisher: publisherOf(arn)?.name ?? null,
      });
      out.gaps.push(...read.gaps.map((g) => ({ ...g, path: g.path ? `${arn} ${g.path}` : arn })));
      attached.push({ name: arn, entries: read.entries });
      out.read.push(arn);
      out.sizes.push({
        arn,
        files: read.files,
        uncompressedBytes: read.uncompressedBytes,
        bytes: read.transfer.bytes,
        requests: read.transfer.requests,
      });
      if (read.transfer.mode !== 'range') out.mode = read.transfer.mode;
    } catch (error) {
      const message = (error as Error).message;
      out.gaps.push({ path: arn, reason: `layer not read: ${message}` });
      out.problems.push(`layer ${arn}: ${message}`);
    }
  }
  // Each hook that runs a layer's file is named with that file and layer, lowered for a known publisher.
  out.signals.push(...functionHookSignals(own, hookTargets(config), contents), ...layerSignals);
  if (attached.length > 1) out.signals.push(...layerOverlap(attached));
  return out;
}
