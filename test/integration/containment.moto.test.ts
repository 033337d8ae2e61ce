/**
 * The one-click containment against moto, with the real adapters: a function runs a malicious layer
 * on `$LATEST` and on version 8 behind alias prod; the deployment's baseline recorded the attach. A
 * custom action event on the finding leaves `$LATEST` on its baseline and prod on version 7, the last
 * clean one, and publishes who asked and what was done to the alert topic (read back through an SQS
 * subscription). A layerwatch function with the same layer is refused and left as it is; a finding
 * the baseline does not confirm changes nothing.
 *
 * moto 5.2.5 has no RevisionId for functions (TOOLCHAIN.md): Lambda calls go through
 * test/support/revision-proxy.ts, which keeps revisions as AWS does.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { CreateTableCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import {
  CreateAliasCommand,
  CreateFunctionCommand,
  GetAliasCommand,
  GetFunctionConfigurationCommand,
  LambdaClient,
  PublishLayerVersionCommand,
  PublishVersionCommand,
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
import { LambdaFunctionEditor } from '../../lambda/adapters/lambda-function-editor.js';
import { SnsAlertPublisher } from '../../lambda/adapters/sns-alert-publisher.js';
import { createContainment } from '../../lambda/containment-app.js';
import { clientConfig, type Moto, startMoto } from '../support/moto.js';
import { type RevisionProxy, startRevisionProxy } from '../support/revision-proxy.js';
import { ZIP } from '../support/world.js';

const ACTION = 'arn:aws:securityhub:us-east-1:123456789012:action/custom/LayerwatchRevert';
const PRODUCT = 'arn:aws:securityhub:us-east-1:123456789012:product/123456789012/default';
const TABLE = 'layerwatch-state';
const logger = { info: () => {}, warn: () => {} } as unknown as Logger;

let moto: Moto;
let proxy: RevisionProxy;
let lambda: LambdaClient;
let role: string;
let deps: string;
let evil: string;
let queueUrl: string;
let contain: ReturnType<typeof createContainment>;

beforeAll(async () => {
  moto = await startMoto();
  proxy = await startRevisionProxy(moto.endpoint);
  lambda = new LambdaClient(clientConfig(proxy.endpoint));
  const trust = { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' };
  role = (
    await new IAMClient(clientConfig(moto.endpoint)).send(
      new CreateRoleCommand({
        RoleName: 'fn-role',
        AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [trust] }),
      }),
    )
  ).Role?.Arn as string;
  const layer = async (name: string) =>
    (await lambda.send(new PublishLayerVersionCommand({ LayerName: name, Content: { ZipFile: ZIP } })))
      .LayerVersionArn as string;
  deps = await layer('deps');
  evil = await layer('perf-monitor-extension');
  await new DynamoDBClient(clientConfig(moto.endpoint)).send(
    new CreateTableCommand({
      TableName: TABLE,
      KeySchema: [{ AttributeName: 'functionArn', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'functionArn', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  const sns = new SNSClient(clientConfig(moto.endpoint));
  const sqs = new SQSClient(clientConfig(moto.endpoint));
  const topic = (await sns.send(new CreateTopicCommand({ Name: 'alerts' }))).TopicArn as string;
  queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'alerts' }))).QueueUrl as string;
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
  );
  await sns.send(new SubscribeCommand({ TopicArn: topic, Protocol: 'sqs', Endpoint: Attributes?.QueueArn }));
  const baselines = new DynamoDbBaselineStore(new DynamoDBClient(clientConfig(moto.endpoint)), TABLE);
  contain = createContainment({
    port: new LambdaFunctionEditor(() => lambda),
    baseline: (arn) => baselines.get(arn),
    publisher: new SnsAlertPublisher(sns, topic),
    actionArn: ACTION,
    partition: 'aws',
    stack: 'LayerWatch',
    maxFunctions: 5,
    logger,
  });
}, 60_000);

afterAll(async () => {
  await proxy?.close();
  await moto?.stop();
});

/** Versions 1 to 7 clean, 8 with the malicious layer, prod on 8; `$LATEST` still runs it; the baseline saw the attach. */
async function victim(name: string, recorded = true): Promise<string> {
  const created = await lambda.send(
    new CreateFunctionCommand({
      FunctionName: name,
      Runtime: 'python3.12',
      Role: role,
      Handler: 'index.handler',
      Code: { ZipFile: ZIP },
      Layers: [deps],
    }),
  );
  for (let v = 1; v <= 7; v += 1) {
    await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: name, MemorySize: 128 + v }));
    await lambda.send(new PublishVersionCommand({ FunctionName: name }));
  }
  await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: name, Layers: [deps, evil] }));
  await lambda.send(new PublishVersionCommand({ FunctionName: name }));
  await lambda.send(new CreateAliasCommand({ FunctionName: name, Name: 'prod', FunctionVersion: '8' }));
  const arn = created.FunctionArn as string;
  const state = (layers: string[], eventTime: string) => ({
    layers,
    eventTime,
    eventId: eventTime,
    source: 'event',
  });
  const states = [
    state([deps], '2026-03-01T00:00:00Z'),
    ...(recorded ? [state([deps, evil], '2026-03-14T09:00:00Z')] : []),
  ];
  await new DynamoDBClient(clientConfig(moto.endpoint)).send(
    new PutItemCommand({
      TableName: TABLE,
      Item: {
        functionArn: { S: arn },
        states: { S: JSON.stringify(states) },
        revision: { N: String(states.length) },
      },
    }),
  );
  return arn;
}

/** The custom action event on the finding of the attach, as Security Hub sends it. */
function clicked(arn: string) {
  return {
    version: '0',
    id: `click-${arn.split(':').at(-1)}`,
    'detail-type': 'Security Hub Findings - Custom Action',
    source: 'aws.securityhub',
    account: '123456789012',
    time: '2026-03-14T10:00:00Z',
    region: 'us-east-1',
    resources: [ACTION],
    detail: {
      actionName: 'layerwatch revert',
      actionDescription: "Reverts the layerwatch finding's layer change",
      findings: [
        {
          Id: 'layerwatch/lambda-layer-added/f1',
          ProductArn: PRODUCT,
          GeneratorId: 'layerwatch/lambda-layer-added',
          Resources: [{ Type: 'AwsLambdaFunction', Id: arn, Partition: 'aws', Region: 'us-east-1' }],
          ProductFields: {
            'layerwatch/FindingId': 'f1',
            'layerwatch/EventTime': '2026-03-14T09:00:00Z',
            'layerwatch/LayersBefore': deps,
            'layerwatch/LayersAfter': `${deps} ${evil}`,
            'layerwatch/LayersAdded': evil,
          },
        },
      ],
    },
  };
}

async function state(name: string) {
  const latest = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name }));
  const prod = await lambda.send(new GetAliasCommand({ FunctionName: name, Name: 'prod' }));
  return { latest: (latest.Layers ?? []).map((l) => l.Arn), prod: prod.FunctionVersion };
}

/** What reached the alert topic's SQS subscriber: the subject, and the JSON body (the `sqs` protocol's). */
async function reports(): Promise<{ subject: string; body: Record<string, unknown> }[]> {
  const out: { subject: string; body: Record<string, unknown> }[] = [];
  const { Messages = [] } = await new SQSClient(clientConfig(moto.endpoint)).send(
    new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
  );
  for (const m of Messages) {
    const body = JSON.parse(m.Body ?? '{}') as { Subject: string; Message: string };
    out.push({ subject: body.Subject, body: JSON.parse(body.Message) });
  }
  return out;
}

describe('the containment, against moto', () => {
  it('leaves $LATEST on its baseline and prod on the last clean version, and reports who asked', async () => {
    await victim('pay');
    const report = await contain(
      clicked(
        (await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'pay' })))
          .FunctionArn as string,
      ),
    );
    expect(report.failed).toBeNull();
    expect(await state('pay')).toEqual({ latest: [deps], prod: '7' });
    const [sent] = await reports();
    expect(sent?.subject).toBe('[HIGH] layerwatch containment contained: 1 function(s)');
    expect(sent?.body).toMatchObject({
      kind: 'containment-report',
      outcome: 'contained',
      asker: { eventId: 'click-pay', actionArn: ACTION },
      done: [{ step: { kind: 'set-routing' } }, { step: { kind: 'set-layers' } }],
    });
  }, 60_000);

  it("refuses layerwatch's own function and leaves it as it is", async () => {
    const arn = await victim('LayerWatch-LayerWatchContainmentFunction-ABC');
    const report = await contain(clicked(arn));
    expect(report.plans[0]?.refusal?.guard).toBe('own-function');
    expect(await state('LayerWatch-LayerWatchContainmentFunction-ABC')).toEqual({
      latest: [deps, evil],
      prod: '8',
    });
    expect((await reports())[0]?.subject).toBe('[HIGH] layerwatch containment refused: 1 function(s)');
  }, 60_000);

  it("changes nothing the deployment's baseline does not confirm", async () => {
    const arn = await victim('orders', false);
    const report = await contain(clicked(arn));
    expect(report.skipped).toEqual([expect.stringContaining('shows no layer added')]);
    expect(await state('orders')).toEqual({ latest: [deps, evil], prod: '8' });
  }, 60_000);
});
