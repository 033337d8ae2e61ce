import {
  type EnvironmentResponse,
  GetFunctionConfigurationCommand,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import type { LiveConfiguration } from '../domain/engine.js';
import { hookVariablesOf } from '../domain/inspection/exec-hook-variable.js';
import type { FunctionRef } from '../domain/model.js';
import { cut } from '../domain/text.js';
import type { DeclaredCall } from './calls.js';
import { errorMessage, errorName, isAccessDenied } from './errors.js';
import type { FunctionReader } from './ports.js';

/**
 * The start-up hook variables of a configuration's environment, and nothing else: every other
 * variable (they hold secrets) is dropped here, at the edge, before anything stores or logs it.
 * An environment Lambda reports an error for (a KMS key it cannot use) is unknown, not empty.
 */
export function hooksOfEnvironment(
  env: EnvironmentResponse | undefined,
): Pick<Extract<LiveConfiguration, { status: 'ok' }>, 'hooks' | 'hooksError'> {
  if (env?.Error && !env.Variables)
    return {
      hooks: null,
      hooksError: cut(`${env.Error.ErrorCode ?? 'Error'}: ${env.Error.Message ?? ''}`, 300),
    };
  return { hooks: { ...hookVariablesOf(env?.Variables) } };
}

/** Reads a function's live configuration in the function's own account and region. */
export class LambdaFunctionReader implements FunctionReader {
  /** What this adapter sends (see calls.ts). */
  static readonly calls: readonly DeclaredCall[] = [
    { action: 'lambda:GetFunctionConfiguration', resource: 'function' },
  ];

  /** @param clientFor the client for an account and region (the host memoizes it, see accounts.ts). */
  constructor(private readonly clientFor: (account: string, region: string) => LambdaClient) {}

  /** `$LATEST`, or a published version when `qualifier` names one (the grant on `function:*` covers it). */
  async readConfiguration(fn: FunctionRef, qualifier?: string): Promise<LiveConfiguration> {
    try {
      const out = await this.clientFor(fn.account, fn.region).send(
        new GetFunctionConfigurationCommand({
          FunctionName: fn.arn,
          ...(qualifier ? { Qualifier: qualifier } : {}),
        }),
      );
      // Lambda Managed Instances: the capacity provider whose hosts the function shares.
      const provider =
        out.CapacityProviderConfig?.LambdaManagedInstancesCapacityProviderConfig?.CapacityProviderArn;
      return {
        status: 'ok',
        layers: (out.Layers ?? []).map((l) => l.Arn).filter((arn): arn is string => typeof arn === 'string'),
        runtime: out.Runtime ?? null,
        role: out.Role ?? null,
        ...hooksOfEnvironment(out.Environment),
        ...(provider ? { capacityProvider: provider } : {}),
      };
    } catch (error) {
      const name = errorName(error);
      const message = cut(`${name}: ${errorMessage(error)}`, 300);
      if (name === 'ResourceNotFoundException') return { status: 'not-found', message };
      if (isAccessDenied(error)) return { status: 'access-denied', message };
      return { status: 'error', message };
    }
  }
}
