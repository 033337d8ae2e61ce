import { analyze } from '../../../lambda/domain/engine.js';
import { enrich } from '../../../lambda/pipeline/enrich.js';
import { record } from '../../../lambda/pipeline/record.js';
import {
  FakeLayers,
  FakeReader,
  MemoryBaselines,
  MemoryCorrelations,
  recordingTelemetry,
} from '../../support/fakes.js';
import { functionArn, layerArn, OTHER_ACCOUNT } from '../../support/records.js';
import { eventOf } from '../../support/run.js';
import { createAlias, deleteVersion, updateAlias } from '../../support/version-records.js';

const deps = layerArn('deps', 1);
const ext = layerArn('ext', 1, OTHER_ACCOUNT);
const ok = (layers: string[]) => ({ status: 'ok' as const, layers, runtime: null, role: null });

function ports() {
  return {
    reader: new FakeReader(),
    layers: new FakeLayers((arn) => ({ status: 'not-found', message: `${arn} gone` })),
    baselines: new MemoryBaselines(),
    correlations: new MemoryCorrelations(),
  };
}

/** The handler's steps for one event: enrich, analyze, record. */
async function handle(p: ReturnType<typeof ports>, rec: Record<string, unknown>) {
  const event = eventOf(rec);
  const enrichment = await enrich(event, p, recordingTelemetry());
  const { organizationAccounts: _o, ...context } = enrichment;
  const analysis = analyze(event, context);
  await record(event, analysis, p);
  return { enrichment, analysis };
}

describe('enrich step: versions an alias routes to', () => {
  it('reads the versions it never saw, once, and judges the alias move with their layers', async () => {
    const p = ports();
    p.reader.versions = { '1': ok([deps]), '2': ok([deps, ext]) };
    await handle(p, createAlias('pay', 'prod', '1', { time: '2026-03-14T09:00:00Z' }));
    expect(p.reader.qualified).toEqual(['1']);
    const { analysis } = await handle(p, updateAlias('pay', 'prod', '2', { time: '2026-03-14T09:10:00Z' }));
    expect(p.reader.qualified).toEqual(['1', '2']);
    expect(p.reader.calls).toEqual([]);
    expect(analysis.finding?.detectionId).toBe('lambda-alias-routes-to-layer');
    expect(analysis.finding?.runsIn).toContainEqual({ qualifier: 'prod', version: '2', share: 1 });
    // Kept: a later move back reads nothing again.
    await handle(p, updateAlias('pay', 'prod', '1', { time: '2026-03-14T09:20:00Z' }));
    expect(p.reader.qualified).toEqual(['1', '2']);
    expect(p.baselines.items.get(functionArn('pay'))?.qualifiers?.versions.map((v) => v.version)).toEqual([
      '1',
      '2',
    ]);
  });

  it('does not judge a move to a version it could not read, and counts the failed read', async () => {
    const p = ports();
    p.reader.versions = { '1': ok([deps]) };
    await handle(p, createAlias('pay', 'prod', '1', { time: '2026-03-14T09:00:00Z' }));
    const t = recordingTelemetry();
    const event = eventOf(updateAlias('pay', 'prod', '2', { time: '2026-03-14T09:10:00Z' }));
    const e = await enrich(event, p, t);
    expect(e.versions).toEqual({});
    expect(t.counted).toEqual(['EnrichmentFailures']);
    expect(analyze(event, e).finding).toBeNull();
  });

  it('forgets a version deleted by DeleteFunction with its number as Qualifier (through the tamper rule)', async () => {
    const p = ports();
    p.reader.versions = { '1': ok([deps]), '2': ok([deps, ext]) };
    await handle(p, createAlias('pay', 'prod', '1', { time: '2026-03-14T09:00:00Z' }));
    await handle(p, updateAlias('pay', 'prod', '1', { weights: { '2': 0.1 }, time: '2026-03-14T09:10:00Z' }));
    await handle(p, updateAlias('pay', 'prod', '1', { time: '2026-03-14T09:20:00Z' }));
    const { analysis } = await handle(p, deleteVersion('pay', '2', { time: '2026-03-14T09:30:00Z' }));
    expect(analysis.qualifier).toEqual({ deleted: '2' });
    const kept = p.baselines.items.get(functionArn('pay'))?.qualifiers;
    expect(kept?.versions.map((v) => v.version)).toEqual(['1']);
    expect(kept?.deleted).toEqual(['2']);
  });
});
