import { IdempotencyAlreadyInProgressError } from '@aws-lambda-powertools/idempotency';
import { DEFAULT_SETTINGS, type DetectionSettings, parseSettings } from '../../lambda/domain/settings.js';
import { findingOf, handlerWith } from '../support/builders.js';
import { FakeSink } from '../support/fakes.js';
import {
  createFunction,
  envelope,
  failed,
  functionArn,
  identities,
  layerArn,
  OTHER_ACCOUNT,
  otherService,
  publishLayerVersion,
  updateFunctionConfiguration,
} from '../support/records.js';
import { expectValidFinding } from '../support/schema.js';

const deps = layerArn('deps', 3);
const evil = layerArn('ext', 1, OTHER_ACCOUNT);

function setup(settings: DetectionSettings = DEFAULT_SETTINGS, moreSinks: FakeSink[] = []) {
  return handlerWith({
    settings,
    moreSinks,
    live: (fn) => ({ status: 'ok', layers: [deps, evil], runtime: 'python3.12', role: `${fn.arn}-role` }),
  });
}

describe('handler', () => {
  it('publishes one alert for a layer attached to a known function, then records the new baseline', async () => {
    const s = setup();
    await s.handler(
      envelope(
        createFunction('orders', {
          layers: [deps],
          time: '2026-03-14T09:00:00Z',
          identity: identities.deployRole(),
        }),
      ),
    );
    s.publisher.published.length = 0;
    const result = await s.handler(
      envelope(updateFunctionConfiguration('orders', { layers: [deps, evil], time: '2026-03-14T09:05:00Z' })),
    );
    expect(result).toMatchObject({ outcome: 'published', detectionId: 'lambda-layer-added' });
    expect(s.publisher.published).toHaveLength(1);
    const finding = findingOf(s.publisher.published[0]);
    expectValidFinding(finding);
    expect(finding.layers).toMatchObject({
      before: [deps],
      added: [evil],
      current: [deps, evil],
      baseline: 'known',
    });
    expect(finding.function.role).toBe('arn:aws:iam::111122223333:role/orders-role');
    expect(s.baselines.items.get(functionArn('orders'))?.states.at(-1)?.layers).toEqual([deps, evil]);
    expect(s.reader.calls.at(-1)?.region).toBe('us-east-1');
    expect(s.counted).toContain('FindingsPublished');
  });

  it('publishes nothing for a memory-only change, and keeps the baseline', async () => {
    const s = setup();
    await s.handler(envelope(createFunction('orders', { layers: [deps], time: '2026-03-14T09:00:00Z' })));
    s.publisher.published.length = 0;
    const result = await s.handler(
      envelope(
        updateFunctionConfiguration('orders', {
          request: { memorySize: 1024 },
          responseLayers: [deps],
          time: '2026-03-14T09:05:00Z',
        }),
      ),
    );
    expect(result.outcome).toBe('no-finding');
    expect(s.publisher.published).toHaveLength(0);
  });

  it.each([
    [
      'a failed call',
      envelope(
        failed(updateFunctionConfiguration('orders', { layers: [evil] }), 'ResourceConflictException'),
      ),
    ],
    ['another service', envelope(otherService())],
  ])('ignores %s without touching AWS', async (_n, input) => {
    const s = setup();
    await expect(s.handler(input)).resolves.toMatchObject({ outcome: 'ignored' });
    expect(s.reader.calls).toHaveLength(0);
    expect(s.counted).toEqual(['IgnoredEvents']);
  });

  it.each([
    ['null', null],
    ['a string', 'hello'],
    ['a record without eventID', envelope({ ...updateFunctionConfiguration('o'), eventID: undefined })],
  ])('counts %s as malformed and succeeds (no retry loop)', async (_n, input) => {
    const s = setup();
    await expect(s.handler(input)).resolves.toMatchObject({ outcome: 'malformed' });
    expect(s.counted).toEqual(['MalformedEvents']);
    expect(s.publisher.published).toHaveLength(0);
  });

  it('takes runtime and role from the live function when the event has no response', async () => {
    const s = setup();
    await s.handler(envelope(updateFunctionConfiguration('orders', { layers: [evil], noResponse: true })));
    const finding = findingOf(s.publisher.published[0]);
    expect(finding.function).toMatchObject({ runtime: 'python3.12', role: `${functionArn('orders')}-role` });
  });

  it('still alerts when the function cannot be read, and says so', async () => {
    const s = setup();
    s.reader.result = () => ({ status: 'not-found', message: 'ResourceNotFoundException: gone' });
    const result = await s.handler(envelope(updateFunctionConfiguration('orders', { layers: [evil] })));
    expect(result.outcome).toBe('published');
    const finding = findingOf(s.publisher.published[0]);
    expect(finding.gaps.join(' ')).toContain('no longer exists');
    expect(s.counted).toContain('EnrichmentFailures');
  });

  it('fails the invocation when the publish fails, and leaves the baseline untouched so the retry alerts again', async () => {
    const s = setup();
    s.publisher.fail = new Error('SNS down');
    await expect(
      s.handler(envelope(updateFunctionConfiguration('orders', { layers: [evil] }))),
    ).rejects.toThrow('SNS down');
    expect(s.baselines.items.size).toBe(0);
    s.publisher.fail = null;
    await expect(
      s.handler(envelope(updateFunctionConfiguration('orders', { layers: [evil], id: 'retry-id' }))),
    ).resolves.toMatchObject({ outcome: 'published' });
  });

  it('fails the invocation when the baseline write fails after publishing (a retry re-alerts rather than loses)', async () => {
    const s = setup();
    s.baselines.failWrites = true;
    await expect(
      s.handler(envelope(updateFunctionConfiguration('orders', { layers: [evil] }))),
    ).rejects.toThrow('baseline store down');
    expect(s.publisher.published).toHaveLength(1);
  });

  it('alerts on a layer publication without reading any function', async () => {
    const s = setup();
    await expect(s.handler(envelope(publishLayerVersion('tools', 1)))).resolves.toMatchObject({
      outcome: 'published',
      detectionId: 'lambda-layer-version-published',
    });
    expect(s.reader.calls).toHaveLength(0);
  });

  it('looks up only the layers the event adds, and reports one it may not read', async () => {
    const s = setup();
    await s.handler(envelope(createFunction('orders', { layers: [deps], time: '2026-03-14T09:00:00Z' })));
    s.layers.calls.length = 0;
    await s.handler(
      envelope(updateFunctionConfiguration('orders', { layers: [deps, evil], time: '2026-03-14T09:05:00Z' })),
    );
    expect(s.layers.calls).toEqual([evil]);
    const finding = findingOf(s.publisher.published.at(-1));
    expect(finding.provenance).toEqual([
      expect.objectContaining({ versionArn: evil, relation: 'external', lookup: 'access-denied' }),
    ]);
    expect(finding.gaps.join(' ')).toContain('access-denied');
  });

  it('logs and counts a suppressed finding instead of publishing it', async () => {
    const s = setup(parseSettings({ suppress: { principals: ['arn:aws:iam::111122223333:user/*'] } }));
    const result = await s.handler(envelope(updateFunctionConfiguration('orders', { layers: [evil] })));
    expect(result).toMatchObject({ outcome: 'suppressed', rule: 'suppress.principals' });
    expect(s.publisher.published).toHaveLength(0);
    expect(s.counted).toContain('FindingsSuppressed');
    expect(s.baselines.items.size).toBe(1);
  });

  it('does not publish below the minimum severity', async () => {
    const s = setup(parseSettings({ minSeverity: 'high' }));
    await expect(s.handler(envelope(publishLayerVersion('tools', 1)))).resolves.toMatchObject({
      outcome: 'suppressed',
      rule: 'minSeverity',
    });
  });

  it('correlates a publication with a later attach of that version by the same principal', async () => {
    const s = setup();
    const mine = layerArn('tools', 1);
    await s.handler(envelope(publishLayerVersion('tools', 1, { time: '2026-03-14T09:00:00Z', id: 'pub-1' })));
    expect(s.correlations.items).toHaveLength(1);
    await s.handler(
      envelope(updateFunctionConfiguration('orders', { layers: [mine], time: '2026-03-14T09:10:00Z' })),
    );
    const finding = findingOf(s.publisher.published.at(-1));
    expect(finding.related).toEqual(['pub-1']);
    expect(finding.reasons.join(' ')).toMatch(/same principal published/);
  });

  it('still alerts when the correlation state cannot be read', async () => {
    const s = setup();
    s.correlations.failReads = true;
    await expect(
      s.handler(envelope(updateFunctionConfiguration('orders', { layers: [evil] }))),
    ).resolves.toMatchObject({ outcome: 'published' });
    expect(s.counted).toContain('EnrichmentFailures');
  });

  it('publishes one alert when EventBridge delivers the same event twice', async () => {
    const s = setup();
    const event = envelope(updateFunctionConfiguration('orders', { layers: [evil] }));
    await expect(s.handler(event)).resolves.toMatchObject({ outcome: 'published' });
    await expect(s.handler(structuredClone(event))).resolves.toMatchObject({
      outcome: 'duplicate',
      original: { outcome: 'published', detectionId: 'lambda-layer-added', messageId: 'm-1' },
    });
    expect(s.publisher.published).toHaveLength(1);
    expect(s.counted).toContain('DuplicateEvents');
  });

  it('fails (so Lambda retries later) while another invocation holds the event', async () => {
    const s = setup();
    const record = updateFunctionConfiguration('orders', { layers: [evil] });
    s.idempotency.hold({ event: `111122223333|us-east-1|${record.eventID}` });
    await expect(s.handler(envelope(record))).rejects.toBeInstanceOf(IdempotencyAlreadyInProgressError);
    expect(s.publisher.published).toHaveLength(0);
  });

  it('records the outcome of a handled event under its CloudTrail identity', async () => {
    const s = setup();
    const record = updateFunctionConfiguration('orders', { request: { memorySize: 256 } });
    await s.handler(envelope(record));
    expect(s.idempotency.statusOf({ event: `111122223333|us-east-1|${record.eventID}` })).toEqual({
      status: 'COMPLETED',
      result: { outcome: 'no-finding', eventId: record.eventID },
    });
  });

  it('takes the same event in a new EventBridge envelope for a duplicate', async () => {
    const s = setup();
    const record = updateFunctionConfiguration('orders', { layers: [evil] });
    await s.handler(envelope(record));
    await expect(s.handler({ ...envelope(record), id: 'another-envelope' })).resolves.toMatchObject({
      outcome: 'duplicate',
    });
    expect(s.publisher.published).toHaveLength(1);
  });

  it('alerts before a failing secondary sink fails the invocation; the retry delivers only what is missing', async () => {
    const hub = new FakeSink('security-hub');
    const s = setup(DEFAULT_SETTINGS, [hub]);
    hub.fail = new Error('hub down');
    const event = envelope(updateFunctionConfiguration('orders', { layers: [evil] }));
    await expect(s.handler(event)).rejects.toThrow('hub down');
    expect(s.publisher.published).toHaveLength(1);
    // Not recorded: the retry must find the same change.
    expect(s.baselines.items.size).toBe(0);
    hub.fail = null;
    await expect(s.handler(structuredClone(event))).resolves.toMatchObject({
      outcome: 'published',
      messageId: 'm-1',
    });
    expect(s.publisher.published).toHaveLength(1);
    expect(hub.delivered).toHaveLength(1);
    expect(s.baselines.items.size).toBe(1);
    expect(s.counted.filter((c) => c === 'FindingsPublished')).toHaveLength(1);
    expect(s.counted).toContain('DeliveryFailures');
  });

  it('does not alert twice when the retry of a failed baseline write runs', async () => {
    const s = setup();
    s.baselines.failWrites = true;
    const event = envelope(updateFunctionConfiguration('orders', { layers: [evil] }));
    await expect(s.handler(event)).rejects.toThrow('baseline store down');
    s.baselines.failWrites = false;
    await expect(s.handler(structuredClone(event))).resolves.toMatchObject({ outcome: 'published' });
    expect(s.publisher.published).toHaveLength(1);
    expect(s.baselines.items.size).toBe(1);
  });

  it("detects a layer attached to the detector's own function as tampering, naming the layer", async () => {
    const s = setup();
    const self = 'LayerWatch-LayerWatchHandler1A2B3C4D-abcdefghijkl';
    const result = await s.handler(envelope(updateFunctionConfiguration(self, { layers: [evil] })));
    expect(result).toMatchObject({ outcome: 'published', detectionId: 'detector-tampered' });
    expect(JSON.stringify(s.publisher.published[0])).toContain(evil);
  });
});
