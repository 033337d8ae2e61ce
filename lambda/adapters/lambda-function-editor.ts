/**
 * What `layerwatch revert` reads and writes of a function, with the responder's own credentials
 * (the detector never holds these writes): a snapshot (configuration, versions, aliases, tags,
 * reserved concurrency), `$LATEST`'s layers and an alias's routing written with the `RevisionId`
 * they were planned from (AWS answers 412 PreconditionFailedException to a stale one), and the
 * reserved concurrency. A failure throws a FunctionEditError naming the call and AWS's error.
 */
import {
  DeleteFunctionConcurrencyCommand,
  GetFunctionConcurrencyCommand,
  GetFunctionConfigurationCommand,
  type LambdaClient,
  ListAliasesCommand,
  ListTagsCommand,
  ListVersionsByFunctionCommand,
  PutFunctionConcurrencyCommand,
  UpdateAliasCommand,
  UpdateFunctionConfigurationCommand,
} from '@aws-sdk/client-lambda';
import { parseFunctionArn } from '../domain/arn.js';
import {
  type AliasSnapshot,
  type FunctionSnapshot,
  type Routing,
  STACK_NAME_TAG,
  type VersionSnapshot,
} from '../domain/revert/snapshot.js';
import type { DeclaredCall } from './calls.js';
import { errorMessage, errorName } from './errors.js';

export class FunctionEditError extends Error {
  override name = 'FunctionEditError';
}

async function ask<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw new FunctionEditError(`${what}: ${errorName(error)}: ${errorMessage(error)}`, { cause: error });
  }
}

const layersOf = (list: { Arn?: string }[] | undefined) =>
  (list ?? []).map((l) => l.Arn).filter((a): a is string => typeof a === 'string');

/** How long to wait for an update of `$LATEST` to finish before the next write (Lambda refuses one meanwhile). */
const SETTLE_POLLS = 60;

export class LambdaFunctionEditor {
  /** What `layerwatch revert` sends (README: Respond). */
  static readonly calls: readonly DeclaredCall[] = [
    { action: 'lambda:GetFunctionConfiguration', resource: 'function' },
    { action: 'lambda:ListVersionsByFunction', resource: 'function' },
    { action: 'lambda:ListAliases', resource: 'function' },
    { action: 'lambda:ListTags', resource: 'function' },
    { action: 'lambda:GetFunctionConcurrency', resource: 'function' },
    { action: 'lambda:UpdateFunctionConfiguration', resource: 'function' },
    { action: 'lambda:UpdateAlias', resource: 'function' },
    { action: 'lambda:PutFunctionConcurrency', resource: 'function' },
    { action: 'lambda:DeleteFunctionConcurrency', resource: 'function' },
  ];

  /** @param clientFor the Lambda client of a region (the function's). */
  constructor(
    private readonly clientFor: (region: string) => LambdaClient,
    private readonly pause: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {}

  private client(arn: string): LambdaClient {
    const parsed = parseFunctionArn(arn);
    if (!parsed) throw new FunctionEditError(`${arn}: not a function ARN`);
    return this.clientFor(parsed.region);
  }

  async snapshot(arn: string): Promise<FunctionSnapshot> {
    const parsed = parseFunctionArn(arn);
    if (!parsed) throw new FunctionEditError(`${arn}: not a function ARN`);
    const c = this.client(arn);
    const [config, versions, aliases, tags, concurrency] = await Promise.all([
      ask(`reading ${arn}`, () => c.send(new GetFunctionConfigurationCommand({ FunctionName: arn }))),
      this.versions(arn),
      this.aliases(arn),
      ask(`reading the tags of ${arn}`, () => c.send(new ListTagsCommand({ Resource: arn }))),
      ask(`reading the concurrency of ${arn}`, () =>
        c.send(new GetFunctionConcurrencyCommand({ FunctionName: arn })),
      ),
    ]);
    return {
      arn: parsed.arn,
      name: parsed.name,
      account: parsed.account,
      region: parsed.region,
      layers: layersOf(config.Layers),
      revisionId: config.RevisionId ?? null,
      role: config.Role ?? null,
      stackName: tags.Tags?.[STACK_NAME_TAG] ?? null,
      reservedConcurrency: concurrency.ReservedConcurrentExecutions ?? null,
      versions,
      aliases,
    };
  }

  private async versions(arn: string): Promise<VersionSnapshot[]> {
    const out: VersionSnapshot[] = [];
    let marker: string | undefined;
    do {
      const page = await ask(`listing the versions of ${arn}`, () =>
        this.client(arn).send(new ListVersionsByFunctionCommand({ FunctionName: arn, Marker: marker })),
      );
      for (const v of page.Versions ?? [])
        if (v.Version && v.Version !== '$LATEST')
          out.push({ version: v.Version, layers: layersOf(v.Layers) });
      marker = page.NextMarker;
    } while (marker);
    return out.sort((a, b) => Number(a.version) - Number(b.version));
  }

  private async aliases(arn: string): Promise<AliasSnapshot[]> {
    const out: AliasSnapshot[] = [];
    let marker: string | undefined;
    do {
      const page = await ask(`listing the aliases of ${arn}`, () =>
        this.client(arn).send(new ListAliasesCommand({ FunctionName: arn, Marker: marker })),
      );
      for (const a of page.Aliases ?? [])
        if (a.Name && a.FunctionVersion)
          out.push({
            name: a.Name,
            version: a.FunctionVersion,
            weights: { ...(a.RoutingConfig?.AdditionalVersionWeights ?? {}) },
            revisionId: a.RevisionId ?? null,
          });
      marker = page.NextMarker;
    } while (marker);
    return out;
  }

  /** Sets `$LATEST`'s layers if its revision is still `revisionId`; waits for the update; returns the new revision. */
  async setLayers(arn: string, layers: readonly string[], revisionId: string | null): Promise<string | null> {
    const out = await ask(`updating the layers of ${arn}`, () =>
      this.client(arn).send(
        new UpdateFunctionConfigurationCommand({
          FunctionName: arn,
          Layers: [...layers],
          ...(revisionId ? { RevisionId: revisionId } : {}),
        }),
      ),
    );
    return this.settled(arn, out.RevisionId ?? null, out.LastUpdateStatus);
  }

  /** Lambda refuses a write while an update is in progress: wait for it to end (and say how it ended). */
  private async settled(
    arn: string,
    revision: string | null,
    status: string | undefined,
  ): Promise<string | null> {
    let latest = { revision, status };
    for (let i = 0; i < SETTLE_POLLS && latest.status === 'InProgress'; i += 1) {
      await this.pause(1000);
      const c = await ask(`reading ${arn}`, () =>
        this.client(arn).send(new GetFunctionConfigurationCommand({ FunctionName: arn })),
      );
      latest = { revision: c.RevisionId ?? null, status: c.LastUpdateStatus };
    }
    if (latest.status === 'Failed')
      throw new FunctionEditError(`updating the layers of ${arn}: the update failed`);
    return latest.revision;
  }

  /** Repoints an alias if its revision is still `revisionId`; returns the new revision. */
  async setRouting(
    arn: string,
    alias: string,
    to: Routing,
    revisionId: string | null,
  ): Promise<string | null> {
    const out = await ask(`updating alias ${alias} of ${arn}`, () =>
      this.client(arn).send(
        new UpdateAliasCommand({
          FunctionName: arn,
          Name: alias,
          FunctionVersion: to.version,
          RoutingConfig: { AdditionalVersionWeights: { ...to.weights } },
          ...(revisionId ? { RevisionId: revisionId } : {}),
        }),
      ),
    );
    return out.RevisionId ?? null;
  }

  /** Reserved concurrency `n` (0 stops every invocation), or none. */
  async setConcurrency(arn: string, n: number | null): Promise<void> {
    const c = this.client(arn);
    await ask(`setting the reserved concurrency of ${arn}`, () =>
      n === null
        ? c.send(new DeleteFunctionConcurrencyCommand({ FunctionName: arn }))
        : c.send(new PutFunctionConcurrencyCommand({ FunctionName: arn, ReservedConcurrentExecutions: n })),
    );
  }
}
