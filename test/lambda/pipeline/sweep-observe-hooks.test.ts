import { parseSettings } from '../../../lambda/domain/settings.js';
import { observeFunction } from '../../../lambda/pipeline/sweep-observe.js';
import { observation } from '../../support/builders.js';
import { FakeSink, MemoryBaselines, recordingTelemetry } from '../../support/fakes.js';
import { functionArn, layerArn } from '../../support/records.js';

const DEPS = layerArn('deps', 1);

function ports() {
  return {
    baselines: new MemoryBaselines(),
    sinks: [new FakeSink('alert-topic')],
    settings: parseSettings({ minSeverity: 'informational' }),
  };
}

const seen = (hooks: Record<string, string> | null | undefined, at: string) => ({
  ...observation('a', [DEPS], at),
  ...(hooks === undefined ? {} : { hooks }),
});

describe('sweep observe step: start-up hook variables', () => {
  it('seeds hook variables on a baseline that never knew them, silently', async () => {
    const p = ports();
    // A baseline written before hook variables were kept: the same layers, no hooks.
    await observeFunction(seen(undefined, '2026-03-14T10:00:00Z'), 'run-1', p, recordingTelemetry());
    const wrapped = seen({ AWS_LAMBDA_EXEC_WRAPPER: '/opt/w' }, '2026-03-15T10:00:00Z');
    await expect(observeFunction(wrapped, 'run-2', p, recordingTelemetry())).resolves.toBe('seeded');
    expect(p.sinks[0]?.delivered).toHaveLength(0);
    expect(p.baselines.items.get(functionArn('a'))?.states.at(-1)?.hooks).toEqual({
      AWS_LAMBDA_EXEC_WRAPPER: '/opt/w',
    });
    await expect(observeFunction(wrapped, 'run-3', p, recordingTelemetry())).resolves.toBe('unchanged');
  });

  it('reports a hook that loads code set outside any seen event, then moves the baseline', async () => {
    const p = ports();
    await observeFunction(seen({}, '2026-03-14T10:00:00Z'), 'run-1', p, recordingTelemetry());
    const drifted = seen({ NODE_OPTIONS: '--require /opt/x.js' }, '2026-03-15T10:00:00Z');
    await expect(observeFunction(drifted, 'run-2', p, recordingTelemetry())).resolves.toBe('drifted');
    const f = p.sinks[0]?.delivered[0];
    expect(f?.detectionId).toBe('lambda-exec-hook-set');
    expect(f?.title).toBe('NODE_OPTIONS=--require /opt/x.js set on a outside any seen event');
    expect(f?.reasons.join('\n')).toMatch(/drift sweep/);
    expect(f?.event.name).toBe('LayerwatchDriftSweep');
    expect(f?.execHooks?.changed.map((c) => [c.variable, c.from, c.to])).toEqual([
      ['NODE_OPTIONS', null, '--require /opt/x.js'],
    ]);
    expect(p.baselines.items.get(functionArn('a'))?.states.at(-1)?.hooks).toEqual({
      NODE_OPTIONS: '--require /opt/x.js',
    });
    await expect(observeFunction(drifted, 'run-3', p, recordingTelemetry())).resolves.toBe('unchanged');
  });

  it('moves the baseline for a benign change or a removal without reporting it', async () => {
    const p = ports();
    await observeFunction(
      seen({ LD_PRELOAD: '/opt/a.so' }, '2026-03-14T10:00:00Z'),
      'run-1',
      p,
      recordingTelemetry(),
    );
    const removed = seen({ NODE_OPTIONS: '--enable-source-maps' }, '2026-03-15T10:00:00Z');
    await expect(observeFunction(removed, 'run-2', p, recordingTelemetry())).resolves.toBe('drifted');
    expect(p.sinks[0]?.delivered).toHaveLength(0);
    expect(p.baselines.items.get(functionArn('a'))?.states.at(-1)?.hooks).toEqual({
      NODE_OPTIONS: '--enable-source-maps',
    });
  });

  it('takes hook variables it could not read as no news', async () => {
    const p = ports();
    await observeFunction(
      seen({ LD_PRELOAD: '/opt/a.so' }, '2026-03-14T10:00:00Z'),
      'run-1',
      p,
      recordingTelemetry(),
    );
    await expect(
      observeFunction(seen(null, '2026-03-15T10:00:00Z'), 'run-2', p, recordingTelemetry()),
    ).resolves.toBe('unchanged');
  });
});
