/** Lambda entry point. Everything is built once per cold start; logic lives in app.ts. */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SNSClient } from '@aws-sdk/client-sns';
import { DynamoDbBaselineStore } from './adapters/dynamodb-baseline-store.js';
import { LambdaFunctionReader } from './adapters/lambda-function-reader.js';
import { SnsAlertPublisher } from './adapters/sns-alert-publisher.js';
import { createHandler } from './app.js';
import { readConfig } from './config.js';

const config = readConfig(process.env);
const retry = { retryMode: 'adaptive', maxAttempts: 5 } as const;

export const handler = createHandler({
  reader: new LambdaFunctionReader((region) => new LambdaClient({ region, ...retry })),
  baselines: new DynamoDbBaselineStore(new DynamoDBClient(retry), config.baselineTable),
  publisher: new SnsAlertPublisher(new SNSClient(retry), config.topicArn),
  logger: new Logger({ serviceName: 'layerwatch' }),
  metrics: new Metrics({ namespace: 'LayerWatch', serviceName: 'layerwatch' }),
});
