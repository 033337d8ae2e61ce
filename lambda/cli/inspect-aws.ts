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
  | { kind: 'function'; name: string; region: string | null }
  | { kind: 'none'; why: string };

const BARE_FUNCTION = /^[A-Za-z0-9_-]{1,64}(?::(\$LATEST|[A-Za-z0-9_-]{1,128}))?$/;
const PARTIAL_FUNCTION = /^\d{12}:function:[A-Za-z0-9_-]{1,64}(?::(\$LATEST|[A-Za-z0-9_-]{1,128}))?$/;

/** Tells a layer version ARN, a function (ARN, partial ARN or name) and anything else apart. */
export function classifyAwsInput(input: string): AwsInput {
  const layer = parseLayerArn(input);
  if (layer)
    return layer.version === null
      ? { kind: 'none', why: 'a layer ARN without its version: name one (...:layer:NAME:N)' }
      : { kind: 'layer', arn: input };
  const fn = parseFunctionArn(input);
  if (fn) return { kind: 'function', name: input, region: fn.region };
  if (BARE_FUNCTION.test(input) || PARTIAL_FUNCTION.test(input))
    return { kind: 'function', name: input, region: null };
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
  return inspectFunction(source, input.name, input.region ?? deps.region ?? '', deps.locator);
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

async function inspectFunction(
  source: string,
  name: string,
  region: string,
  locator: LayerVersionLocator,
): Promise<AwsInspection> {
  let config: Awaited<ReturnType<LayerVersionLocator['functionConfiguration']>>;
  try {
    config = await locator.functionConfiguration(name, region);
  } catch (error) {
    if (!region && /region is missing/i.test((error as Error).message))
      throw new InspectInputError(
        'a function name needs a region: --region REGION (or AWS_REGION, or a profile with one)',
      );
    throw new InspectInputError(describeAwsError(error));
  }
  const own = inspectConfiguration(config).signals;
  const layerSignals: InspectionSignal[] = [];
  const contents: AttachedLayerContent[] = [];
  const gaps: InspectionGap[] = [];
  const problems: string[] = [];
  const attached: AttachedLayer[] = [];
  const transfer = { bytes: 0, requests: 0, mode: 'range' };
  let files = 0;
  let uncompressedBytes = 0;
  // One after the other, in the function's order: a function has at most five layers.
  for (const arn of config.layers) {
    try {
      const read = await readLayer(arn, locator);
      layerSignals.push(...read.signals.map((s) => ({ ...s, layer: arn })));
      contents.push({
        arn,
        entries: read.entries,
        signals: read.signals,
        publisher: publisherOf(arn)?.name ?? null,
      });
      gaps.push(...read.gaps.map((g) => ({ ...g, path: g.path ? `${arn} ${g.path}` : arn })));
      attached.push({ name: arn, entries: read.entries });
      files += read.files;
      uncompressedBytes += read.uncompressedBytes;
      transfer.bytes += read.transfer.bytes;
      transfer.requests += read.transfer.requests;
      if (read.transfer.mode !== 'range') transfer.mode = read.transfer.mode;
    } catch (error) {
      const message = (error as Error).message;
      gaps.push({ path: arn, reason: `layer not read: ${message}` });
      problems.push(`layer ${arn}: ${message}`);
    }
  }
  // Each hook that runs a layer's file is named with that file and layer, lowered for a known publisher.
  const signals = [...functionHookSignals(own, hookTargets(config), contents), ...layerSignals];
  if (attached.length > 1) signals.push(...layerOverlap(attached));
  return {
    report: {
      source,
      kind: 'function',
      sha256: null,
      codeSha256: null,
      files: attached.length > 0 ? files : null,
      uncompressedBytes: attached.length > 0 ? uncompressedBytes : null,
      functionName: config.functionName,
      runtime: config.runtime,
      layers: config.layers,
      signals,
      gaps,
      transfer,
    },
    entries: null,
    problems,
  };
}
