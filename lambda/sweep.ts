/** Lambda entry point of the scheduled drift sweep. Built once per cold start; logic in sweep-app.ts. */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SNSClient } from '@aws-sdk/client-sns';
import { STSClient } from '@aws-sdk/client-sts';
import { clientsPerAccount } from './adapters/accounts.js';
import { DynamoDbBaselineStore } from './adapters/dynamodb-baseline-store.js';
import { LambdaFunctionLister } from './adapters/lambda-function-lister.js';
import { SnsAlertPublisher } from './adapters/sns-alert-publisher.js';
import { readSweepConfig } from './config.js';
import { findingSinks, organizationAccounts } from './sinks.js';
import { createSweep } from './sweep-app.js';

const config = readSweepConfig(process.env);
const retry = { retryMode: 'adaptive', maxAttempts: 8 } as const;
const sns = new SNSClient(retry);

export const handler = createSweep({
  lister: new LambdaFunctionLister(
    clientsPerAccount(
      { homeAccount: config.homeAccount, memberRoleName: config.memberRoleName, partition: config.partition },
      new STSClient(retry),
      (region, credentials) => new LambdaClient({ region, credentials, ...retry }),
    ),
  ),
  baselines: new DynamoDbBaselineStore(new DynamoDBClient(retry), config.baselineTable),
  sinks: findingSinks(config, sns),
  discover: config.discoverAccounts ? organizationAccounts(config) : undefined,
  reporter: new SnsAlertPublisher(sns, config.reportTopicArn),
  settings: config.settings,
  accounts: config.accounts,
  regions: config.regions,
  logger: new Logger({ serviceName: 'layerwatch-sweep' }),
  metrics: new Metrics({ namespace: 'LayerWatch', serviceName: 'layerwatch-sweep' }),
});
