/**
 * A moto-backed world for integration tests: an execution role, the baseline table, the alert
 * topic with an SQS queue subscribed (to read alerts back), Lambda clients for two accounts, and a
 * factory for the real handler with its SDK clients pointed at moto (or at a proxy in front of it).
 */

import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import {
  CreateFunctionCommand,
  LambdaClient,
  PublishLayerVersionCommand,
  UpdateFunctionConfigurationCommand,
} from '@aws-sdk/client-lambda';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { STSClient } from '@aws-sdk/client-sts';
import { clientsPerAccount } from '../../lambda/adapters/accounts.js';
import { DynamoDbBaselineReader } from '../../lambda/adapters/dynamodb-baseline-reader.js';
import { DynamoDbBaselineStore } from '../../lambda/adapters/dynamodb-baseline-store.js';
import { DynamoDbCorrelationStore } from '../../lambda/adapters/dynamodb-correlation-store.js';
import { DynamoDbIdempotencyStore } from '../../lambda/adapters/dynamodb-idempotency-store.js';
import { DynamoDbSweepLedger } from '../../lambda/adapters/dynamodb-sweep-ledger.js';
import { LambdaCodeSigningReader } from '../../lambda/adapters/lambda-code-signing-reader.js';
import { LambdaFunctionLister } from '../../lambda/adapters/lambda-function-lister.js';
import { LambdaFunctionReader } from '../../lambda/adapters/lambda-function-reader.js';
import { LambdaLayerReader } from '../../lambda/adapters/lambda-layer-reader.js';
import type { FindingSink } from '../../lambda/adapters/ports.js';
import { SnsAlertPublisher } from '../../lambda/adapters/sns-alert-publisher.js';
import { SqsPairQueue } from '../../lambda/adapters/sqs-pair-queue.js';
import { createHandler, type HandlerResult } from '../../lambda/app.js';
import type { SweepSummary } from '../../lambda/domain/render/sweep.js';
import { type DetectionSettings, parseSettings } from '../../lambda/domain/settings.js';
import { coverageOf, plannedPairs } from '../../lambda/domain/sweep-ledger.js';
import { AlertTopicSink } from '../../lambda/pipeline/alert-topic-sink.js';
import { createSweepPlan, createSweepWorker } from '../../lambda/sweep-fanout-app.js';
import { fanOutQueues } from './fanout-queues.js';
import { type Credentials, clientConfig, inAccount as inAccountOf } from './moto.js';
import { identities, type Rec } from './records.js';
import { trail } from './trail.js';

export const A = '111111111111';
export const B = '222222222222';
export const ZIP = Buffer.from('UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA==', 'base64'); // an empty zip archive
export const TABLE = 'layerwatch-baselines';
const LAMBDA_TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});

export interface HandlerOptions {
  /** Where the handler's SDK clients send requests (default: moto itself). */
  endpoint?: string;
  topicArn?: string;
  settings?: DetectionSettings;
  /** SDK retry attempts (the deployed handler uses adaptive mode with 5). */
  maxAttempts?: number;
  /** The handler's credentials (default: the world's); STS session credentials carry a token. */
  credentials?: Credentials & { sessionToken?: string };
  /** Read-only role name in other accounts (cross-account enrichment). */
  memberRoleName?: string;
  /** Where the handler's STS client sends requests (default: `endpoint`). */
  stsEndpoint?: string;
  /** How long an event's idempotency claim holds (default: 60 s, as deployed). */
  lockSeconds?: number;
  /** Sinks after the alert topic. */
  moreSinks?: FindingSink[];
  /** Called with every SDK client the handler or sweep builds (to watch what it sends). */
  onClient?: (client: SdkClient) => void;
}

export type World = Awaited<ReturnType<typeof createWorld>>;

/** An SDK v3 client, as far as watching what it sends goes. */
export type SdkClient = Parameters<typeof inAccountOf>[0];

export interface Observability {
  logger: Logger;
  metrics: Metrics;
  counted: string[];
}

/** moto's account when no x-moto-account-id header is sent (IAM enforcement applies there). */
export const MOTO_DEFAULT_ACCOUNT = '123456789012';

export async function createWorld(
  endpoint: string,
  obs: Observability,
  queueName = 'alerts',
  credentials?: Credentials,
  account: string = A,
) {
  const cfg = clientConfig(endpoint, 'us-east-1', credentials);
  const inAccount = <T extends Parameters<typeof inAccountOf>[0]>(client: T, id: string): T =>
    account === MOTO_DEFAULT_ACCOUNT ? client : inAccountOf(client, id === A ? account : id);
  const lambdaA = inAccount(new LambdaClient(cfg), A);
  const lambdaB = inAccount(new LambdaClient(cfg), B);
  const ddb = inAccount(new DynamoDBClient(cfg), A);
  const sns = inAccount(new SNSClient(cfg), A);
  const sqs = inAccount(new SQSClient(cfg), A);
  const iam = inAccount(new IAMClient(cfg), A);
  const roleArn = (
    await iam.send(
      new CreateRoleCommand({
        RoleName: 'fn-role',
        AssumeRolePolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
          ],
        }),
      }),
    )
  ).Role?.Arn as string;
  await ddb.send(
    new CreateTableCommand({
      TableName: TABLE,
      KeySchema: [{ AttributeName: 'functionArn', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'functionArn', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: queueName }))).QueueUrl as string;

  const subscribe = async (topicName: string): Promise<string> => {
    const topicArn = (await sns.send(new CreateTopicCommand({ Name: topicName }))).TopicArn as string;
    const queueArn = (
      await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }))
    ).Attributes?.QueueArn as string;
    await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: queueArn }));
    return topicArn;
  };
  const topicArn = await subscribe('layerwatch-alerts');

  /** The handler's (or sweep's) SDK configuration and Lambda clients per account and region. */
  const clientsFor = (o: HandlerOptions) => {
    const seen = <T extends SdkClient>(client: T): T => {
      o.onClient?.(client);
      return client;
    };
    const c = {
      ...cfg,
      endpoint: o.endpoint ?? endpoint,
      maxAttempts: o.maxAttempts ?? 2,
      retryMode: 'adaptive',
      credentials: o.credentials ?? cfg.credentials,
    };
    const sts = seen(inAccount(new STSClient({ ...c, endpoint: o.stsEndpoint ?? c.endpoint }), A));
    const lambdaIn = clientsPerAccount(
      { homeAccount: account, memberRoleName: o.memberRoleName ?? null },
      sts,
      (region, credentials) =>
        // Assumed-role credentials carry their account; only the home account needs moto's header.
        seen(
          credentials
            ? new LambdaClient({ ...c, region, credentials })
            : inAccount(new LambdaClient({ ...c, region }), A),
        ),
    );
    return { c, lambdaIn, seen };
  };

  const makeHandler = (o: HandlerOptions = {}): ((event: unknown) => Promise<HandlerResult>) => {
    const { c, lambdaIn, seen } = clientsFor(o);
    const db = seen(inAccount(new DynamoDBClient(c), A));
    return createHandler({
      reader: new LambdaFunctionReader(lambdaIn),
      layers: new LambdaLayerReader(lambdaIn),
      codeSigning: new LambdaCodeSigningReader(lambdaIn),
      layersInUse: new DynamoDbBaselineReader(db, TABLE),
      baselines: new DynamoDbBaselineStore(db, TABLE),
      correlations: new DynamoDbCorrelationStore(db, TABLE, 60),
      idempotency: new DynamoDbIdempotencyStore(db, TABLE, { lockSeconds: o.lockSeconds ?? 60 }),
      sinks: [
        new AlertTopicSink(
          new SnsAlertPublisher(seen(inAccount(new SNSClient(c), A)), o.topicArn ?? topicArn),
        ),
        ...(o.moreSinks ?? []),
      ],
      settings: o.settings ?? parseSettings({ minSeverity: 'informational' }),
      logger: obs.logger,
      metrics: obs.metrics,
    });
  };

  /**
   * The deployed drift sweep over `accounts` x `regions` as one call: the fan-out's plan, then its
   * worker until both queues are empty (a failing pair retried, then given up), answering the run's
   * coverage as its report states it (the report itself is on the topic, as deployed).
   */
  const makeSweep = (o: HandlerOptions & { accounts: string[]; regions: string[] }) => {
    let fan: Awaited<ReturnType<typeof makeFanOut>> | undefined;
    return async (): Promise<SweepSummary> => {
      fan ??= await makeFanOut(o);
      const planned = await fan.plan();
      if (planned.status !== 'planned') throw new Error(`sweep skipped: run ${planned.holder} holds it`);
      await fan.drain();
      const state = await fan.ledger.state(planned.runId);
      if (!state?.reported) throw new Error(`sweep run ${planned.runId} was not reported`);
      return coverageOf(state.run, await fan.ledger.records(planned.runId, plannedPairs(state.run)), null);
    };
  };

  /**
   * The fanned-out sweep: a FIFO queue of pairs with its dead-letter queue (`attempts` receives), the
   * plan, and a worker; `drain()` hands messages to the worker as Lambda's event source mapping would
   * (one a batch, a failed one left to come back), until both queues are empty.
   */
  const makeFanOut = async (
    o: HandlerOptions & {
      accounts: string[];
      regions: string[];
      attempts?: number;
      visibilitySeconds?: number;
      /** The plan's own credentials and client hook (its role), when not the worker's. */
      plan?: Pick<HandlerOptions, 'credentials' | 'onClient'>;
    },
  ) => {
    const { c, lambdaIn: clientFor, seen } = clientsFor(o);
    const db = seen(inAccount(new DynamoDBClient(c), A));
    const publisher = new SnsAlertPublisher(seen(inAccount(new SNSClient(c), A)), o.topicArn ?? topicArn);
    const ledger = new DynamoDbSweepLedger(db, TABLE);
    // The plan may run with credentials of its own (its role), the worker with `o`'s.
    const p = clientsFor({ ...o, ...o.plan });
    const planDb = p.seen(inAccount(new DynamoDBClient(p.c), A));
    const planSqs = p.seen(inAccount(new SQSClient(p.c), A));
    const planReporter = new SnsAlertPublisher(
      p.seen(inAccount(new SNSClient(p.c), A)),
      o.topicArn ?? topicArn,
    );
    return fanOutQueues(
      sqs,
      o.attempts ?? 2,
      (queues) => ({
        plan: createSweepPlan({
          ledger: new DynamoDbSweepLedger(planDb, TABLE),
          queue: new SqsPairQueue(planSqs, queues.queueUrl),
          reporter: planReporter,
          accounts: o.accounts,
          regions: o.regions,
          holdHours: 20,
          logger: obs.logger,
          metrics: obs.metrics,
        }),
        worker: createSweepWorker({
          lister: new LambdaFunctionLister(clientFor),
          baselines: new DynamoDbBaselineStore(db, TABLE),
          sinks: [new AlertTopicSink(publisher)],
          ledger,
          reporter: publisher,
          settings: o.settings ?? parseSettings({ minSeverity: 'informational' }),
          deadLetterQueueArn: queues.deadLetterQueueArn,
          logger: obs.logger,
          metrics: obs.metrics,
        }),
        ledger,
      }),
      o.visibilitySeconds,
    );
  };

  /** Creates a function (and its execution role) in any account and region; returns that account's Lambda client. */
  const functionIn = async (fnAccount: string, region: string, name: string): Promise<LambdaClient> => {
    const iamIn = inAccountOf(new IAMClient(cfg), fnAccount);
    const lambda = inAccountOf(new LambdaClient({ ...cfg, region }), fnAccount);
    const role = (
      await iamIn.send(
        new CreateRoleCommand({
          RoleName: `${name}-${region}`.slice(0, 64),
          AssumeRolePolicyDocument: LAMBDA_TRUST,
        }),
      )
    ).Role?.Arn;
    await lambda.send(
      new CreateFunctionCommand({
        FunctionName: name,
        Runtime: 'python3.12',
        Role: role,
        Handler: 'i.h',
        Code: { ZipFile: ZIP },
      }),
    );
    return lambda;
  };

  /** Alerts delivered to the queue since the last call: subject and the finding (the `sqs` body). */
  const delivered = async (): Promise<{ subject: string; finding: Rec }[]> => {
    const out: { subject: string; finding: Rec }[] = [];
    for (;;) {
      const r = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
      );
      if (!r.Messages || r.Messages.length === 0) return out;
      for (const m of r.Messages) {
        const envelope = JSON.parse(m.Body ?? '{}') as { Subject: string; Message: string };
        out.push({ subject: envelope.Subject, finding: JSON.parse(envelope.Message) as Rec });
        await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle }));
      }
    }
  };

  let clock = Date.parse('2026-03-14T09:00:00Z');
  const tick = () => {
    clock += 60_000;
    return new Date(clock);
  };

  const createFn = async (name: string, layers: string[] = []): Promise<Rec> => {
    const request = {
      FunctionName: name,
      Runtime: 'python3.12' as const,
      Role: roleArn,
      Handler: 'index.handler',
      Code: { ZipFile: ZIP },
      Layers: layers,
    };
    const response = await lambdaA.send(new CreateFunctionCommand(request));
    return trail('CreateFunction', request, response, {
      account: A,
      time: tick(),
      identity: identities.deployRole(),
    });
  };

  const updateFn = async (
    name: string,
    change: { Layers?: string[]; MemorySize?: number },
    identity?: Rec,
  ): Promise<Rec> => {
    const request = { FunctionName: name, ...change };
    const response = await lambdaA.send(new UpdateFunctionConfigurationCommand(request));
    return trail('UpdateFunctionConfiguration', request, response, { account, time: tick(), identity });
  };

  const publish = async (client: LambdaClient, name: string): Promise<string> =>
    (await client.send(new PublishLayerVersionCommand({ LayerName: name, Content: { ZipFile: ZIP } })))
      .LayerVersionArn as string;

  return {
    cfg,
    lambdaA,
    lambdaB,
    ddb,
    sns,
    sqs,
    queueUrl,
    topicArn,
    subscribe,
    counted: obs.counted,
    makeHandler,
    makeSweep,
    makeFanOut,
    functionIn,
    delivered,
    tick,
    createFn,
    updateFn,
    publish,
  };
}
