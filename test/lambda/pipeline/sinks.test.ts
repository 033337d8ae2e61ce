import {
  deliverToSinks,
  SinkDeliveryError,
  throwIfFailed,
  unguarded,
} from '../../../lambda/pipeline/sinks.js';
import { FakeSink, MemoryIdempotency, recordingTelemetry } from '../../support/fakes.js';
import { layerArn, OTHER_ACCOUNT, updateFunctionConfiguration } from '../../support/records.js';
import { analyzeAfter } from '../../support/run.js';

const finding = analyzeAfter(
  [],
  updateFunctionConfiguration('orders', { layers: [layerArn('x', 1, OTHER_ACCOUNT)] }),
).finding as NonNullable<ReturnType<typeof analyzeAfter>['finding']>;

describe('finding sinks', () => {
  it('delivers to every sink, in order', async () => {
    const sinks = [new FakeSink('alert-topic'), new FakeSink('security-hub')];
    const settled = await deliverToSinks(finding, sinks, unguarded, recordingTelemetry());
    expect(settled).toEqual({
      deliveries: [
        { sink: 'alert-topic', id: 'alert-topic-1', replayed: false },
        { sink: 'security-hub', id: 'security-hub-1', replayed: false },
      ],
      failures: [],
    });
    expect(() => throwIfFailed(settled, finding.findingId)).not.toThrow();
  });

  it('isolates a failing sink: the others deliver; the failure is logged, counted, then thrown as is', async () => {
    const alert = new FakeSink('alert-topic');
    const hub = new FakeSink('security-hub');
    hub.fail = Object.assign(new Error('hub down'), { name: 'SecurityHubError' });
    const t = recordingTelemetry();
    const settled = await deliverToSinks(finding, [hub, alert], unguarded, t);
    expect(alert.delivered).toHaveLength(1);
    expect(settled.deliveries.map((d) => d.sink)).toEqual(['alert-topic']);
    expect(t.counted).toEqual(['DeliveryFailures']);
    expect(t.logged).toEqual(['error: Finding not delivered']);
    expect(() => throwIfFailed(settled, finding.findingId)).toThrow(hub.fail);
  });

  it('throws every failure at once when several sinks fail', async () => {
    const sinks = [new FakeSink('a'), new FakeSink('b')];
    for (const s of sinks) s.fail = new Error(`${s.name} down`);
    const settled = await deliverToSinks(finding, sinks, unguarded, recordingTelemetry());
    let thrown: unknown;
    try {
      throwIfFailed(settled, finding.findingId);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(SinkDeliveryError);
    expect((thrown as SinkDeliveryError).errors).toHaveLength(2);
  });

  it('replays a sink that delivered under the guard, and delivers again only to the one that failed', async () => {
    const store = new MemoryIdempotency();
    const guard: Parameters<typeof deliverToSinks>[2] = (sink, work) =>
      store.once({ event: 'e1', sink }, work);
    const alert = new FakeSink('alert-topic');
    const hub = new FakeSink('security-hub');
    hub.fail = new Error('hub down');
    await deliverToSinks(finding, [alert, hub], guard, recordingTelemetry());
    hub.fail = null;
    const again = await deliverToSinks(finding, [alert, hub], guard, recordingTelemetry());
    expect(again.deliveries).toEqual([
      { sink: 'alert-topic', id: 'alert-topic-1', replayed: true },
      { sink: 'security-hub', id: 'security-hub-1', replayed: false },
    ]);
    expect(alert.delivered).toHaveLength(1);
  });

  it('refuses to deliver nowhere', async () => {
    await expect(deliverToSinks(finding, [], unguarded, recordingTelemetry())).rejects.toThrow(
      'no finding sink is configured',
    );
  });
});
