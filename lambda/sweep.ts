/** Lambda entry point of the scheduled drift sweep. Built once per cold start; logic in sweep-app.ts. */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SNSClient } from '@aws-sdk/client-sns';
import { STSClient } from '@aws-sdk/client-sts';
import { clientsPerAccount } from './adapters/accounts.js';
import { SWEEP_CALLS, sdkClient } from './adapters/client-options.js';
import { DynamoDbBaselineStore } from './adapters/dynamodb-baseline-store.js';
import { LambdaFunctionLister } from './adapters/lambda-function-lister.js';
import { SnsAlertPublisher } from './adapters/sns-alert-publisher.js';
import { readSweepConfig } from './config.js';
import { findingSinks, organizationAccounts } from './sinks.js';
import { createSweep } from './sweep-app.js';

const config = readSweepConfig(process.env);
// 30 s a call at most (adapters/client-options.ts), within the sweep's 15 minutes.
const sns = sdkClient(SNSClient, SWEEP_CALLS);

export const handler = createSweep({
  lister: new LambdaFunctionLister(
    clientsPerAccount(
      { homeAccount: config.homeAccount, memberRoleName: config.memberRoleName, partition: config.partition },
      sdkClient(STSClient, SWEEP_CALLS),
      (region, credentials) => sdkClient(LambdaClient, SWEEP_CALLS, { region, credentials }),
    ),
  ),
  baselines: new DynamoDbBaselineStore(sdkClient(DynamoDBClient, SWEEP_CALLS), config.baselineTable),
  sinks: findingSinks(config, sns, SWEEP_CALLS),
  discover: config.discoverAccounts ? organizationAccounts(config, SWEEP_CALLS) : undefined,
  reporter: new SnsAlertPublisher(sns, config.reportTopicArn),
  settings: config.settings,
  accounts: config.accounts,
  regions: config.regions,
  logger: new Logger({ serviceName: 'layerwatch-sweep' }),
  metrics: new Metrics({ namespace: 'LayerWatch', serviceName: 'layerwatch-sweep' }),
});
