import { type LambdaClient, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { parseFunctionArn } from '../domain/arn.js';
import type { Observation } from '../domain/observation.js';
import type { DeclaredCall } from './calls.js';
import { hooksOfEnvironment } from './lambda-function-reader.js';
import type { FunctionLister } from './ports.js';

/**
 * Lists every function of an account and region (ListFunctions, paginated by Marker), with the
 * start-up hook variables of each (never another environment variable).
 */
export class LambdaFunctionLister implements FunctionLister {
  /** What this adapter sends (see calls.ts). */
  static readonly calls: readonly DeclaredCall[] = [{ action: 'lambda:ListFunctions', resource: 'any' }];

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
          observedAt,
        };
      }
      marker = page.NextMarker;
    } while (marker);
  }
}
