/**
 * Layer content inspection against real AWS APIs (moto over HTTP): the inspection cache in the
 * state table, and the handler end to end. moto's GetLayerVersion answers `s3://` as the
 * Content.Location (it serves no zip), so the archive reader is given a fetch that serves the
 * layer's real zip, built here, by HTTP ranges, as S3's presigned URL does.
 */
import { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { GetLayerVersionCommand, PublishLayerVersionCommand } from '@aws-sdk/client-lambda';
import { SNSClient } from '@aws-sdk/client-sns';
import { DynamoDbBaselineStore } from '../../lambda/adapters/dynamodb-baseline-store.js';
import { DynamoDbCorrelationStore } from '../../lambda/adapters/dynamodb-correlation-store.js';
import { DynamoDbIdempotencyStore } from '../../lambda/adapters/dynamodb-idempotency-store.js';
import {
  DynamoDbInspectionCache,
  InspectionCacheError,
} from '../../lambda/adapters/dynamodb-inspection-cache.js';
import { LambdaFunctionReader } from '../../lambda/adapters/lambda-function-reader.js';
import { LambdaLayerReader } from '../../lambda/adapters/lambda-layer-reader.js';
import { LayerArchiveReader } from '../../lambda/adapters/layer-archive-reader.js';
import { SnsAlertPublisher } from '../../lambda/adapters/sns-alert-publisher.js';
import { createHandler } from '../../lambda/app.js';
import { parseSettings } from '../../lambda/domain/settings.js';
import { AlertTopicSink } from '../../lambda/pipeline/alert-topic-sink.js';
import { observability } from '../support/fakes.js';
import { EXTENSION, report } from '../support/inspected-findings.js';
import { clientConfig, inAccount, type Moto, startMoto } from '../support/moto.js';
import type { Rec } from '../support/records.js';
import { expectValidFinding } from '../support/schema.js';
import { A, createWorld, TABLE, type World } from '../support/world.js';
import { buildZip } from '../support/zips.js';

let moto: Moto;
let w: World;
const obs = observability();

beforeAll(async () => {
  moto = await startMoto();
  w = await createWorld(moto.endpoint, obs, 'inspection-alerts');
}, 60_000);

afterAll(async () => {
  await moto?.stop();
});

const ARN = `arn:aws:lambda:us-east-1:${A}:layer:otel:7`;

describe('DynamoDbInspectionCache against moto', () => {
  const cache = () =>
    new DynamoDbInspectionCache(w.ddb, TABLE, { now: () => Date.parse('2026-03-14T09:00:00Z') });

  it('keeps a complete report by version and digest, with a 90-day TTL', async () => {
    const r = report(ARN, [EXTENSION]);
    await cache().put(r);
    await expect(cache().get(ARN, r.codeSha256 as string)).resolves.toEqual({ ...r, cached: true });
    await expect(cache().get(ARN, 'another-digest')).resolves.toBeNull();
    const item = await w.ddb.send(
      new GetItemCommand({
        TableName: TABLE,
        Key: { functionArn: { S: DynamoDbInspectionCache.keyOf(ARN, r.codeSha256 as string) } },
      }),
    );
    expect(Number(item.Item?.expiresAt?.N)).toBe(Date.parse('2026-03-14T09:00:00Z') / 1000 + 90 * 86_400);
  });

  it('refuses a partial report, and treats an item that is not a report as a miss', async () => {
    await expect(cache().put(report(ARN, [], { status: 'partial' }))).rejects.toThrow(InspectionCacheError);
    await w.ddb.send(
      new PutItemCommand({
        TableName: TABLE,
        Item: {
          functionArn: { S: DynamoDbInspectionCache.keyOf(ARN, 'bad') },
          report: { S: '{"versionArn":1}' },
        },
      }),
    );
    await expect(cache().get(ARN, 'bad')).resolves.toBeNull();
  });

  it('throws a named error when the table cannot be read (the step logs it and goes on)', async () => {
    const missing = new DynamoDbInspectionCache(w.ddb, 'no-such-table');
    await expect(missing.get(ARN, 'x')).rejects.toThrow(InspectionCacheError);
  });
});

/** A fetch that serves `zip` by ranges whatever the URL (moto's is `s3://`), recording each request. */
function rangeFetch(zip: Buffer, seen: string[]) {
  return async (url: string, init: RequestInit): Promise<Response> => {
    seen.push(url);
    const range = /^bytes=(\d+)-(\d+)$/.exec(new Headers(init.headers).get('range') ?? '');
    if (!range) return new Response(zip, { status: 200 });
    const [start, end] = [Number(range[1]), Number(range[2])];
    return new Response(zip.subarray(start, end + 1), {
      status: 206,
      headers: { 'content-range': `bytes ${start}-${end}/${zip.length}` },
    });
  };
}

describe('handler with layer inspection, end to end', () => {
  it('names the extension the attached layer starts, and reads a cached report the second time', async () => {
    const zip = buildZip([
      { path: 'extensions/otel-collector', data: '#!/bin/sh\nexec /opt/collector\n', mode: 0o755 },
      { path: 'python/lib/python3.12/site-packages/helper.py', data: 'x = 1\n' },
    ]);
    const layer = (
      await w.lambdaA.send(new PublishLayerVersionCommand({ LayerName: 'otel', Content: { ZipFile: zip } }))
    ).LayerVersionArn as string;
    const described = await w.lambdaA.send(
      new GetLayerVersionCommand({ LayerName: layer.replace(/:\d+$/, ''), VersionNumber: 1 }),
    );
    expect(described.Content?.CodeSize).toBe(zip.length);

    const seen: string[] = [];
    const cfg = clientConfig(moto.endpoint, 'us-east-1');
    const db = inAccount(new DynamoDBClient(cfg), A);
    const handler = createHandler({
      reader: new LambdaFunctionReader(() => w.lambdaA),
      layers: new LambdaLayerReader(() => w.lambdaA),
      baselines: new DynamoDbBaselineStore(db, TABLE),
      correlations: new DynamoDbCorrelationStore(db, TABLE, 60),
      idempotency: new DynamoDbIdempotencyStore(db, TABLE, { lockSeconds: 60 }),
      archives: new LayerArchiveReader({ fetch: rangeFetch(zip, seen) }),
      inspectionCache: new DynamoDbInspectionCache(db, TABLE),
      sinks: [new AlertTopicSink(new SnsAlertPublisher(inAccount(new SNSClient(cfg), A), w.topicArn))],
      settings: parseSettings({ minSeverity: 'informational' }),
      logger: obs.logger,
      metrics: obs.metrics,
    });

    await handler(await w.createFn('inspected-fn'));
    await w.delivered();
    await expect(handler(await w.updateFn('inspected-fn', { Layers: [layer] }))).resolves.toMatchObject({
      outcome: 'published',
      detectionId: 'lambda-layer-added',
    });
    const [alert] = await w.delivered();
    const f = alert?.finding as Rec & { inspection: { layers: Rec[] } };
    expectValidFinding(f);
    expect(f.inspection.layers).toEqual([
      expect.objectContaining({
        versionArn: layer,
        status: 'inspected',
        cached: false,
        files: 2,
        signals: [expect.objectContaining({ id: 'external-extension', path: 'extensions/otel-collector' })],
      }),
    ]);
    expect((f.reasons as string[]).join('\n')).toContain(
      'starts an external extension, extensions/otel-collector',
    );
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((u) => u === described.Content?.Location)).toBe(true);
    expect(JSON.stringify(f)).not.toContain(described.Content?.Location as string);

    // Another function attaches the same version: the report comes from the cache, no read.
    const reads = seen.length;
    await handler(await w.createFn('second-fn'));
    await handler(await w.updateFn('second-fn', { Layers: [layer] }));
    const second = (await w.delivered()).at(-1)?.finding as Rec & { inspection: { layers: Rec[] } };
    expect(second.inspection.layers[0]).toMatchObject({ status: 'inspected', cached: true });
    expect(seen.length).toBe(reads);
  });
});
