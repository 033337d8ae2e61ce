/** Lambda entry point of the opt-in containment. Built once per cold start; logic in containment-app.ts. */
import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SNSClient } from '@aws-sdk/client-sns';
import { ALERT_PATH_CALLS, sdkClient } from './adapters/client-options.js';
import { DynamoDbBaselineStore } from './adapters/dynamodb-baseline-store.js';
import { LambdaFunctionEditor } from './adapters/lambda-function-editor.js';
import { withReadableStacks } from './adapters/readable-stack.js';
import { SnsAlertPublisher } from './adapters/sns-alert-publisher.js';
import { readContainmentConfig } from './config.js';
import { createContainment } from './containment-app.js';

const config = readContainmentConfig(process.env);
const clients = new Map<string, LambdaClient>();
const clientFor = (region: string) => {
  let client = clients.get(region);
  if (!client) {
    client = sdkClient(LambdaClient, ALERT_PATH_CALLS, { region });
    clients.set(region, client);
  }
  return client;
};
const baselines = new DynamoDbBaselineStore(
  sdkClient(DynamoDBClient, ALERT_PATH_CALLS),
  config.baselineTable,
);

export const handler = withReadableStacks(
  createContainment({
    port: new LambdaFunctionEditor(clientFor),
    // Read only: get() is a GetItem of the function's baseline.
    baseline: (arn) => baselines.get(arn),
    publisher: new SnsAlertPublisher(sdkClient(SNSClient, ALERT_PATH_CALLS), config.alertTopicArn),
    actionArn: config.actionArn,
    partition: config.partition,
    stack: config.stack,
    maxFunctions: config.maxFunctions,
    logger: new Logger({ serviceName: 'layerwatch-containment' }),
  }),
);
