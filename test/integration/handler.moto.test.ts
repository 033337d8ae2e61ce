/**
 * The handler against real AWS APIs (moto over HTTP): functions and layers are created and changed
 * through the Lambda API, the CloudTrail event is built from the API's own request and response,
 * the handler runs in process with SDK clients pointed at moto, and alerts are read back from an SQS
 * queue subscribed to the topic.
 */
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { DeleteFunctionCommand, UpdateFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import type { HandlerResult } from '../../lambda/app.js';
import { observability } from '../support/fakes.js';
import { type Moto, startMoto } from '../support/moto.js';
import { identities, type Rec } from '../support/records.js';
import { expectValidFinding } from '../support/schema.js';
import { trail } from '../support/trail.js';
import { A, B, createWorld, TABLE, type World } from '../support/world.js';

let moto: Moto;
let w: World;
let handler: (event: unknown) => Promise<HandlerResult>;

beforeAll(async () => {
  moto = await startMoto();
  w = await createWorld(moto.endpoint, observability());
  handler = w.makeHandler();
}, 60_000);

afterAll(async () => {
  await moto?.stop();
});

describe('handler against moto', () => {
  it('alerts on the Stratus-style attack: an IAM user attaches an extension layer', async () => {
    await expect(handler(await w.createFn('stratus-simple'))).resolves.toMatchObject({
      outcome: 'no-finding',
    });
    const ext = await w.publish(w.lambdaA, 'my-lambda-extension');
    const attack = await w.updateFn('stratus-simple', { Layers: [ext] });
    await expect(handler(attack)).resolves.toMatchObject({
      outcome: 'published',
      detectionId: 'lambda-layer-added',
    });

    const alerts = await w.delivered();
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
    // moto answers GetFunctionCodeSigningConfig (no configuration here); the layer is the account's own.
    expect(f.posture).toEqual({
      codeSigning: { state: 'none', configArn: null, allowedPublishers: [], detail: null },
      guardrail: expect.objectContaining({ verdict: 'allowed', refusedLayers: [] }),
    });

    const item = await w.ddb.send(
      new GetItemCommand({
        TableName: TABLE,
        Key: { functionArn: { S: `arn:aws:lambda:us-east-1:${A}:function:stratus-simple` } },
      }),
    );
    expect(JSON.parse(item.Item?.states?.S ?? '[]').at(-1).layers).toEqual([ext]);
  });

  it('publishes nothing for a memory-only change', async () => {
    await handler(await w.createFn('memory-only', [await w.publish(w.lambdaA, 'deps')]));
    await w.delivered();
    await expect(handler(await w.updateFn('memory-only', { MemorySize: 1024 }))).resolves.toMatchObject({
      outcome: 'no-finding',
    });
    expect(await w.delivered()).toHaveLength(0);
  });

  it('reports a version bump and then a removal', async () => {
    const v1 = await w.publish(w.lambdaA, 'shared-lib');
    await handler(await w.createFn('bumped', [v1]));
    const v2 = await w.publish(w.lambdaA, 'shared-lib');
    await expect(
      handler(await w.updateFn('bumped', { Layers: [v2] }, identities.deployRole())),
    ).resolves.toMatchObject({
      detectionId: 'lambda-layer-version-changed',
    });
    await expect(handler(await w.updateFn('bumped', { Layers: [] }))).resolves.toMatchObject({
      detectionId: 'lambda-layer-removed',
    });
    const alerts = (await w.delivered()).map((a) => a.finding);
    expect(alerts.map((f) => f.detectionId)).toEqual([
      'lambda-function-created-with-layers',
      'lambda-layer-version-changed',
      'lambda-layer-removed',
    ]);
    expect(alerts[1]?.layers).toMatchObject({ versionChanged: [{ from: v1, to: v2 }] });
    expect(alerts[2]?.severity).toBe('informational');
  });

  it('alerts on a refused attach, reads the posture, and records nothing', async () => {
    await handler(await w.createFn('guarded'));
    const ext = await w.publish(w.lambdaB, 'refused-ext');
    const refused = trail('UpdateFunctionConfiguration', { functionName: 'guarded', layers: [ext] }, null, {
      account: A,
      time: w.tick(),
    });
    const arn = `arn:aws:lambda:us-east-1:${A}:function:guarded`;
    refused.detail = {
      ...(refused.detail as Rec),
      errorCode: 'AccessDenied',
      errorMessage: `User: arn:aws:iam::${A}:user/mallory is not authorized to perform: lambda:UpdateFunctionConfiguration on resource: ${arn} with an explicit deny in a service control policy`,
    };
    await expect(handler(refused)).resolves.toMatchObject({
      outcome: 'published',
      detectionId: 'lambda-layer-attach-denied',
    });
    const [alert] = await w.delivered();
    const f = alert?.finding as Rec;
    expectValidFinding(f);
    expect(f.layer).toMatchObject({ versionArn: ext });
    expect(f.posture).toMatchObject({
      codeSigning: { state: 'none' },
      guardrail: { verdict: 'refused', refusedLayers: [ext] },
    });
    const item = await w.ddb.send(new GetItemCommand({ TableName: TABLE, Key: { functionArn: { S: arn } } }));
    expect(JSON.parse(item.Item?.states?.S ?? '[]').at(-1).layers).toEqual([]);
  });

  it('still alerts when the function was deleted before enrichment (ResourceNotFound)', async () => {
    await handler(await w.createFn('short-lived'));
    const ext = await w.publish(w.lambdaA, 'gone-ext');
    const event = await w.updateFn('short-lived', { Layers: [ext] });
    await w.lambdaA.send(new DeleteFunctionCommand({ FunctionName: 'short-lived' }));
    await expect(handler(event)).resolves.toMatchObject({
      outcome: 'published',
      detectionId: 'lambda-layer-added',
    });
    const [alert] = (await w.delivered()).slice(-1);
    expect(((alert?.finding.gaps ?? []) as string[]).join(' ')).toMatch(
      /no longer exists \(ResourceNotFoundException/,
    );
    expect(w.counted).toContain('EnrichmentFailures');
  });

  it('reports a layer from a second account as unknown external, saying what could not be read', async () => {
    const foreign = await w.publish(w.lambdaB, 'perf-monitor');
    await handler(await w.createFn('victim'));
    await w.delivered();
    // moto refuses to attach another account's layer, so the response is the function's real
    // configuration with the foreign layer as AWS would list it.
    const request = { FunctionName: 'victim', Layers: [foreign] };
    const config = await w.lambdaA.send(
      new UpdateFunctionConfigurationCommand({ FunctionName: 'victim', Description: 'x' }),
    );
    const event = trail(
      'UpdateFunctionConfiguration',
      request,
      { ...config, Layers: [{ Arn: foreign, CodeSize: 22 }] },
      { account: A, time: w.tick() },
    );
    await expect(handler(event)).resolves.toMatchObject({
      outcome: 'published',
      detectionId: 'lambda-layer-added',
    });
    const [alert] = await w.delivered();
    const f = alert?.finding as Rec;
    expect(f.severity).toBe('critical');
    expect(f.provenance).toEqual([
      expect.objectContaining({ versionArn: foreign, account: B, relation: 'external', lookup: 'not-found' }),
    ]);
    expect((f.reasons as string[]).join(' ')).toMatch(/unknown external account \(222222222222\)/);
    expect((f.gaps as string[]).join(' ')).toMatch(/layer .*perf-monitor:1: not-found/);
  });

  it('publishes one alert when the same event is delivered twice', async () => {
    await handler(await w.createFn('twice'));
    await w.delivered();
    const event = await w.updateFn('twice', { Layers: [await w.publish(w.lambdaA, 'twice-ext')] });
    await expect(handler(event)).resolves.toMatchObject({ outcome: 'published' });
    await expect(handler(structuredClone(event))).resolves.toMatchObject({ outcome: 'duplicate' });
    expect(await w.delivered()).toHaveLength(1);
  });

  it('keeps the baseline from regressing when events arrive out of order', async () => {
    const v1 = await w.publish(w.lambdaA, 'ordered');
    const created = await w.createFn('ordered-fn', [v1]);
    const v2 = await w.publish(w.lambdaA, 'ordered');
    const first = await w.updateFn('ordered-fn', { Layers: [v2] });
    const second = await w.updateFn('ordered-fn', { Layers: [] });
    await handler(created);
    await handler(second);
    await handler(first);
    const item = await w.ddb.send(
      new GetItemCommand({
        TableName: TABLE,
        Key: { functionArn: { S: `arn:aws:lambda:us-east-1:${A}:function:ordered-fn` } },
      }),
    );
    const states = JSON.parse(item.Item?.states?.S ?? '[]') as { layers: string[] }[];
    expect(states.map((s) => s.layers)).toEqual([[v1], [v2], []]);
    const late = (await w.delivered())
      .map((a) => a.finding)
      .find((f) => (f.event as Rec).id === (first.detail as Rec).eventID);
    expect(late?.detectionId).toBe('lambda-layer-version-changed');
    expect(late?.layers).toMatchObject({ before: [v1], after: [v2] });
  });
});
