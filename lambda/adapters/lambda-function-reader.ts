import { GetFunctionConfigurationCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import type { LiveConfiguration } from '../domain/engine.js';
import type { FunctionRef } from '../domain/model.js';
import { cut } from '../domain/text.js';
import { errorMessage, errorName } from './errors.js';
import type { FunctionReader } from './ports.js';

/** Reads a function's live configuration in the function's own region. */
export class LambdaFunctionReader implements FunctionReader {
  private readonly clients = new Map<string, LambdaClient>();

  /** @param clientFor builds (once per region) the client for a region. */
  constructor(private readonly clientFor: (region: string) => LambdaClient) {}

  private client(region: string): LambdaClient {
    let client = this.clients.get(region);
    if (!client) {
      client = this.clientFor(region);
      this.clients.set(region, client);
    }
    return client;
  }

  async readConfiguration(fn: FunctionRef): Promise<LiveConfiguration> {
    try {
      const out = await this.client(fn.region).send(
        new GetFunctionConfigurationCommand({ FunctionName: fn.arn }),
      );
      return {
        status: 'ok',
        layers: (out.Layers ?? []).map((l) => l.Arn).filter((arn): arn is string => typeof arn === 'string'),
        runtime: out.Runtime ?? null,
        role: out.Role ?? null,
      };
    } catch (error) {
      const name = errorName(error);
      const message = cut(`${name}: ${errorMessage(error)}`, 300);
      if (name === 'ResourceNotFoundException') return { status: 'not-found', message };
      if (name === 'AccessDeniedException' || name === 'AccessDenied')
        return { status: 'access-denied', message };
      return { status: 'error', message };
    }
  }
}
