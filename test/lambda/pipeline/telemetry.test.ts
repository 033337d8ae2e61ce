import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
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

  it('emits each dimensioned metric with its own dimensions only, through one kept emitter', () => {
    const metrics = new Metrics({ namespace: 'LayerWatchTest', serviceName: 'layerwatch-test' });
    const made = jest.spyOn(metrics, 'singleMetric');
    const lines: string[] = [];
    const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    const t = invocationTelemetry(new Logger({ logLevel: 'SILENT' }), metrics);
    try {
      t.count('FindingsPublished', { detectionId: 'lambda-layer-added', severity: 'high' });
      t.measure('DetectionLatency', 12, { Region: 'us-east-1' });
      // A refused value leaves no dimension behind for the next metric.
      expect(() =>
        t.measure('DetectionLatency', 'soon' as unknown as number, { Account: '111122223333' }),
      ).toThrow();
      t.count('DeliveryFailures', { sink: 'alert-topic' });
    } finally {
      write.mockRestore();
    }
    const emitted = lines.map((l) => JSON.parse(l) as Record<string, unknown> & { _aws: unknown });
    const shape = emitted.map((e) => {
      const { _aws, ...values } = e;
      const { Dimensions } = (_aws as { CloudWatchMetrics: { Dimensions: string[][] }[] })
        .CloudWatchMetrics[0] ?? {
        Dimensions: [],
      };
      return { dimensions: Dimensions, values };
    });
    expect(shape).toEqual([
      {
        dimensions: [['service', 'detectionId', 'severity']],
        values: {
          service: 'layerwatch-test',
          detectionId: 'lambda-layer-added',
          severity: 'high',
          FindingsPublished: 1,
        },
      },
      {
        dimensions: [['service', 'Region']],
        values: { service: 'layerwatch-test', Region: 'us-east-1', DetectionLatency: 12 },
      },
      {
        dimensions: [['service', 'sink']],
        values: { service: 'layerwatch-test', sink: 'alert-topic', DeliveryFailures: 1 },
      },
    ]);
    expect(made).toHaveBeenCalledTimes(1);
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
