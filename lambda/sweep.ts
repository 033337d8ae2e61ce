/**
 * Lambda entry point of the scheduled drift sweep: it plans a run and queues its account/region
 * pairs, which the workers of sweep-worker.ts sweep. Built once per cold start; logic in
 * sweep-fanout-app.ts.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SWEEP_CALLS, sdkClient } from './adapters/client-options.js';
import { DynamoDbSweepLedger } from './adapters/dynamodb-sweep-ledger.js';
import { withReadableStacks } from './adapters/readable-stack.js';
import { SnsAlertPublisher } from './adapters/sns-alert-publisher.js';
import { SqsPairQueue } from './adapters/sqs-pair-queue.js';
import { readSweepConfig } from './config.js';
import { organizationAccounts } from './sinks.js';
import { createSweepPlan } from './sweep-fanout-app.js';

const config = readSweepConfig(process.env);

export const handler = withReadableStacks(
  createSweepPlan({
    ledger: new DynamoDbSweepLedger(sdkClient(DynamoDBClient, SWEEP_CALLS), config.baselineTable),
    queue: new SqsPairQueue(sdkClient(SQSClient, SWEEP_CALLS), config.queueUrl),
    reporter: new SnsAlertPublisher(sdkClient(SNSClient, SWEEP_CALLS), config.reportTopicArn),
    accounts: config.accounts,
    discover: config.discoverAccounts ? organizationAccounts(config, SWEEP_CALLS) : undefined,
    regions: config.regions,
    holdHours: config.holdHours,
    logger: new Logger({ serviceName: 'layerwatch-sweep' }),
    metrics: new Metrics({ namespace: 'LayerWatch', serviceName: 'layerwatch-sweep' }),
  }),
);
