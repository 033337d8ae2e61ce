import {
  type ArchiveListing,
  LayerArchiveReader,
  type LayerArchiveResult,
  withoutUrl,
} from '../../../lambda/adapters/layer-archive-reader.js';
import type { InspectionCache, LayerArchiveInspector } from '../../../lambda/adapters/ports.js';
import type { LayerInspection } from '../../../lambda/domain/layer-inspection.js';
import type { LayerLookup } from '../../../lambda/domain/provenance.js';
import type { Enrichment } from '../../../lambda/pipeline/enrich.js';
import { inspect } from '../../../lambda/pipeline/inspect.js';
import { FakeLayers, recordingTelemetry } from '../../support/fakes.js';
import { EXTENSION } from '../../support/inspected-findings.js';
import { functionArn, layerArn, OTHER_ACCOUNT, updateFunctionConfiguration } from '../../support/records.js';
import { eventOf } from '../../support/run.js';

const EXT = layerArn('ext', 3, OTHER_ACCOUNT);
const V6 = layerArn('tools', 6);
const V7 = layerArn('tools', 7);
const SECRET_URL = 'https://awslambda-us-east-1-layers.s3.amazonaws.com/snapshots/x?X-Amz-Signature=SECRET';

function lookup(arn: string, withArchive = true): LayerLookup {
  const archive = { size: 100, codeSha256: `sha-of-${arn}` };
  if (withArchive) Object.defineProperty(archive, 'url', { value: SECRET_URL, enumerable: false });
  return {
    status: 'ok',
    details: {
      description: null,
      createdDate: null,
      codeSize: 100,
      codeSha256: `sha-of-${arn}`,
      signingProfileVersionArn: null,
      signingJobArn: null,
      compatibleRuntimes: [],
    },
    sharing: 'private',
    sharedWith: [],
    ...(withArchive ? { archive: archive as { url: string; size: number; codeSha256: string } } : {}),
  };
}

function result(status: LayerArchiveResult['status'], signals = [EXTENSION]): LayerArchiveResult {
  return {
    status,
    entries: [],
    report: {
      files: 3,
      uncompressedBytes: 300,
      signals,
      gaps: status === 'inspected' ? [] : [{ path: 'wrapper', reason: 'read budget of 8000 ms spent' }],
    },
    transfer: { bytes: 1000, requests: 2, mode: 'range', sha256Verified: false },
    error: null,
  };
}

class FakeArchives implements LayerArchiveInspector {
  readonly read: { url: string; stop: AbortSignal | undefined }[] = [];
  constructor(
    public answer: (url: string) => Promise<LayerArchiveResult> = async () => result('inspected'),
  ) {}
  async inspectArchive(archive: { url: string }, _publisher: string | null, stop?: AbortSignal) {
    this.read.push({ url: archive.url, stop });
    return this.answer(archive.url);
  }
  readonly listed: string[] = [];
  async listArchive(archive: { codeSha256: string }): Promise<ArchiveListing> {
    this.listed.push(archive.codeSha256);
    if (archive.codeSha256.includes('broken'))
      return { status: 'unread', error: { name: 'ArchiveFormatError', message: 'bad' } };
    return { status: 'read', paths: [`bootstrap`, `from/${archive.codeSha256}`] };
  }
}

class MemoryCache implements InspectionCache {
  readonly items = new Map<string, LayerInspection>();
  failing = false;
  async get(arn: string, sha: string) {
    if (this.failing) throw new Error('throttled');
    return this.items.get(`${arn}|${sha}`) ?? null;
  }
  async put(i: LayerInspection) {
    if (this.failing) throw new Error('throttled');
    this.items.set(`${i.versionArn}|${i.codeSha256}`, i);
  }
}

const addEvent = () =>
  eventOf(updateFunctionConfiguration('orders', { layers: [EXT], time: '2026-03-14T09:00:00Z' }));

function enrichment(layers: Record<string, LayerLookup>, before: string[] | null = null): Enrichment {
  return {
    baseline: before
      ? {
          functionArn: functionArn('orders'),
          states: [{ layers: before, eventTime: '2026-03-14T08:00:00Z', eventId: 'b', source: 'event' }],
        }
      : null,
    live: { status: 'not-read' },
    layers,
    publishes: [],
    organizationAccounts: [],
  } as Enrichment;
}

describe('inspect step', () => {
  it('reads each layer version the event brings, and caches a complete report', async () => {
    const archives = new FakeArchives();
    const cache = new MemoryCache();
    const t = recordingTelemetry();
    const out = await inspect(
      addEvent(),
      enrichment({ [EXT]: lookup(EXT) }),
      {
        layers: new FakeLayers(),
        archives,
        inspectionCache: cache,
      },
      t,
    );
    expect(out.inspections?.[EXT]).toEqual(
      expect.objectContaining({ status: 'inspected', cached: false, codeSha256: `sha-of-${EXT}`, files: 3 }),
    );
    expect(archives.read.map((r) => r.url)).toEqual([SECRET_URL]);
    expect(cache.items.size).toBe(1);
    // Served from the cache the next time: no read.
    const again = await inspect(
      addEvent(),
      enrichment({ [EXT]: lookup(EXT) }),
      {
        layers: new FakeLayers(),
        archives,
        inspectionCache: cache,
      },
      t,
    );
    expect(archives.read).toHaveLength(1);
    expect(again.inspections?.[EXT]).toMatchObject({ status: 'inspected', cached: true });
    expect(t.counted).toContain('InspectionCacheHits');
  });

  it('does not cache a partial report (it is read again next time), and counts the gap', async () => {
    const archives = new FakeArchives(async () => result('partial'));
    const cache = new MemoryCache();
    const t = recordingTelemetry();
    const out = await inspect(
      addEvent(),
      enrichment({ [EXT]: lookup(EXT) }),
      { layers: new FakeLayers(), archives, inspectionCache: cache },
      t,
    );
    expect(out.inspections?.[EXT]?.status).toBe('partial');
    expect(cache.items.size).toBe(0);
    expect(t.counted).toContain('LayerInspectionGaps');
  });

  it('goes on without the cache when it fails, and counts it', async () => {
    const cache = new MemoryCache();
    cache.failing = true;
    const t = recordingTelemetry();
    const out = await inspect(
      addEvent(),
      enrichment({ [EXT]: lookup(EXT) }),
      {
        layers: new FakeLayers(),
        archives: new FakeArchives(),
        inspectionCache: cache,
      },
      t,
    );
    expect(out.inspections?.[EXT]?.status).toBe('inspected');
    expect(t.counted.filter((c) => c === 'InspectionCacheFailures')).toHaveLength(2);
  });

  it('ends at its deadline with a named gap, and stops the reads in flight', async () => {
    const archives = new FakeArchives(
      (_url) =>
        new Promise<LayerArchiveResult>((resolve) => {
          const stop = archives.read.at(-1)?.stop;
          stop?.addEventListener('abort', () => resolve(result('unread', [])));
        }),
    );
    const t = recordingTelemetry();
    const started = Date.now();
    const out = await inspect(
      addEvent(),
      enrichment({ [EXT]: lookup(EXT) }),
      {
        layers: new FakeLayers(),
        archives,
        inspectOptions: { deadlineMs: 50 },
      },
      t,
    );
    expect(Date.now() - started).toBeLessThan(2000);
    expect(out.inspections?.[EXT]).toEqual(
      expect.objectContaining({
        status: 'skipped',
        gaps: [{ reason: 'the inspection deadline (50 ms) was reached' }],
      }),
    );
    expect(archives.read[0]?.stop?.aborted).toBe(true);
  });

  it('skips, with the reason, a version that was not looked up or has no location', async () => {
    const denied: LayerLookup = { status: 'access-denied', message: 'no' };
    const out = await inspect(
      eventOf(updateFunctionConfiguration('orders', { layers: [EXT, V7], time: '2026-03-14T09:00:00Z' })),
      enrichment({ [EXT]: denied, [V7]: lookup(V7, false) }),
      { layers: new FakeLayers(), archives: new FakeArchives() },
      recordingTelemetry(),
    );
    expect(out.inspections?.[EXT]?.gaps).toEqual([
      { reason: 'the layer version was not looked up (access-denied)' },
    ]);
    expect(out.inspections?.[V7]?.gaps).toEqual([{ reason: 'GetLayerVersion gave no content location' }]);
  });

  it('also reads the version a layer moves from, looking it up first', async () => {
    const layers = new FakeLayers((arn) => lookup(arn));
    const archives = new FakeArchives();
    const out = await inspect(
      eventOf(updateFunctionConfiguration('orders', { layers: [V7], time: '2026-03-14T09:00:00Z' })),
      enrichment({ [V7]: lookup(V7) }, [V6]),
      { layers, archives },
      recordingTelemetry(),
    );
    expect(layers.calls).toEqual([V6]);
    expect(Object.keys(out.inspections ?? {}).sort()).toEqual([V6, V7].sort());
  });

  it('does nothing without an archive reader (inspection stays off)', async () => {
    const e = enrichment({ [EXT]: lookup(EXT) });
    expect(await inspect(addEvent(), e, { layers: new FakeLayers() }, recordingTelemetry())).toBe(e);
  });

  it('never logs the presigned URL, and a lookup serializes without it', async () => {
    const t = recordingTelemetry();
    await inspect(
      addEvent(),
      enrichment({ [EXT]: lookup(EXT) }),
      {
        layers: new FakeLayers(),
        archives: new FakeArchives(async () => result('partial')),
      },
      t,
    );
    const calls = [t.logger.info, t.logger.warn, t.logger.error].flatMap((f) => (f as jest.Mock).mock.calls);
    expect(calls.length).toBeGreaterThan(0);
    expect(JSON.stringify(calls)).not.toContain('X-Amz-Signature');
    expect(JSON.stringify(lookup(EXT))).not.toContain('X-Amz-Signature');
  });

  it('lists the files of every layer when the event only reorders them (directory only)', async () => {
    const a = layerArn('a', 1);
    const b = layerArn('b', 2);
    const layers = new FakeLayers((arn) => lookup(arn));
    const archives = new FakeArchives();
    const out = await inspect(
      eventOf(updateFunctionConfiguration('orders', { layers: [b, a], time: '2026-03-14T09:00:00Z' })),
      enrichment({}, [a, b]),
      { layers, archives },
      recordingTelemetry(),
    );
    expect(out.layerPaths).toEqual({
      [b]: ['bootstrap', `from/sha-of-${b}`],
      [a]: ['bootstrap', `from/sha-of-${a}`],
    });
    expect(archives.read).toHaveLength(0);
    expect(out.inspections).toEqual({});
  });

  it('leaves layerPaths out when one layer could not be listed, and counts it', async () => {
    const a = layerArn('a', 1);
    const broken = layerArn('broken', 2);
    const t = recordingTelemetry();
    const out = await inspect(
      eventOf(updateFunctionConfiguration('orders', { layers: [broken, a], time: '2026-03-14T09:00:00Z' })),
      enrichment({}, [a, broken]),
      { layers: new FakeLayers((arn) => lookup(arn)), archives: new FakeArchives() },
      t,
    );
    expect(out.layerPaths).toBeUndefined();
    expect(t.counted).toContain('LayerInspectionGaps');
  });

  it('keeps the URL out of the gaps and the log even when an error message quotes it', async () => {
    // The real reader, whose every fetch fails with a message quoting the URL it was given.
    const quoting = new LayerArchiveReader({
      fetch: async (url) => {
        throw new Error(`bad response from ${url} (X-Amz-Signature=${encodeURIComponent('SECRET')})`);
      },
    });
    const t = recordingTelemetry();
    const out = await inspect(
      addEvent(),
      enrichment({ [EXT]: lookup(EXT) }),
      { layers: new FakeLayers(), archives: quoting },
      t,
    );
    const gaps = JSON.stringify(out.inspections?.[EXT]?.gaps);
    expect(gaps).toContain('<Content.Location>');
    expect(gaps).not.toContain('SECRET');
    expect(JSON.stringify((t.logger.warn as jest.Mock).mock.calls)).not.toContain('SECRET');
    expect(t.counted).toContain('LayerInspectionGaps');
  });

  it('keeps the URL out of a failed listing of a reordered layer', async () => {
    const listing = await new LayerArchiveReader({
      fetch: async (url) => {
        throw new Error(`bad response from ${url}`);
      },
    }).listArchive({ url: SECRET_URL, size: 100, codeSha256: 'x' });
    expect(listing.status).toBe('unread');
    expect(JSON.stringify(listing)).not.toContain('SECRET');
    expect(withoutUrl('other form X-Amz-Signature=abc&x=1', SECRET_URL)).toBe(
      'other form X-Amz-Signature=<redacted>&x=1',
    );
  });

  it('never throws: a port that throws (against its contract) becomes a named gap', async () => {
    const a = layerArn('a', 1);
    const b = layerArn('b', 2);
    const throwing = new FakeArchives(async () => {
      throw new Error('boom');
    });
    throwing.listArchive = async () => {
      throw new Error('boom');
    };
    const t = recordingTelemetry();
    const added = await inspect(
      addEvent(),
      enrichment({ [EXT]: lookup(EXT) }),
      { layers: new FakeLayers(), archives: throwing },
      t,
    );
    expect(added.inspections?.[EXT]?.gaps).toEqual([{ reason: 'inspection failed: Error: boom' }]);
    const reordered = await inspect(
      eventOf(updateFunctionConfiguration('orders', { layers: [b, a], time: '2026-03-14T09:00:00Z' })),
      enrichment({}, [a, b]),
      { layers: new FakeLayers((arn) => lookup(arn)), archives: throwing },
      t,
    );
    expect(reordered.layerPaths).toBeUndefined();
  });
});
