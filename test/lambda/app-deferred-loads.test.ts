/**
 * The handler's deferred loads (the layer archive reader, the alert renderer) when the first load
 * fails: that event reports the failure as it reports any (an inspection gap; a sink failure, which
 * fails the invocation so that Lambda retries it), and the next event loads again and works. A
 * rejected load kept for the life of the container would fail every later event the same way.
 */
import { deferredArchiveReader } from '../../lambda/adapters/layer-archive-deferred.js';
import { sha256Base64 } from '../../lambda/adapters/layer-archive-source.js';
import type { LayerArchiveInspector } from '../../lambda/adapters/ports.js';
import { createHandler } from '../../lambda/app.js';
import type { LayerLookup } from '../../lambda/domain/provenance.js';
import { DEFAULT_SETTINGS } from '../../lambda/domain/settings.js';
import { AlertTopicSink } from '../../lambda/pipeline/alert-topic-sink.js';
import { findingOf } from '../support/builders.js';
import {
  FakeLayers,
  FakePublisher,
  FakeReader,
  MemoryBaselines,
  MemoryCorrelations,
  MemoryIdempotency,
  observability,
} from '../support/fakes.js';
import {
  createFunction,
  envelope,
  identities,
  layerArn,
  updateFunctionConfiguration,
} from '../support/records.js';
import { buildZip, serveZip, type ZipServer } from '../support/zips.js';

const ZIP = buildZip([{ path: 'extensions/agent', data: '#!/bin/sh\nexec "$@"\n', mode: 0o755 }]);
const first = layerArn('ext', 1);
const second = layerArn('tool', 1);
const third = layerArn('probe', 1);

/** `load`, except that its first call fails as a missing chunk would; counts its calls. */
function failingOnce<T>(load: () => Promise<T>) {
  const calls = { count: 0 };
  const loader = async (): Promise<T> => {
    calls.count += 1;
    if (calls.count === 1) throw new Error("Cannot find module './chunk-XYZ.js'");
    return load();
  };
  return { loader, calls };
}

let server: ZipServer;
beforeEach(async () => {
  server = await serveZip(ZIP);
});
afterEach(() => server.close());

function lookup(): LayerLookup {
  const codeSha256 = sha256Base64(ZIP);
  return {
    status: 'ok',
    details: {
      description: null,
      createdDate: null,
      codeSize: ZIP.length,
      codeSha256,
      signingProfileVersionArn: null,
      signingJobArn: null,
      compatibleRuntimes: [],
    },
    sharing: 'private',
    sharedWith: [],
    archive: { url: server.url, size: ZIP.length, codeSha256 },
  };
}

function handlerWith(o: { archives?: LayerArchiveInspector; sink?: (p: FakePublisher) => AlertTopicSink }) {
  const publisher = new FakePublisher();
  const obs = observability();
  const handler = createHandler({
    reader: new FakeReader(),
    layers: new FakeLayers(() => lookup()),
    baselines: new MemoryBaselines(),
    correlations: new MemoryCorrelations(),
    idempotency: new MemoryIdempotency(),
    archives: o.archives,
    inspectOptions: { deadlineMs: 5_000 },
    sinks: [o.sink ? o.sink(publisher) : new AlertTopicSink(publisher)],
    settings: DEFAULT_SETTINGS,
    logger: obs.logger,
    metrics: obs.metrics,
  });
  return { handler, publisher, counted: obs.counted };
}

const created = () =>
  envelope(
    createFunction('orders', { layers: [], time: '2026-03-14T09:00:00Z', identity: identities.deployRole() }),
  );
const attached = (layers: string[], minute: number) =>
  envelope(
    updateFunctionConfiguration('orders', {
      layers,
      time: `2026-03-14T09:${String(minute).padStart(2, '0')}:00Z`,
    }),
  );

describe('a deferred load that fails once', () => {
  it('archive reader: the first event names an inspection gap, the next one is inspected', async () => {
    const { loader, calls } = failingOnce(() => import('../../lambda/adapters/layer-archive-reader.js'));
    const h = handlerWith({ archives: deferredArchiveReader({}, loader) });
    await h.handler(created());
    await expect(h.handler(attached([first], 5))).resolves.toMatchObject({ outcome: 'published' });
    const gap = findingOf(h.publisher.published.at(-1));
    expect(gap.inspection.layers).toEqual([
      expect.objectContaining({
        versionArn: first,
        status: 'skipped',
        gaps: [{ reason: "inspection failed: Error: Cannot find module './chunk-XYZ.js'" }],
      }),
    ]);
    expect(h.counted).toContain('LayerInspectionGaps');

    await expect(h.handler(attached([first, second], 10))).resolves.toMatchObject({ outcome: 'published' });
    const read = findingOf(h.publisher.published.at(-1));
    expect(read.inspection.layers).toEqual([
      expect.objectContaining({ versionArn: second, status: 'inspected', files: 1 }),
    ]);
    // Loaded once it worked: kept for the events after.
    await h.handler(attached([first, second, third], 15));
    expect(findingOf(h.publisher.published.at(-1)).inspection.layers).toEqual([
      expect.objectContaining({ versionArn: third, status: 'inspected' }),
    ]);
    expect(calls.count).toBe(2);
  });

  it('alert renderer: the first event fails as a sink failure, its retry and the next event publish', async () => {
    const { loader, calls } = failingOnce(() => import('../../lambda/domain/render/alert.js'));
    const h = handlerWith({ sink: (publisher) => new AlertTopicSink(publisher, loader) });
    await h.handler(created());
    await expect(h.handler(attached([first], 5))).rejects.toThrow("Cannot find module './chunk-XYZ.js'");
    expect(h.counted).toContain('DeliveryFailures');
    expect(h.publisher.published).toHaveLength(0);

    // Lambda retries the failed invocation (the same event), then the container takes the next one.
    await expect(h.handler(attached([first], 5))).resolves.toMatchObject({ outcome: 'published' });
    await expect(h.handler(attached([first, second], 10))).resolves.toMatchObject({ outcome: 'published' });
    expect(h.publisher.published.map((p) => findingOf(p).layers.added)).toEqual([[first], [second]]);
    // Loaded once it worked: kept for the events after.
    expect(calls.count).toBe(2);
  });
});
