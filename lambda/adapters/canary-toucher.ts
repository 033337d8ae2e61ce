import { type LambdaClient, UpdateFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import { heartbeatDescription } from '../domain/heartbeat.js';
import type { DeclaredCall } from './calls.js';
import { errorMessage, errorName } from './errors.js';

export class CanaryTouchError extends Error {
  override name = 'CanaryTouchError';
}

/** Changes the description of a region's canary function: the heartbeat's one harmless real change. */
export class CanaryToucher {
  /** What this adapter sends (see calls.ts). */
  static readonly calls: readonly DeclaredCall[] = [
    { action: 'lambda:UpdateFunctionConfiguration', resource: 'canary-function' },
  ];

  constructor(private readonly clientFor: (region: string) => LambdaClient) {}

  async touch(canaryArn: string, region: string, now: Date): Promise<void> {
    try {
      await this.clientFor(region).send(
        new UpdateFunctionConfigurationCommand({
          FunctionName: canaryArn,
          Description: heartbeatDescription(now),
        }),
      );
    } catch (error) {
      throw new CanaryTouchError(
        `touching ${canaryArn} failed (${errorName(error)}: ${errorMessage(error)})`,
        {
          cause: error,
        },
      );
    }
  }
}
