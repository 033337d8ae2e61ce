import { record } from '../../../lambda/pipeline/record.js';
import { MemoryBaselines, MemoryCorrelations } from '../../support/fakes.js';
import { functionArn, publishLayerVersion, updateFunctionConfiguration } from '../../support/records.js';
import { analyzeAfter, eventOf } from '../../support/run.js';

describe('record step', () => {
  it("writes the function's new layer state to its baseline", async () => {
    const ports = { baselines: new MemoryBaselines(), correlations: new MemoryCorrelations() };
    const r = updateFunctionConfiguration('orders', { layers: [] });
    await record(eventOf(r), analyzeAfter([], r), ports);
    expect(ports.baselines.items.get(functionArn('orders'))?.states).toHaveLength(1);
    expect(ports.correlations.items).toHaveLength(0);
  });

  it('remembers a layer publication for correlation', async () => {
    const ports = { baselines: new MemoryBaselines(), correlations: new MemoryCorrelations() };
    const r = publishLayerVersion('tools', 1);
    await record(eventOf(r), analyzeAfter([], r), ports);
    expect(ports.correlations.items).toHaveLength(1);
    expect(ports.baselines.items.size).toBe(0);
  });

  it('fails when the baseline cannot be written (the retry finds the same change)', async () => {
    const ports = { baselines: new MemoryBaselines(), correlations: new MemoryCorrelations() };
    ports.baselines.failWrites = true;
    const r = updateFunctionConfiguration('orders', { layers: [] });
    await expect(record(eventOf(r), analyzeAfter([], r), ports)).rejects.toThrow('baseline store down');
  });
});
