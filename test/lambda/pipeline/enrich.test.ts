import type { LayerReader } from '../../../lambda/adapters/ports.js';
import { enrich, readLayers, readPublishes } from '../../../lambda/pipeline/enrich.js';
import {
  FakeLayers,
  FakeReader,
  MemoryBaselines,
  MemoryCorrelations,
  recordingTelemetry,
} from '../../support/fakes.js';
import {
  functionArn,
  layerArn,
  OTHER_ACCOUNT,
  publishLayerVersion,
  updateFunctionConfiguration,
} from '../../support/records.js';
import { eventOf } from '../../support/run.js';

const deps = layerArn('deps', 1);
const ext = layerArn('ext', 1, OTHER_ACCOUNT);

function ports() {
  return {
    reader: new FakeReader(() => ({ status: 'ok', layers: [deps, ext], runtime: 'nodejs22.x', role: null })),
    layers: new FakeLayers((arn) => ({ status: 'not-found', message: `${arn} gone` })),
    baselines: new MemoryBaselines(),
    correlations: new MemoryCorrelations(),
  };
}

describe('enrich step', () => {
  it('reads the baseline and the live function, then looks up only the layers the event brings, through the function account', async () => {
    const p = ports();
    await p.baselines.record(functionArn('orders'), {
      layers: [deps],
      eventTime: '2026-03-14T08:00:00Z',
      eventId: 'before',
      source: 'event',
    });
    const t = recordingTelemetry();
    const e = await enrich(
      eventOf(updateFunctionConfiguration('orders', { layers: [deps, ext], time: '2026-03-14T09:00:00Z' })),
      p,
      t,
    );
    expect(e.baseline?.states).toHaveLength(1);
    expect(e.live).toMatchObject({ status: 'ok', layers: [deps, ext] });
    expect(p.layers.calls).toEqual([ext]);
    expect(e.layers[ext]).toMatchObject({ status: 'not-found' });
    expect(t.counted).toEqual(['EnrichmentFailures']);
  });

  it('reads no function for a layer publication', async () => {
    const p = ports();
    const e = await enrich(eventOf(publishLayerVersion('tools', 2)), p, recordingTelemetry());
    expect(p.reader.calls).toHaveLength(0);
    expect(e).toMatchObject({ baseline: null, live: { status: 'not-read' }, layers: {}, publishes: [] });
  });

  it('counts a function it cannot read, and goes on', async () => {
    const p = ports();
    p.reader.result = () => ({ status: 'access-denied', message: 'AccessDenied' });
    const t = recordingTelemetry();
    const e = await enrich(eventOf(updateFunctionConfiguration('orders', { layers: [ext] })), p, t);
    expect(e.live.status).toBe('access-denied');
    expect(t.counted).toContain('EnrichmentFailures');
  });

  it('fails when the baseline cannot be read: it decides what changed', async () => {
    const p = ports();
    p.baselines.get = async () => {
      throw new Error('table down');
    };
    await expect(
      enrich(eventOf(updateFunctionConfiguration('orders', { layers: [ext] })), p, recordingTelemetry()),
    ).rejects.toThrow('table down');
  });

  it('answers no publications when the correlation state cannot be read, counted', async () => {
    const correlations = new MemoryCorrelations();
    correlations.failReads = true;
    const t = recordingTelemetry();
    await expect(readPublishes([ext], correlations, t)).resolves.toEqual([]);
    expect(t.counted).toEqual(['EnrichmentFailures']);
    await expect(readPublishes([], correlations, t)).resolves.toEqual([]);
  });

  it('reads each layer with the access of the account given', async () => {
    const seen: string[] = [];
    const reader: LayerReader = {
      readLayer: async (arn, via) => {
        seen.push(`${arn}@${via}`);
        return { status: 'access-denied', message: 'no' };
      },
    };
    await readLayers([ext], OTHER_ACCOUNT, reader, recordingTelemetry());
    expect(seen).toEqual([`${ext}@${OTHER_ACCOUNT}`]);
  });
});
