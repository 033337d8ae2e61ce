import { parseSettings } from '../../../lambda/domain/settings.js';
import { observeFunction } from '../../../lambda/pipeline/sweep-observe.js';
import { observation } from '../../support/builders.js';
import { FakeSink, MemoryBaselines, recordingTelemetry } from '../../support/fakes.js';
import { functionArn, layerArn } from '../../support/records.js';

function ports(minSeverity = 'informational') {
  return {
    baselines: new MemoryBaselines(),
    sinks: [new FakeSink('alert-topic'), new FakeSink('security-hub')],
    settings: parseSettings({ minSeverity }),
  };
}

describe('sweep observe step', () => {
  it('seeds a function never seen, then leaves it alone while unchanged', async () => {
    const p = ports();
    const o = observation('a', [layerArn('deps', 1)], '2026-03-14T10:00:00Z');
    await expect(observeFunction(o, 'run-1', p, recordingTelemetry())).resolves.toBe('seeded');
    expect(p.baselines.items.get(functionArn('a'))?.states.at(-1)).toMatchObject({ source: 'observed' });
    await expect(observeFunction(o, 'run-2', p, recordingTelemetry())).resolves.toBe('unchanged');
    expect(p.sinks[0]?.delivered).toHaveLength(0);
  });

  it('reports drift to every sink, then moves the baseline', async () => {
    const p = ports();
    await observeFunction(observation('a', [], '2026-03-14T10:00:00Z'), 'run-1', p, recordingTelemetry());
    const drifted = observation('a', [layerArn('x', 1)], '2026-03-14T11:00:00Z');
    await expect(observeFunction(drifted, 'run-2', p, recordingTelemetry())).resolves.toBe('drifted');
    expect(p.sinks.map((s) => s.delivered[0]?.detectionId)).toEqual([
      'lambda-layer-drift',
      'lambda-layer-drift',
    ]);
    expect(p.baselines.items.get(functionArn('a'))?.states.at(-1)?.layers).toEqual([layerArn('x', 1)]);
  });

  it('does not move the baseline when a sink fails, so that the next run reports the drift again', async () => {
    const p = ports();
    await observeFunction(observation('a', [], '2026-03-14T10:00:00Z'), 'run-1', p, recordingTelemetry());
    (p.sinks[1] as FakeSink).fail = new Error('hub down');
    await expect(
      observeFunction(
        observation('a', [layerArn('x', 1)], '2026-03-14T11:00:00Z'),
        'run-2',
        p,
        recordingTelemetry(),
      ),
    ).rejects.toThrow('hub down');
    expect(p.sinks[0]?.delivered).toHaveLength(1);
    expect(p.baselines.items.get(functionArn('a'))?.states.at(-1)?.layers).toEqual([]);
  });

  it('delivers nothing for suppressed drift, and still moves the baseline', async () => {
    const p = ports('critical');
    await observeFunction(observation('a', [], '2026-03-14T10:00:00Z'), 'run-1', p, recordingTelemetry());
    await expect(
      observeFunction(
        observation('a', [layerArn('x', 1)], '2026-03-14T11:00:00Z'),
        'run-2',
        p,
        recordingTelemetry(),
      ),
    ).resolves.toBe('drifted');
    expect(p.sinks[0]?.delivered).toHaveLength(0);
    expect(p.baselines.items.get(functionArn('a'))?.states.at(-1)?.layers).toEqual([layerArn('x', 1)]);
  });
});
