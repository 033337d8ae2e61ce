/**
 * Finds a layer version's archive and a function's configuration with the caller's credentials, for
 * `layerwatch inspect ARN|FUNCTION`: GetLayerVersion (the layer ARN as LayerName plus the version,
 * what GetLayerVersionByArn answers too) gives `Content.Location`, a presigned HTTPS URL, which the
 * range reader (layer-archive-reader.ts) reads. That URL is a bearer credential for ten minutes: it
 * never leaves this file in a message, an error or a report.
 */
import {
  GetAliasCommand,
  GetFunctionConfigurationCommand,
  GetLayerVersionCommand,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import { parseLayerArn } from '../domain/arn.js';
import {
  type FunctionConfiguration,
  parseFunctionConfiguration,
} from '../domain/inspection/function-configuration.js';
import type { DeclaredCall } from './calls.js';
import { errorMessage, errorName } from './errors.js';
import { archiveOf } from './lambda-layer-reader.js';
import type { FetchFunction } from './layer-archive-http.js';
import { DEFAULT_BUDGET, LayerArchiveReader, type LayerArchiveResult } from './layer-archive-reader.js';
import type { ReadBudget } from './layer-archive-source.js';

/** AWS answered with an error, or with something that cannot be used: named, without the URL. */
export class LayerLocateError extends Error {
  override name = 'LayerLocateError';
}

/** A layer version as GetLayerVersion describes it. The location stays private to this adapter. */
export interface LayerVersionContent {
  arn: string;
  codeSize: number;
  /** Base64 SHA-256 of the archive, as Lambda gives it. */
  codeSha256: string;
  /** Content.Location: handed only to the archive fetch. */
  readonly location: string;
}

/**
 * Reads an archive's bytes at its location. Gets the layer too, so that a test can serve each layer
 * from its own server (moto's locations are all the literal `s3://`). @default httpsFetch
 */
export type LocationFetch = (
  location: string,
  init: RequestInit,
  layer: LayerVersionContent,
) => Promise<Response>;

/** The default fetch: HTTPS only (an `s3://` or other scheme is refused by name, never requested). */
export const httpsFetch: LocationFetch = (location, init) => {
  let scheme: string;
  try {
    scheme = new URL(location).protocol;
  } catch {
    return Promise.reject(new LayerLocateError('Content.Location is not a URL'));
  }
  if (scheme !== 'https:')
    return Promise.reject(
      new LayerLocateError(`Content.Location is not an HTTPS URL (scheme ${scheme}): it cannot be read`),
    );
  return fetch(location, init);
};

export interface LayerVersionLocatorProps {
  /** @default httpsFetch */
  fetch?: LocationFetch;
  /** @default DEFAULT_BUDGET of the range reader */
  budget?: ReadBudget;
}

export class LayerVersionLocator {
  /** What this adapter sends (see calls.ts); the archive read is signed by Lambda, not by us. */
  static readonly calls: readonly DeclaredCall[] = [
    { action: 'lambda:GetLayerVersion', resource: 'layer-version' },
    { action: 'lambda:GetFunctionConfiguration', resource: 'function' },
    { action: 'lambda:GetAlias', resource: 'function' },
  ];

  constructor(
    private readonly clientFor: (region: string) => LambdaClient,
    private readonly props: LayerVersionLocatorProps = {},
  ) {}

  /** The layer version's content; throws the SDK's error (named) or a LayerLocateError. */
  async layerVersion(versionArn: string): Promise<LayerVersionContent> {
    const parts = parseLayerArn(versionArn);
    if (!parts || parts.version === null)
      throw new LayerLocateError(`${versionArn} is not a layer version ARN`);
    const out = await this.clientFor(parts.region).send(
      new GetLayerVersionCommand({ LayerName: parts.layerArn, VersionNumber: parts.version }),
    );
    const archive = archiveOf(out);
    if (!archive)
      throw new LayerLocateError('GetLayerVersion answered without Content.Location, CodeSize or CodeSha256');
    return { arn: versionArn, codeSize: archive.size, codeSha256: archive.codeSha256, location: archive.url };
  }

  /** A function's configuration (name, partial or full ARN), of a version or alias when `qualifier` names one. */
  async functionConfiguration(
    functionName: string,
    region: string,
    qualifier?: string,
  ): Promise<FunctionConfiguration & { functionArn: string | null; version: string | null }> {
    const out = await this.clientFor(region).send(
      new GetFunctionConfigurationCommand({
        FunctionName: functionName,
        ...(qualifier ? { Qualifier: qualifier } : {}),
      }),
    );
    const { $metadata: _, ...doc } = out;
    try {
      return {
        ...parseFunctionConfiguration(doc),
        functionArn: out.FunctionArn ?? null,
        version: out.Version ?? null,
      };
    } catch (error) {
      throw new LayerLocateError(
        `GetFunctionConfiguration answered an unusable configuration: ${errorMessage(error)}`,
      );
    }
  }

  /** An alias's routing: the version it points to and each weighted one (GetAlias). */
  async aliasRouting(
    functionName: string,
    alias: string,
    region: string,
  ): Promise<{ version: string | null; weights: Record<string, number> }> {
    const out = await this.clientFor(region).send(
      new GetAliasCommand({ FunctionName: functionName, Name: alias }),
    );
    return {
      version: out.FunctionVersion ?? null,
      weights: { ...(out.RoutingConfig?.AdditionalVersionWeights ?? {}) },
    };
  }

  /** Reads the archive by ranges. Never throws; the location is scrubbed from every message. */
  async inspect(layer: LayerVersionContent, publisher: string | null = null): Promise<LayerArchiveResult> {
    const fetchAt = this.props.fetch ?? httpsFetch;
    const fetchFn: FetchFunction = (url, init) => fetchAt(url, init, layer);
    const reader = new LayerArchiveReader({ fetch: fetchFn, budget: this.props.budget ?? DEFAULT_BUDGET });
    // The reader keeps the location out of every text it returns.
    return reader.inspectArchive(
      { url: layer.location, size: layer.codeSize, codeSha256: layer.codeSha256 },
      publisher,
    );
  }
}

/** `Name: message` of an SDK or adapter error, one line, for stderr. */
export function describeAwsError(error: unknown): string {
  return `${errorName(error)}: ${errorMessage(error)}`.replace(/\s+/g, ' ').trim();
}
