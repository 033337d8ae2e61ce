/**
 * The handler against real AWS APIs (moto over HTTP): functions and layers are created and changed
 * through the Lambda API, the CloudTrail event is built from the API's own request and response,
 * the handler runs in process with SDK clients pointed at moto, and alerts are read back from an SQS
 * queue subscribed to the topic.
 */
import { CreateTableCommand, DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import {
  CreateFunctionCommand,
  DeleteFunctionCommand,
  LambdaClient,
  PublishLayerVersionCommand,
  UpdateFunctionConfigurationCommand,
} from '@aws-sdk/client-lambda';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { DynamoDbBaselineStore } from '../../lambda/adapters/dynamodb-baseline-store.js';
import { DynamoDbCorrelationStore } from '../../lambda/adapters/dynamodb-correlation-store.js';
import { DynamoDbIdempotencyStore } from '../../lambda/adapters/dynamodb-idempotency-store.js';
import { LambdaFunctionReader } from '../../lambda/adapters/lambda-function-reader.js';
import { LambdaLayerReader } from '../../lambda/adapters/lambda-layer-reader.js';
import { perRegion } from '../../lambda/adapters/regional.js';
import { SnsAlertPublisher } from '../../lambda/adapters/sns-alert-publisher.js';
import { createHandler, type HandlerResult } from '../../lambda/app.js';
import { parseSettings } from '../../lambda/domain/settings.js';
import { observability } from '../support/fakes.js';
import { clientConfig, inAccount, type Moto, startMoto } from '../support/moto.js';
import { identities, type Rec } from '../support/records.js';
import { expectValidFinding } from '../support/schema.js';
import { trail } from '../support/trail.js';

const A = '111111111111';
const B = '222222222222';
const ZIP = Buffer.from('UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA==', 'base64'); // an empty zip archive
const TABLE = 'layerwatch-baselines';

let moto: Moto;
let cfg: ReturnType<typeof clientConfig>;
let lambdaA: LambdaClient;
let lambdaB: LambdaClient;
let ddb: DynamoDBClient;
let sqs: SQSClient;
let queueUrl: string;
let roleArn: string;
let handler: (event: unknown) => Promise<HandlerResult>;
let counted: string[];

beforeAll(async () => {
  moto = await startMoto();
  cfg = clientConfig(moto.endpoint);
  lambdaA = inAccount(new LambdaClient(cfg), A);
  lambdaB = inAccount(new LambdaClient(cfg), B);
  ddb = inAccount(new DynamoDBClient(cfg), A);
  const sns = inAccount(new SNSClient(cfg), A);
  sqs = inAccount(new SQSClient(cfg), A);
  const iam = inAccount(new IAMClient(cfg), A);
  roleArn = (
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
  const topicArn = (await sns.send(new CreateTopicCommand({ Name: 'layerwatch-alerts' }))).TopicArn as string;
  queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'alerts' }))).QueueUrl as string;
  const queueArn = (
    await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }))
  ).Attributes?.QueueArn as string;
  await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: queueArn }));

  const obs = observability();
  counted = obs.counted;
  const lambdaIn = perRegion((region) => inAccount(new LambdaClient({ ...cfg, region }), A));
  handler = createHandler({
    reader: new LambdaFunctionReader(lambdaIn),
    layers: new LambdaLayerReader(lambdaIn),
    baselines: new DynamoDbBaselineStore(ddb, TABLE),
    correlations: new DynamoDbCorrelationStore(ddb, TABLE, 60),
    idempotency: new DynamoDbIdempotencyStore(ddb, TABLE, 60),
    publisher: new SnsAlertPublisher(sns, topicArn),
    settings: parseSettings({ minSeverity: 'informational' }),
    logger: obs.logger,
    metrics: obs.metrics,
  });
}, 60_000);

afterAll(async () => {
  await moto?.stop();
});

/** Alerts delivered to the queue since the last call: the SNS envelope and its per-protocol body. */
async function delivered(): Promise<{ subject: string; finding: Rec }[]> {
  const out: { subject: string; finding: Rec }[] = [];
  for (;;) {
    const r = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
    );
    if (!r.Messages || r.Messages.length === 0) return out;
    for (const m of r.Messages) {
      const envelope = JSON.parse(m.Body ?? '{}') as { Subject: string; Message: string };
      out.push({ subject: envelope.Subject, finding: JSON.parse(envelope.Message) as Rec });
      const { DeleteMessageCommand } = await import('@aws-sdk/client-sqs');
      await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle }));
    }
  }
}

let clock = Date.parse('2026-03-14T09:00:00Z');
const tick = () => new Date((clock += 60_000));

async function createFn(name: string, layers: string[] = []): Promise<Rec> {
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
}

async function updateFn(
  name: string,
  change: { Layers?: string[]; MemorySize?: number },
  identity?: Rec,
): Promise<Rec> {
  const request = { FunctionName: name, ...change };
  const response = await lambdaA.send(new UpdateFunctionConfigurationCommand(request));
  return trail('UpdateFunctionConfiguration', request, response, { account: A, time: tick(), identity });
}

async function publish(client: LambdaClient, name: string): Promise<string> {
  return (await client.send(new PublishLayerVersionCommand({ LayerName: name, Content: { ZipFile: ZIP } })))
    .LayerVersionArn as string;
}

describe('handler against moto', () => {
  it('alerts on the Stratus-style attack: an IAM user attaches an extension layer', async () => {
    await expect(handler(await createFn('stratus-simple'))).resolves.toMatchObject({ outcome: 'no-finding' });
    const ext = await publish(lambdaA, 'my-lambda-extension');
    const attack = await updateFn('stratus-simple', { Layers: [ext] });
    await expect(handler(attack)).resolves.toMatchObject({
      outcome: 'published',
      detectionId: 'lambda-layer-added',
    });

    const alerts = await delivered();
    expect(alerts).toHaveLength(1);
    const [alert] = alerts;
    expect(alert?.subject).toMatch(
      /^\[(HIGH|CRITICAL)\] Layer my-lambda-extension:1 added to stratus-simple$/,
    );
    const f = alert?.finding as Rec;
    expectValidFinding(f);
    expect(f.layers).toMatchObject({
      before: [],
      after: [ext],
      added: [ext],
      current: [ext],
      baseline: 'known',
    });
    expect(f.provenance).toEqual([
      expect.objectContaining({
        versionArn: ext,
        relation: 'same-account',
        lookup: 'ok',
        sharing: 'private',
      }),
    ]);
    expect(f.remediation).toMatchObject({ revertCommand: expect.stringContaining('--layers []') });

    const item = await ddb.send(
      new GetItemCommand({
        TableName: TABLE,
        Key: { functionArn: { S: `arn:aws:lambda:us-east-1:${A}:function:stratus-simple` } },
      }),
    );
    expect(JSON.parse(item.Item?.states?.S ?? '[]').at(-1).layers).toEqual([ext]);
  });

  it('publishes nothing for a memory-only change', async () => {
    await handler(await createFn('memory-only', [await publish(lambdaA, 'deps')]));
    await delivered();
    await expect(handler(await updateFn('memory-only', { MemorySize: 1024 }))).resolves.toMatchObject({
      outcome: 'no-finding',
    });
    expect(await delivered()).toHaveLength(0);
  });

  it('reports a version bump and then a removal', async () => {
    const v1 = await publish(lambdaA, 'shared-lib');
    await handler(await createFn('bumped', [v1]));
    const v2 = await publish(lambdaA, 'shared-lib');
    await expect(
      handler(await updateFn('bumped', { Layers: [v2] }, identities.deployRole())),
    ).resolves.toMatchObject({
      detectionId: 'lambda-layer-version-changed',
    });
    await expect(handler(await updateFn('bumped', { Layers: [] }))).resolves.toMatchObject({
      detectionId: 'lambda-layer-removed',
    });
    const alerts = (await delivered()).map((a) => a.finding);
    expect(alerts.map((f) => f.detectionId)).toEqual([
      'lambda-function-created-with-layers',
      'lambda-layer-version-changed',
      'lambda-layer-removed',
    ]);
    expect(alerts[1]?.layers).toMatchObject({ versionChanged: [{ from: v1, to: v2 }] });
    expect(alerts[2]?.severity).toBe('informational');
  });

  it('still alerts when the function was deleted before enrichment (ResourceNotFound)', async () => {
    await handler(await createFn('short-lived'));
    const ext = await publish(lambdaA, 'gone-ext');
    const event = await updateFn('short-lived', { Layers: [ext] });
    await lambdaA.send(new DeleteFunctionCommand({ FunctionName: 'short-lived' }));
    await expect(handler(event)).resolves.toMatchObject({
      outcome: 'published',
      detectionId: 'lambda-layer-added',
    });
    const [alert] = (await delivered()).slice(-1);
    expect((alert?.finding.gaps as string[]).join(' ')).toMatch(
      /no longer exists \(ResourceNotFoundException/,
    );
    expect(counted).toContain('EnrichmentFailures');
  });

  it('reports a layer from a second account as unknown external, saying what could not be read', async () => {
    const foreign = await publish(lambdaB, 'perf-monitor');
    await handler(await createFn('victim'));
    await delivered();
    // moto refuses to attach another account's layer, so the response is the function's real
    // configuration with the foreign layer as AWS would list it.
    const request = { FunctionName: 'victim', Layers: [foreign] };
    const config = await lambdaA.send(
      new UpdateFunctionConfigurationCommand({ FunctionName: 'victim', Description: 'x' }),
    );
    const event = trail(
      'UpdateFunctionConfiguration',
      request,
      { ...config, Layers: [{ Arn: foreign, CodeSize: 22 }] },
      { account: A, time: tick() },
    );
    await expect(handler(event)).resolves.toMatchObject({
      outcome: 'published',
      detectionId: 'lambda-layer-added',
    });
    const [alert] = await delivered();
    const f = alert?.finding as Rec;
    expect(f.severity).toBe('critical');
    expect(f.provenance).toEqual([
      expect.objectContaining({ versionArn: foreign, account: B, relation: 'external', lookup: 'not-found' }),
    ]);
    expect((f.reasons as string[]).join(' ')).toMatch(/unknown external account \(222222222222\)/);
    expect((f.gaps as string[]).join(' ')).toMatch(/layer .*perf-monitor:1: not-found/);
  });

  it('publishes one alert when the same event is delivered twice', async () => {
    await handler(await createFn('twice'));
    await delivered();
    const event = await updateFn('twice', { Layers: [await publish(lambdaA, 'twice-ext')] });
    await expect(handler(event)).resolves.toMatchObject({ outcome: 'published' });
    await expect(handler(structuredClone(event))).resolves.toMatchObject({ outcome: 'duplicate' });
    expect(await delivered()).toHaveLength(1);
  });

  it('keeps the baseline from regressing when events arrive out of order', async () => {
    const v1 = await publish(lambdaA, 'ordered');
    const created = await createFn('ordered-fn', [v1]);
    const v2 = await publish(lambdaA, 'ordered');
    const first = await updateFn('ordered-fn', { Layers: [v2] });
    const second = await updateFn('ordered-fn', { Layers: [] });
    await handler(created);
    await handler(second);
    await handler(first);
    const item = await ddb.send(
      new GetItemCommand({
        TableName: TABLE,
        Key: { functionArn: { S: `arn:aws:lambda:us-east-1:${A}:function:ordered-fn` } },
      }),
    );
    const states = JSON.parse(item.Item?.states?.S ?? '[]') as { layers: string[] }[];
    expect(states.map((s) => s.layers)).toEqual([[v1], [v2], []]);
    const late = (await delivered())
      .map((a) => a.finding)
      .find((f) => (f.event as Rec).id === (first.detail as Rec).eventID);
    expect(late?.detectionId).toBe('lambda-layer-version-changed');
    expect(late?.layers).toMatchObject({ before: [v1], after: [v2] });
  });
});
