/**
 * Failure paths, over real HTTP against moto. Each test forces one failure and checks where the
 * event ended up: published after retries, published with what is known, or dead-lettered and
 * recovered with the documented re-drive.
 */
import { CreateQueueCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { type FailureRecord, invokeAsync } from '../support/async-invoke.js';
import { observability } from '../support/fakes.js';
import { type FlakyProxy, startFlakyProxy } from '../support/flaky-proxy.js';
import { type Moto, startMoto } from '../support/moto.js';
import { A, createWorld, type World } from '../support/world.js';

let moto: Moto;
let proxy: FlakyProxy;
let w: World;

beforeAll(async () => {
  moto = await startMoto();
  proxy = await startFlakyProxy(moto.endpoint);
  w = await createWorld(moto.endpoint, observability(), 'failure-alerts');
}, 60_000);

afterAll(async () => {
  await proxy?.close();
  await moto?.stop();
});

const isPublish = (r: { body: string; headers: Record<string, unknown> }) =>
  r.body.includes('Action=Publish') || String(r.headers['x-amz-target'] ?? '').endsWith('.Publish');
const isGetFunctionConfiguration = (r: { method: string; path: string }) =>
  r.method === 'GET' && /\/functions\/[^/]+\/configuration/.test(r.path);

describe('failure paths', () => {
  it('retries SNS 5xx with the SDK retry policy and publishes once', async () => {
    await w.makeHandler()(await w.createFn('retry-sns'));
    const event = await w.updateFn('retry-sns', { Layers: [await w.publish(w.lambdaA, 'retry-sns-ext')] });
    proxy.faults.push({ match: isPublish, times: 2, status: 503 });
    const before = proxy.failed;
    const handler = w.makeHandler({ endpoint: proxy.endpoint, maxAttempts: 5 });
    await expect(handler(event)).resolves.toMatchObject({ outcome: 'published' });
    expect(proxy.failed - before).toBe(2);
    expect(await w.delivered()).toHaveLength(1);
  });

  it('retries Lambda throttling (429 TooManyRequestsException) during enrichment', async () => {
    await w.makeHandler()(await w.createFn('retry-lambda'));
    await w.delivered();
    const event = await w.updateFn('retry-lambda', {
      Layers: [await w.publish(w.lambdaA, 'retry-lambda-ext')],
    });
    proxy.faults.push({
      match: isGetFunctionConfiguration,
      times: 2,
      status: 429,
      headers: { 'x-amzn-errortype': 'TooManyRequestsException' },
      body: JSON.stringify({ message: 'Rate exceeded', Type: 'User' }),
    });
    const handler = w.makeHandler({ endpoint: proxy.endpoint, maxAttempts: 5 });
    await expect(handler(event)).resolves.toMatchObject({ outcome: 'published' });
    const [alert] = await w.delivered();
    expect(alert?.finding.gaps).toEqual([]);
    expect((alert?.finding.layers as { current: string[] } | undefined)?.current).toHaveLength(1);
  });

  it('publishes with what is known when enrichment keeps failing, and says what is missing', async () => {
    await w.makeHandler()(await w.createFn('enrich-down'));
    await w.delivered();
    const event = await w.updateFn('enrich-down', {
      Layers: [await w.publish(w.lambdaA, 'enrich-down-ext')],
    });
    proxy.faults.push({
      match: isGetFunctionConfiguration,
      times: 10,
      status: 500,
      body: '{"message":"internal"}',
    });
    const handler = w.makeHandler({ endpoint: proxy.endpoint, maxAttempts: 2 });
    await expect(handler(event)).resolves.toMatchObject({ outcome: 'published' });
    const [alert] = await w.delivered();
    expect(((alert?.finding.gaps ?? []) as string[]).join(' ')).toMatch(
      /function configuration: could not be read/,
    );
    proxy.faults.length = 0;
  });

  it('fails the invocation when the publish keeps failing; after retries the event lands in the failure queue, and the re-drive delivers it', async () => {
    const failureQueue = (await w.sqs.send(new CreateQueueCommand({ QueueName: 'on-failure' })))
      .QueueUrl as string;
    await w.makeHandler()(await w.createFn('publish-down'));
    await w.delivered();
    const event = await w.updateFn('publish-down', {
      Layers: [await w.publish(w.lambdaA, 'publish-down-ext')],
    });

    // The topic does not exist yet: every publish fails (NotFound).
    const missingTopic = `arn:aws:sns:us-east-1:${A}:recreated-alerts`;
    const broken = w.makeHandler({ topicArn: missingTopic });
    const run = await invokeAsync(broken, event, {
      retryAttempts: 2,
      functionArn: `arn:aws:lambda:us-east-1:${A}:function:layerwatch-handler`,
      onFailure: async (record: FailureRecord) => {
        await w.sqs.send(
          new SendMessageCommand({ QueueUrl: failureQueue, MessageBody: JSON.stringify(record) }),
        );
      },
    });
    expect(run.attempts).toBe(3);
    expect(await w.delivered()).toHaveLength(0);

    const parked = await w.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: failureQueue, MaxNumberOfMessages: 10 }),
    );
    expect(parked.Messages).toHaveLength(1);
    const record = JSON.parse(parked.Messages?.[0]?.Body ?? '{}') as FailureRecord;
    expect(record.responsePayload.errorType).toBe('PublishError');
    expect(record.requestPayload).toEqual(event);

    // README "Re-drive": re-invoke the handler with each record's requestPayload once SNS works again.
    await w.subscribe('recreated-alerts');
    const repaired = w.makeHandler({ topicArn: missingTopic });
    await expect(repaired(record.requestPayload)).resolves.toMatchObject({
      outcome: 'published',
      detectionId: 'lambda-layer-added',
    });
    expect(await w.delivered()).toHaveLength(1);
    // The event's claim was released on each failure, so the re-drive was not taken for a duplicate,
    // and a second re-drive of the same record publishes nothing more.
    await expect(repaired(record.requestPayload)).resolves.toMatchObject({ outcome: 'duplicate' });
  });
});
