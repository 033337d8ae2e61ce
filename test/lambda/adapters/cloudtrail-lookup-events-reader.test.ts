/**
 * moto 5.2.5 does not implement CloudTrail's LookupEvents, so the reader is tested here against
 * aws-sdk-client-mock, with CloudTrail records built as AWS writes them.
 */
import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import {
  CloudTrailLookupEventsReader,
  LAYER_EVENT_NAMES,
  LOOKUP_EVENT_NAMES,
  LOOKUP_EVENTS_PER_SECOND,
  type LookedUpEvent,
} from '../../../lambda/adapters/cloudtrail-lookup-events-reader.js';
import { TokenBucket } from '../../../lambda/adapters/rate-limit.js';
import { normalize } from '../../../lambda/domain/cloudtrail.js';
import { TAMPER_CALLS, TAMPER_SERVICES } from '../../../lambda/domain/model.js';
import { layerArn, publishLayerVersion, updateFunctionConfiguration } from '../../support/records.js';
import { tamperingCalls } from '../../support/tamper-records.js';

const trail = mockClient(CloudTrailClient);
const noWait = { take: async () => {} };

async function all(iterable: AsyncIterable<LookedUpEvent>): Promise<LookedUpEvent[]> {
  const out: LookedUpEvent[] = [];
  for await (const e of iterable) out.push(e);
  return out;
}

function looked(record: Record<string, unknown>) {
  return {
    EventId: record.eventID as string,
    EventName: record.eventName as string,
    CloudTrailEvent: JSON.stringify(record),
  };
}

const update = updateFunctionConfiguration('orders', { layers: [layerArn('x', 1)] });
const update2 = updateFunctionConfiguration('orders', { layers: [layerArn('x', 2)] });
const publish = publishLayerVersion('x', 2);

describe('CloudTrailLookupEventsReader', () => {
  beforeEach(() => trail.reset());

  it('makes one pass per event name, follows NextToken, and yields the parsed records', async () => {
    trail.on(LookupEventsCommand).resolves({ Events: [] });
    trail
      .on(LookupEventsCommand, {
        LookupAttributes: [
          { AttributeKey: 'EventName', AttributeValue: 'UpdateFunctionConfiguration20150331v2' },
        ],
      })
      .resolvesOnce({ Events: [looked(update)], NextToken: 'next' })
      .resolvesOnce({ Events: [looked(update2)] });
    trail
      .on(LookupEventsCommand, {
        LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'PublishLayerVersion20181031' }],
      })
      .resolves({ Events: [looked(publish)] });
    const start = new Date('2026-03-01T00:00:00Z');
    const end = new Date('2026-03-15T00:00:00Z');
    const pages: string[] = [];

    const events = await all(
      new CloudTrailLookupEventsReader(new CloudTrailClient({}), noWait).events({
        startTime: start,
        endTime: end,
        onPage: (p) => pages.push(`${p.eventName}:${p.events}`),
      }),
    );

    expect(events.map((e) => e.status === 'ok' && e.record.eventID)).toEqual([
      update.eventID,
      update2.eventID,
      publish.eventID,
    ]);
    for (const e of events) expect(e.status === 'ok' && normalize(e.record).status).toBe('relevant');
    const calls = trail.commandCalls(LookupEventsCommand).map((c) => c.args[0].input);
    expect(calls).toHaveLength(LOOKUP_EVENT_NAMES.length + 1);
    expect(calls.map((c) => c.LookupAttributes?.[0]?.AttributeValue)).toEqual([
      LAYER_EVENT_NAMES[0],
      ...LOOKUP_EVENT_NAMES,
    ]);
    expect(calls[1]).toMatchObject({ NextToken: 'next', StartTime: start, EndTime: end, MaxResults: 50 });
    expect(pages.slice(0, 2)).toEqual([
      'UpdateFunctionConfiguration20150331v2:1',
      'UpdateFunctionConfiguration20150331v2:1',
    ]);
  });

  it('looks up, by default, each layer and tampering event name once, by EventName, and yields the tampering records', async () => {
    const tampering = tamperingCalls().map((c) => c.record);
    trail
      .on(LookupEventsCommand)
      .callsFake((input: { LookupAttributes?: { AttributeValue?: string }[] }) => ({
        Events: tampering
          .filter((r) => r.eventName === input.LookupAttributes?.[0]?.AttributeValue)
          .map(looked),
      }));

    const events = await all(new CloudTrailLookupEventsReader(new CloudTrailClient({}), noWait).events());

    const calls = trail.commandCalls(LookupEventsCommand).map((c) => c.args[0].input);
    const names = calls.map((c) => c.LookupAttributes?.[0]?.AttributeValue);
    expect(calls.every((c) => c.LookupAttributes?.length === 1)).toBe(true);
    expect(calls.every((c) => c.LookupAttributes?.[0]?.AttributeKey === 'EventName')).toBe(true);
    // Each name once: RemovePermission (EventBridge, SNS, older Lambda records) is one lookup.
    expect(new Set(names).size).toBe(names.length);
    expect(names.filter((n) => n === 'RemovePermission')).toHaveLength(1);
    expect(names).toEqual(expect.arrayContaining([...LAYER_EVENT_NAMES]));
    // Every watched call of every service, under the names CloudTrail logs (Lambda's versioned).
    for (const service of TAMPER_SERVICES)
      for (const call of TAMPER_CALLS[service]) expect(names).toContain(call);
    for (const name of [
      'DeleteFunction20150331',
      'PutFunctionConcurrency20171031',
      'DeleteFunctionEventInvokeConfig20190925',
      'RemovePermission20150331v2',
      'UpdateFunctionCode20150331v2',
      'PutFunctionEventInvokeConfig20190925',
      'UpdateFunctionEventInvokeConfig20190925',
    ])
      expect(names).toContain(name);
    // 17 layer, version and alias names and 62 of the tamper watch (UpdateFunctionConfiguration's
    // are the layer names): one call each when the history holds no event.
    for (const name of [
      'PublishVersion20150331',
      'CreateAlias20150331',
      'UpdateAlias20150331',
      'DeleteAlias20150331',
    ])
      expect(names).toContain(name);
    expect(names).toHaveLength(83);
    expect(events.map((e) => e.status === 'ok' && e.record.eventID).sort()).toEqual(
      tampering.map((r) => r.eventID).sort(),
    );
    for (const e of events)
      expect(e.status === 'ok' && normalize(e.record)).toMatchObject({
        status: 'relevant',
        event: { kind: 'Tamper' },
      });
  });

  it('reports an event whose CloudTrailEvent cannot be read, and goes on', async () => {
    trail.on(LookupEventsCommand).resolves({
      Events: [
        { EventId: 'a', EventName: 'CreateFunction' },
        { EventId: 'b', CloudTrailEvent: '{oops' },
        looked(update),
      ],
    });
    const events = await all(
      new CloudTrailLookupEventsReader(new CloudTrailClient({}), noWait).events({
        eventNames: ['CreateFunction'],
      }),
    );
    expect(events.map((e) => (e.status === 'ok' ? 'ok' : `${e.eventId}: ${e.message}`))).toEqual([
      'a: no CloudTrailEvent',
      expect.stringMatching(/^b: CloudTrailEvent: .*JSON/),
      'ok',
    ]);
  });

  it('stays within 2 calls a second', async () => {
    let clock = 0;
    const starts: number[] = [];
    trail.on(LookupEventsCommand).callsFake(() => {
      starts.push(clock);
      return { Events: [], NextToken: starts.length < 4 ? `t${starts.length}` : undefined };
    });
    const limiter = new TokenBucket(
      LOOKUP_EVENTS_PER_SECOND,
      1,
      () => clock,
      async (ms) => {
        clock += ms;
      },
    );
    await all(
      new CloudTrailLookupEventsReader(new CloudTrailClient({}), limiter).events({
        eventNames: ['CreateFunction', 'PublishLayerVersion'],
      }),
    );
    expect(starts).toEqual([0, 500, 1000, 1500, 2000]);
  });

  it('propagates a failed call (the hunt must not pass over a region silently)', async () => {
    trail
      .on(LookupEventsCommand)
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    await expect(
      all(new CloudTrailLookupEventsReader(new CloudTrailClient({}), noWait).events()),
    ).rejects.toThrow('Rate exceeded');
  });
});

describe("the reader's limiter", () => {
  it('waits only when pages come closer than 500 ms, however long it was idle', async () => {
    let clock = 0;
    const waits: number[] = [];
    const limiter = new TokenBucket(
      LOOKUP_EVENTS_PER_SECOND,
      1,
      () => clock,
      async (ms) => {
        waits.push(ms);
        clock += ms;
      },
    );
    await limiter.take();
    clock = 2000;
    await limiter.take();
    expect(waits).toEqual([]);
    // Idle for seconds, it still lets one page through, not a burst of them.
    clock += 5000;
    await Promise.all([limiter.take(), limiter.take()]);
    expect(waits).toEqual([500]);
  });
});
