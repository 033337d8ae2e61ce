/** Lambda entry point. Everything is built once per cold start; logic lives in app.ts. */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SNSClient } from '@aws-sdk/client-sns';
import { STSClient } from '@aws-sdk/client-sts';
import { clientsPerAccount } from './adapters/accounts.js';
import { ALERT_PATH_CALLS, atFirstUse, ENRICHMENT_CALLS, sdkClient } from './adapters/client-options.js';
import { DynamoDbBaselineReader } from './adapters/dynamodb-baseline-reader.js';
import { DynamoDbBaselineStore } from './adapters/dynamodb-baseline-store.js';
import { DynamoDbCorrelationStore } from './adapters/dynamodb-correlation-store.js';
import { DynamoDbIdempotencyStore } from './adapters/dynamodb-idempotency-store.js';
import { DynamoDbInspectionCache } from './adapters/dynamodb-inspection-cache.js';
import { LambdaCapacityProviderReader } from './adapters/lambda-capacity-provider-reader.js';
import { LambdaCodeSigningReader } from './adapters/lambda-code-signing-reader.js';
import { LambdaFunctionReader } from './adapters/lambda-function-reader.js';
import { LambdaLayerReader } from './adapters/lambda-layer-reader.js';
import { deferredArchiveReader } from './adapters/layer-archive-deferred.js';
import { withReadableStacks } from './adapters/readable-stack.js';
import { createHandler } from './app.js';
import { readConfig } from './config.js';
import { findingSinks, organizationAccounts } from './sinks.js';

const PUBLICATION_RETENTION_MINUTES = 30 * 24 * 60;

const config = readConfig(process.env);
// Enrichment reads give up after 3 s a call, the alert path after 6 s (adapters/client-options.ts;
// the sum is in ARCHITECTURE.md, "Time budget"). Built now: the clients every event may call (Lambda
// per account, as it reads; DynamoDB for idempotency and baselines). Built by the first event that
// needs them: STS (a member account), the posture's Scan, the alert topic's SNS client.
const lambdaIn = clientsPerAccount(
  { homeAccount: config.homeAccount, memberRoleName: config.memberRoleName, partition: config.partition },
  atFirstUse(() => sdkClient(STSClient, ENRICHMENT_CALLS)),
  (region, credentials) => sdkClient(LambdaClient, ENRICHMENT_CALLS, { region, credentials }),
);
const dynamo = sdkClient(DynamoDBClient, ALERT_PATH_CALLS);

export const handler = withReadableStacks(
  createHandler({
    heartbeat: config.heartbeatRoleArn
      ? { account: config.homeAccount, roleArn: config.heartbeatRoleArn }
      : null,
    reader: new LambdaFunctionReader(lambdaIn),
    layers: new LambdaLayerReader(lambdaIn),
    capacityProviders: new LambdaCapacityProviderReader(lambdaIn),
    // The posture step (3 s at most): code signing in the function's account, and the baselines only
    // when a requested layer is a known publisher's (an enrichment read: a Scan page gives up after 3 s).
    codeSigning: new LambdaCodeSigningReader(lambdaIn),
    layersInUse: new DynamoDbBaselineReader(
      atFirstUse(() => sdkClient(DynamoDBClient, ENRICHMENT_CALLS)),
      config.baselineTable,
    ),
    baselines: new DynamoDbBaselineStore(dynamo, config.baselineTable),
    correlations: new DynamoDbCorrelationStore(
      dynamo,
      config.baselineTable,
      // Kept 30 days (at least the correlation window): a version change long after its publication
      // still learns whether a person or a pipeline published the version.
      Math.max(config.settings.correlationWindowMinutes, PUBLICATION_RETENTION_MINUTES),
    ),
    // Lock for the function timeout (30 s) plus margin: a crashed invocation's retry can proceed after
    // it. Records answer duplicates for 72 h (EventBridge retries for 24 h, Lambda's queue for 6 h).
    idempotency: new DynamoDbIdempotencyStore(dynamo, config.baselineTable, {
      lockSeconds: 60,
      retentionHours: 72,
    }),
    // Per archive: 32 MiB and 8 s; the whole inspect step ends after 10 s (pipeline/inspect.ts). The
    // reader and the inspection core are loaded by the first event that reads an archive.
    archives: deferredArchiveReader({ budget: { maxBytes: 32 * 1024 * 1024, timeoutMs: 8_000 } }),
    inspectionCache: new DynamoDbInspectionCache(dynamo, config.baselineTable, { retentionDays: 90 }),
    sinks: findingSinks(
      config,
      atFirstUse(() => sdkClient(SNSClient, ALERT_PATH_CALLS)),
      ALERT_PATH_CALLS,
    ),
    organization: organizationAccounts(config, ENRICHMENT_CALLS),
    settings: config.settings,
    logger: new Logger({ serviceName: 'layerwatch' }),
    metrics: new Metrics({ namespace: 'LayerWatch', serviceName: 'layerwatch' }),
  }),
);
