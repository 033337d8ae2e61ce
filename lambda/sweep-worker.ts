/** Lambda entry point of the fanned-out sweep's worker (one pair a message). Logic in sweep-fanout-app.ts. */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { STSClient } from '@aws-sdk/client-sts';
import { clientsPerAccount } from './adapters/accounts.js';
import { SWEEP_CALLS, sdkClient } from './adapters/client-options.js';
import { DynamoDbBaselineStore } from './adapters/dynamodb-baseline-store.js';
import { DynamoDbSweepLedger } from './adapters/dynamodb-sweep-ledger.js';
import { LambdaFunctionLister } from './adapters/lambda-function-lister.js';
import { sweepLambdaClient } from './adapters/rate-limit.js';
import { withReadableStacks } from './adapters/readable-stack.js';
import { SnsAlertPublisher } from './adapters/sns-alert-publisher.js';
import { SqsPairRetry } from './adapters/sqs-pair-retry.js';
import { readSweepWorkerConfig } from './config.js';
import { findingSinks } from './sinks.js';
import { createSweepWorker } from './sweep-fanout-app.js';

const config = readSweepWorkerConfig(process.env);
const sns = sdkClient(SNSClient, SWEEP_CALLS);
const dynamodb = sdkClient(DynamoDBClient, SWEEP_CALLS);

export const handler = withReadableStacks(
  createSweepWorker({
    lister: new LambdaFunctionLister(
      clientsPerAccount(
        {
          homeAccount: config.homeAccount,
          memberRoleName: config.memberRoleName,
          partition: config.partition,
        },
        sdkClient(STSClient, SWEEP_CALLS),
        // One client per account and region, each bounded (adapters/rate-limit.ts).
        (region, credentials) => sweepLambdaClient(region, credentials),
      ),
    ),
    baselines: new DynamoDbBaselineStore(dynamodb, config.baselineTable),
    sinks: findingSinks(config, sns, SWEEP_CALLS),
    ledger: new DynamoDbSweepLedger(dynamodb, config.baselineTable),
    reporter: new SnsAlertPublisher(sns, config.reportTopicArn),
    settings: config.settings,
    deadLetterQueueArn: config.deadLetterQueueArn,
    retry: new SqsPairRetry(sdkClient(SQSClient, SWEEP_CALLS), config.queueUrl),
    logger: new Logger({ serviceName: 'layerwatch-sweep' }),
    metrics: new Metrics({ namespace: 'LayerWatch', serviceName: 'layerwatch-sweep' }),
  }),
);
