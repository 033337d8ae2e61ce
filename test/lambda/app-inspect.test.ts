/**
 * The handler with the inspect step over in-memory ports: an archive reader that never answers
 * (and ignores its stop signal) delays the alert by the step's deadline at most, and the finding
 * names what was not read.
 */
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
  OTHER_ACCOUNT,
  updateFunctionConfiguration,
} from '../support/records.js';
import { expectValidFinding } from '../support/schema.js';

const deps = layerArn('deps', 3);
const evil = layerArn('ext', 1, OTHER_ACCOUNT);

function lookup(): LayerLookup {
  const archive = { size: 10, codeSha256: 'abc=' };
  Object.defineProperty(archive, 'url', {
    value: 'https://example.invalid/x?X-Amz-Signature=s',
    enumerable: false,
  });
  return {
    status: 'ok',
    details: {
      description: null,
      createdDate: null,
      codeSize: 10,
      codeSha256: 'abc=',
      signingProfileVersionArn: null,
      signingJobArn: null,
      compatibleRuntimes: [],
    },
    sharing: 'private',
    sharedWith: [],
    archive: archive as { url: string; size: number; codeSha256: string },
  };
}

const hanging: LayerArchiveInspector = {
  inspectArchive: () => new Promise(() => {}),
  listArchive: () => new Promise(() => {}),
};

describe('handler with the inspect step', () => {
  it('publishes the alert when the archive never answers, within the deadline, naming the gap', async () => {
    const publisher = new FakePublisher();
    const obs = observability();
    const handler = createHandler({
      reader: new FakeReader(),
      layers: new FakeLayers(() => lookup()),
      baselines: new MemoryBaselines(),
      correlations: new MemoryCorrelations(),
      idempotency: new MemoryIdempotency(),
      archives: hanging,
      inspectOptions: { deadlineMs: 100 },
      sinks: [new AlertTopicSink(publisher)],
      settings: DEFAULT_SETTINGS,
      logger: obs.logger,
      metrics: obs.metrics,
    });
    await handler(
      envelope(
        createFunction('orders', {
          layers: [deps],
          time: '2026-03-14T09:00:00Z',
          identity: identities.deployRole(),
        }),
      ),
    );
    const started = Date.now();
    await expect(
      handler(
        envelope(
          updateFunctionConfiguration('orders', { layers: [deps, evil], time: '2026-03-14T09:05:00Z' }),
        ),
      ),
    ).resolves.toMatchObject({ outcome: 'published', detectionId: 'lambda-layer-added' });
    expect(Date.now() - started).toBeLessThan(3_000);
    const f = findingOf(publisher.published.at(-1));
    expectValidFinding(f);
    expect(f.inspection.layers).toEqual([
      expect.objectContaining({
        versionArn: evil,
        status: 'skipped',
        gaps: [{ reason: 'the inspection deadline (100 ms) was reached' }],
      }),
    ]);
    expect(f.gaps).toContain(
      `layer content of ${evil}: skipped (the inspection deadline (100 ms) was reached)`,
    );
    expect(obs.counted).toContain('LayerInspectionGaps');
  });
});
