import { parseSettings } from '../../../lambda/domain/settings.js';
import { deliver, perSink } from '../../../lambda/pipeline/deliver.js';
import { unguarded } from '../../../lambda/pipeline/sinks.js';
import { FakeSink, MemoryIdempotency, recordingTelemetry } from '../../support/fakes.js';
import { layerArn, OTHER_ACCOUNT, updateFunctionConfiguration } from '../../support/records.js';
import { analyzeAfter, eventOf } from '../../support/run.js';

const record = updateFunctionConfiguration('orders', { layers: [layerArn('x', 1, OTHER_ACCOUNT)] });
const event = eventOf(record);

describe('deliver step', () => {
  it('publishes a finding to the sinks and answers the alert topic id as messageId', async () => {
    const sinks = [new FakeSink('alert-topic'), new FakeSink('security-hub')];
    const t = recordingTelemetry();
    await expect(deliver(event, analyzeAfter([], record), sinks, unguarded, t)).resolves.toMatchObject({
      outcome: 'published',
      detectionId: 'lambda-layer-added',
      messageId: 'alert-topic-1',
    });
    expect(t.counted).toEqual(['FindingsPublished']);
  });

  it('logs and counts a suppressed finding instead of delivering it', async () => {
    const sink = new FakeSink('alert-topic');
    const analysis = analyzeAfter([], record, undefined, {
      settings: parseSettings({ suppress: { principals: ['arn:aws:iam::111122223333:user/*'] } }),
    });
    const t = recordingTelemetry();
    await expect(deliver(event, analysis, [sink], unguarded, t)).resolves.toMatchObject({
      outcome: 'suppressed',
      rule: 'suppress.principals',
    });
    expect(sink.delivered).toHaveLength(0);
    expect(t.counted).toEqual(['FindingsSuppressed']);
  });

  it('answers no-finding without touching a sink', async () => {
    const sink = new FakeSink('alert-topic');
    await expect(
      deliver(event, { finding: null, verdicts: [] }, [sink], unguarded, recordingTelemetry()),
    ).resolves.toEqual({ outcome: 'no-finding', eventId: event.meta.id });
    expect(sink.delivered).toHaveLength(0);
  });

  it('fails after the alert went out when a secondary sink fails; the retry counts the alert once', async () => {
    const store = new MemoryIdempotency();
    const guard = perSink(store, { event: 'e1' });
    const alert = new FakeSink('alert-topic');
    const hub = new FakeSink('security-hub');
    hub.fail = new Error('hub down');
    const t = recordingTelemetry();
    await expect(deliver(event, analyzeAfter([], record), [alert, hub], guard, t)).rejects.toThrow(
      'hub down',
    );
    expect(alert.delivered).toHaveLength(1);
    hub.fail = null;
    await expect(deliver(event, analyzeAfter([], record), [alert, hub], guard, t)).resolves.toMatchObject({
      outcome: 'published',
      messageId: 'alert-topic-1',
    });
    expect(t.counted.filter((c) => c === 'FindingsPublished')).toHaveLength(1);
    expect(store.statusOf({ event: 'e1', sink: 'security-hub' })?.status).toBe('COMPLETED');
  });
});
