import {
  GetFunctionConfigurationCommand,
  type LambdaClient,
  ListAliasesCommand,
  ListFunctionsCommand,
} from '@aws-sdk/client-lambda';
import { parseFunctionArn } from '../domain/arn.js';
import type { FunctionRef } from '../domain/model.js';
import type { Observation } from '../domain/observation.js';
import type { SweptAlias } from '../domain/sweep-qualifiers.js';
import type { DeclaredCall } from './calls.js';
import { hooksOfEnvironment } from './lambda-function-reader.js';
import type { FunctionLister } from './ports.js';

/**
 * Lists every function of an account and region (ListFunctions, paginated by Marker), with the
 * start-up hook variables of each (never another environment variable) and the capacity provider
 * of a Managed Instances function; and, for the sweep of versions and aliases, a function's aliases
 * (ListAliases, one page) and a version's layers (GetFunctionConfiguration with the Qualifier).
 */
export class LambdaFunctionLister implements FunctionLister {
  /** What this adapter sends (see calls.ts). */
  static readonly calls: readonly DeclaredCall[] = [
    { action: 'lambda:ListFunctions', resource: 'any' },
    { action: 'lambda:ListAliases', resource: 'function' },
    { action: 'lambda:GetFunctionConfiguration', resource: 'function' },
  ];

  constructor(
    private readonly clientFor: (account: string, region: string) => LambdaClient,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async *listFunctions(account: string, region: string): AsyncIterable<Observation> {
    let marker: string | undefined;
    do {
      const page = await this.clientFor(account, region).send(
        new ListFunctionsCommand({ Marker: marker, MaxItems: 50 }),
      );
      const observedAt = this.now()
        .toISOString()
        .replace(/\.\d{3}Z$/, 'Z');
      for (const f of page.Functions ?? []) {
        const parts = f.FunctionArn ? parseFunctionArn(f.FunctionArn) : null;
        if (!parts) continue;
        yield {
          fn: {
            arn: parts.arn,
            name: parts.name,
            account: parts.account,
            region: parts.region,
            partition: parts.partition,
          },
          layers: (f.Layers ?? []).map((l) => l.Arn).filter((a): a is string => typeof a === 'string'),
          runtime: f.Runtime ?? null,
          role: f.Role ?? null,
          // ListFunctions returns each function's environment: only its hook variables are kept.
          hooks: hooksOfEnvironment(f.Environment).hooks ?? null,
          capacityProvider:
            f.CapacityProviderConfig?.LambdaManagedInstancesCapacityProviderConfig?.CapacityProviderArn ??
            null,
          observedAt,
        };
      }
      marker = page.NextMarker;
    } while (marker);
  }

  /** At most `max` aliases (one page); `more` when the function has others. Throws when not listed. */
  async listAliases(fn: FunctionRef, max: number): Promise<{ aliases: SweptAlias[]; more: boolean }> {
    const page = await this.clientFor(fn.account, fn.region).send(
      // By name: the client is the function's account and region (moto 5 finds no function by ARN here).
      new ListAliasesCommand({ FunctionName: fn.name, MaxItems: max }),
    );
    const aliases = (page.Aliases ?? []).slice(0, max).flatMap((a) =>
      a.Name
        ? [
            {
              alias: a.Name,
              version: a.FunctionVersion ?? null,
              weights: { ...(a.RoutingConfig?.AdditionalVersionWeights ?? {}) },
            },
          ]
        : [],
    );
    return { aliases, more: Boolean(page.NextMarker) || (page.Aliases ?? []).length > max };
  }

  /** A published version's number (as Lambda answers it) and layers. Throws when it cannot be read. */
  async readVersion(
    fn: FunctionRef,
    qualifier: string,
  ): Promise<{ version: string | null; layers: string[] }> {
    const out = await this.clientFor(fn.account, fn.region).send(
      new GetFunctionConfigurationCommand({ FunctionName: fn.arn, Qualifier: qualifier }),
    );
    return {
      version: out.Version ?? null,
      layers: (out.Layers ?? []).map((l) => l.Arn).filter((a): a is string => typeof a === 'string'),
    };
  }
}
