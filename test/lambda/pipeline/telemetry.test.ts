import { AlertTopicSink } from '../../../lambda/pipeline/alert-topic-sink.js';
import { invocationTelemetry } from '../../../lambda/pipeline/telemetry.js';
import { FakePublisher, observability } from '../../support/fakes.js';
import { layerArn, OTHER_ACCOUNT, updateFunctionConfiguration } from '../../support/records.js';
import { analyzeAfter } from '../../support/run.js';

describe('invocation telemetry', () => {
  it('flushes stored counters once, and never an empty flush', () => {
    const obs = observability();
    const t = invocationTelemetry(obs.logger, obs.metrics);
    t.flush();
    expect(obs.metrics.publishStoredMetrics).not.toHaveBeenCalled();
    t.count('IgnoredEvents');
    t.count('FindingsPublished', { detectionId: 'lambda-layer-added' });
    t.flush();
    t.flush();
    expect(obs.metrics.publishStoredMetrics).toHaveBeenCalledTimes(1);
    expect(obs.counted).toEqual(['IgnoredEvents', 'FindingsPublished']);
  });
});

describe('alert topic sink', () => {
  it('publishes the rendered finding and answers the message id', async () => {
    const publisher = new FakePublisher();
    const finding = analyzeAfter(
      [],
      updateFunctionConfiguration('orders', { layers: [layerArn('x', 1, OTHER_ACCOUNT)] }),
    ).finding;
    if (!finding) throw new Error('fixture has no finding');
    await expect(new AlertTopicSink(publisher).deliver(finding)).resolves.toBe('m-1');
    expect(JSON.parse(JSON.parse(publisher.published[0]?.message ?? '{}').sqs).findingId).toBe(
      finding.findingId,
    );
    expect(new AlertTopicSink(publisher).name).toBe('alert-topic');
  });
});
