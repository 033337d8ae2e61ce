import type { SweepSummary } from '../../../lambda/domain/render/sweep.js';
import { parseSettings } from '../../../lambda/domain/settings.js';
import { observeFunction } from '../../../lambda/pipeline/sweep-observe.js';
import { observeQualifiers } from '../../../lambda/pipeline/sweep-qualifiers.js';
import { FakeLister, observation } from '../../support/builders.js';
import { FakeSink, MemoryBaselines, recordingTelemetry } from '../../support/fakes.js';
import { functionArn, layerArn } from '../../support/records.js';

const DEP = layerArn('shared-deps', 3);
const IMPLANT = layerArn('perf-monitor-extension', 1, '444455556666');

function world() {
  const lister = new FakeLister([]);
  const ports = {
    lister,
    baselines: new MemoryBaselines(),
    sinks: [new FakeSink('alert-topic')],
    settings: parseSettings({ minSeverity: 'informational' }),
  };
  const summary = (): SweepSummary => ({
    startedAt: '2026-03-14T10:00:00Z',
    pairs: 1,
    reached: 1,
    functions: 0,
    seeded: 0,
    drifted: 0,
    unchanged: 0,
    unreachable: [],
  });
  /** One run over function `name` as it is now: `$LATEST` first, then its versions and aliases. */
  const sweep = async (name: string, hour: number, o: { capacityProvider?: string } = {}) => {
    const at = `2026-03-14T${String(hour).padStart(2, '0')}:00:00Z`;
    const obs = { ...observation(name, [DEP], at), ...o };
    const run = { runId: `run-${hour}`, summary: summary() };
    await observeFunction(obs, run.runId, ports, recordingTelemetry());
    await observeQualifiers(obs, run, ports, recordingTelemetry());
    return run.summary;
  };
  const delivered = () => ports.sinks[0]?.delivered ?? [];
  return { lister, ports, sweep, delivered };
}

describe('sweep versions and aliases step', () => {
  it('keeps what it first meets, finds an alias moved without an event, and reads each version once', async () => {
    const w = world();
    w.lister.aliases.pay = [{ alias: 'prod', version: '1', weights: {} }];
    w.lister.versions.pay = {
      '1': { version: '1', layers: [DEP] },
      '2': { version: '2', layers: [DEP, IMPLANT] },
    };
    expect(await w.sweep('pay', 1)).toMatchObject({ aliases: 1, versionsRead: 1 });
    expect(w.delivered()).toEqual([]);

    w.lister.aliases.pay = [{ alias: 'prod', version: '1', weights: { '2': 0.05 } }];
    const second = await w.sweep('pay', 2);
    expect(second).toMatchObject({ versionsRead: 1, qualifiersDrifted: 1 });
    const [finding] = w.delivered();
    expect(finding?.detectionId).toBe('lambda-alias-routes-to-layer');
    expect(finding?.event.name).toBe('LayerwatchDriftSweep');
    expect(finding?.title).toContain('Alias prod of pay sends 5 % of its traffic to version 2 (was 1)');
    expect(finding?.runsIn).toContainEqual({ qualifier: 'prod', version: '2', share: 0.05 });

    const third = await w.sweep('pay', 3);
    expect(third.qualifiersDrifted ?? 0).toBe(0);
    expect(w.delivered()).toHaveLength(1);
    expect(w.lister.reads).toEqual(['pay:1', 'pay:2']);
  });

  it('judges an alias first met against $LATEST: a layer that runs nowhere else speaks', async () => {
    const w = world();
    await w.sweep('pay', 1);
    w.lister.aliases.pay = [{ alias: 'backdoor', version: '7', weights: {} }];
    w.lister.versions.pay = { '7': { version: '7', layers: [DEP, IMPLANT] } };
    await w.sweep('pay', 2);
    expect(w.delivered().map((f) => f.title)).toEqual([
      expect.stringContaining('Alias backdoor of pay sends its traffic to version 7 (first seen)'),
    ]);
  });

  it('forgets an alias the function no longer has, so that a new one of that name is first seen', async () => {
    const w = world();
    w.lister.aliases.pay = [{ alias: 'prod', version: '1', weights: {} }];
    w.lister.versions.pay = { '1': { version: '1', layers: [DEP] } };
    await w.sweep('pay', 1);
    w.lister.aliases.pay = [];
    await w.sweep('pay', 2);
    const kept = w.ports.baselines.items.get(functionArn('pay'))?.qualifiers?.aliases ?? [];
    expect(kept.at(-1)).toMatchObject({ alias: 'prod', deleted: true });
  });

  it('names what lies past its bounds: aliases past 16, versions past 8 a run, and reads that fail', async () => {
    const w = world();
    w.lister.aliases.pay = Array.from({ length: 20 }, (_, i) => ({
      alias: `a${i}`,
      version: String(i + 1),
      weights: {},
    }));
    w.lister.versions.pay = Object.fromEntries(
      Array.from({ length: 16 }, (_, i) => [String(i + 1), { version: String(i + 1), layers: [DEP] }]),
    );
    const first = await w.sweep('pay', 1);
    expect(first.aliases).toBe(16);
    expect(first.versionsRead).toBe(8);
    expect(first.qualifierGaps?.map((g) => g.gap)).toEqual([
      'more than 16 aliases: only the first 16 listed were compared',
      'versions 9, 10, 11, 12, 13, 14, 15, 16 (routed to by an alias) not read: at most 8 a run, the next runs read them',
    ]);
    const second = await w.sweep('pay', 2);
    expect(second.versionsRead).toBe(8);
    expect(second.qualifierGaps?.map((g) => g.gap)).toEqual([
      'more than 16 aliases: only the first 16 listed were compared',
    ]);

    w.lister.aliases.gone = Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' });
    const denied = await w.sweep('gone', 3);
    expect(denied.qualifierGaps).toEqual([
      { functionArn: functionArn('gone'), gap: 'aliases not listed (AccessDeniedException: not authorized)' },
    ]);
  });

  it('Managed Instances: $LATEST.PUBLISHED on a version never seen is judged as its activation', async () => {
    const w = world();
    const mi = { capacityProvider: 'arn:aws:lambda:us-east-1:111122223333:capacity-provider:shared' };
    w.lister.versions.mi = { $LATEST: { version: '1', layers: [DEP] } };
    w.lister.versions.mi['$LATEST.PUBLISHED'] = { version: '1', layers: [DEP] };
    await w.sweep('mi', 1, mi);
    w.lister.versions.mi['$LATEST.PUBLISHED'] = { version: '2', layers: [DEP, IMPLANT] };
    await w.sweep('mi', 2, mi);
    const [f] = w.delivered();
    expect(f?.detectionId).toBe('lambda-version-published-with-layer');
    expect(f?.reasons.join('\n')).toContain('PublishTo LATEST_PUBLISHED (Lambda Managed Instances)');
    expect(f?.runsIn).toContainEqual({ qualifier: '$LATEST.PUBLISHED', version: '2', share: 1 });

    // As Lambda answers it: `$LATEST.PUBLISHED` republished in place, compared by its layers.
    w.lister.versions.mi['$LATEST.PUBLISHED'] = { version: '$LATEST.PUBLISHED', layers: [DEP] };
    await w.sweep('mi', 3, mi);
    await w.sweep('mi', 4, mi);
    expect(w.delivered()).toHaveLength(1);
    w.lister.versions.mi['$LATEST.PUBLISHED'] = { version: '$LATEST.PUBLISHED', layers: [DEP, IMPLANT] };
    await w.sweep('mi', 5, mi);
    const republished = w.delivered()[1];
    expect(republished?.title).toContain('freezes layer perf-monitor-extension:1');
    expect(republished?.reasons.join('\n')).toContain('$LATEST.PUBLISHED was republished');
    expect(republished?.runsIn).toContainEqual({
      qualifier: '$LATEST.PUBLISHED',
      version: '$LATEST.PUBLISHED',
      share: 1,
    });

    w.lister.versions.mi['$LATEST.PUBLISHED'] = { version: null, layers: [DEP] };
    expect((await w.sweep('mi', 6, mi)).qualifierGaps?.[0]?.gap).toBe(
      '$LATEST.PUBLISHED answered version (none): not compared',
    );
  });

  it('records no routing when the alert cannot be delivered, so that the next run reports it again', async () => {
    const w = world();
    w.lister.aliases.pay = [{ alias: 'prod', version: '1', weights: {} }];
    w.lister.versions.pay = {
      '1': { version: '1', layers: [DEP] },
      '2': { version: '2', layers: [IMPLANT] },
    };
    await w.sweep('pay', 1);
    w.lister.aliases.pay = [{ alias: 'prod', version: '2', weights: {} }];
    (w.ports.sinks[0] as FakeSink).fail = new Error('topic down');
    await expect(w.sweep('pay', 2)).rejects.toThrow();
    (w.ports.sinks[0] as FakeSink).fail = null;
    await w.sweep('pay', 3);
    expect(w.delivered().map((f) => f.detectionId)).toEqual(['lambda-alias-routes-to-layer']);
  });
});
