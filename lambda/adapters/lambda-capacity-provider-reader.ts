import { type LambdaClient, ListFunctionVersionsByCapacityProviderCommand } from '@aws-sdk/client-lambda';
import type { CapacityProviderContext } from '../domain/capacity-provider.js';
import { cut } from '../domain/text.js';
import type { DeclaredCall } from './calls.js';
import { errorMessage, errorName } from './errors.js';
import type { CapacityProviderReader } from './ports.js';

/** Function versions listed per capacity provider at most (ListFunctionVersionsByCapacityProvider pages of 50). */
export const MAX_CAPACITY_PROVIDER_FUNCTIONS = 100;

const CAPACITY_PROVIDER =
  /^arn:[a-z0-9-]{1,32}:lambda:([a-z0-9-]{1,64}):(\d{12}):capacity-provider:[A-Za-z0-9_-]{1,140}$/;

/**
 * Lambda Managed Instances: the function versions on a capacity provider
 * (ListFunctionVersionsByCapacityProvider, API 2025-11-30, in the capacity provider's account and
 * region), at most MAX_CAPACITY_PROVIDER_FUNCTIONS. Never throws: a failure is the answer.
 */
export class LambdaCapacityProviderReader implements CapacityProviderReader {
  /** What this adapter sends (see calls.ts). */
  static readonly calls: readonly DeclaredCall[] = [
    { action: 'lambda:ListFunctionVersionsByCapacityProvider', resource: 'capacity-provider' },
  ];

  /** @param clientFor the client for an account and region (the host memoizes it, see accounts.ts). */
  constructor(private readonly clientFor: (account: string, region: string) => LambdaClient) {}

  async functionsOn(capacityProviderArn: string): Promise<CapacityProviderContext> {
    const m = CAPACITY_PROVIDER.exec(capacityProviderArn);
    if (!m) return { arn: capacityProviderArn, error: 'not a capacity provider ARN' };
    const client = this.clientFor(m[2] as string, m[1] as string);
    const functions: string[] = [];
    let marker: string | undefined;
    try {
      do {
        const page = await client.send(
          new ListFunctionVersionsByCapacityProviderCommand({
            CapacityProviderName: capacityProviderArn,
            MaxItems: 50,
            ...(marker ? { Marker: marker } : {}),
          }),
        );
        for (const v of page.FunctionVersions ?? []) if (v.FunctionArn) functions.push(v.FunctionArn);
        marker = page.NextMarker;
      } while (marker && functions.length < MAX_CAPACITY_PROVIDER_FUNCTIONS);
    } catch (error) {
      return { arn: capacityProviderArn, error: cut(`${errorName(error)}: ${errorMessage(error)}`, 300) };
    }
    return {
      arn: capacityProviderArn,
      functions: functions.slice(0, MAX_CAPACITY_PROVIDER_FUNCTIONS),
      complete: !marker && functions.length <= MAX_CAPACITY_PROVIDER_FUNCTIONS,
    };
  }
}
