/** Lambda entry point of the hourly heartbeat. Built once per cold start; logic in heartbeat-app.ts. */
import { Logger } from '@aws-lambda-powertools/logger';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { CanaryToucher } from './adapters/canary-toucher.js';
import { HEARTBEAT_CALLS, sdkClient } from './adapters/client-options.js';
import { withReadableStacks } from './adapters/readable-stack.js';
import { createHeartbeat, readCanaries } from './heartbeat-app.js';

const canaries = readCanaries(process.env.HEARTBEAT_CANARIES);
const clients = new Map<string, LambdaClient>();
const clientFor = (region: string) => {
  let client = clients.get(region);
  if (!client) {
    // 15 s a call at most (adapters/client-options.ts), within the function's minute.
    client = sdkClient(LambdaClient, HEARTBEAT_CALLS, { region });
    clients.set(region, client);
  }
  return client;
};

export const handler = withReadableStacks(
  createHeartbeat({
    toucher: new CanaryToucher(clientFor),
    canaries,
    logger: new Logger({ serviceName: 'layerwatch-heartbeat' }),
  }),
);
