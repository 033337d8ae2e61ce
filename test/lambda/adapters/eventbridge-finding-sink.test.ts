import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import {
  DETAIL_TYPE,
  EVENT_SOURCE,
  EventBridgeFindingSink,
  EventBridgePutError,
  entryOf,
  entrySize,
  MAX_REQUEST_BYTES,
  requestsOf,
} from '../../../lambda/adapters/eventbridge-finding-sink.js';
import { analyze } from '../../../lambda/domain/engine.js';
import type { Finding } from '../../../lambda/domain/finding.js';
import { DEFAULT_SETTINGS } from '../../../lambda/domain/settings.js';
import { exampleFindings } from '../../support/example-findings.js';
import { eventOf } from '../../support/run.js';
import { tamperingCalls } from '../../support/tamper-records.js';

const events = mockClient(EventBridgeClient);
const sample = exampleFindings()[3] as Finding;
const finding = (i: number): Finding => ({ ...sample, findingId: `f${i}` });
const many = (n: number) => Array.from({ length: n }, (_, i) => finding(i));
const noSleep = async () => {};
const sink = (options = {}) =>
  new EventBridgeFindingSink(new EventBridgeClient({}), { sleep: noSleep, ...options });
const ok = (n: number) => ({
  FailedEntryCount: 0,
  Entries: Array.from({ length: n }, (_, i) => ({ EventId: `e${i}` })),
});

describe('entryOf', () => {
  it('carries the finding as detail, with source, detail-type, event time and resources', () => {
    const e = entryOf(sample, 'default');
    expect(e).toMatchObject({
      EventBusName: 'default',
      Source: EVENT_SOURCE,
      DetailType: DETAIL_TYPE,
      Time: new Date(sample.event.time),
      Resources: [sample.function?.arn, sample.layer?.versionArn],
    });
    expect(JSON.parse(e.Detail as string)).toEqual(sample);
  });

  it('names the layerwatch resource a tampering call touched in resources, when its ARN is known', () => {
    const tampered = (label: string) => {
      const record = tamperingCalls().find((c) => c.label === label)?.record ?? {};
      const found = analyze(eventOf(record), {
        baseline: null,
        live: { status: 'not-read' },
        settings: DEFAULT_SETTINGS,
      }).finding;
      if (!found?.target) throw new Error(`${label} raised no detector-tampered finding`);
      return found;
    };
    const disabled = tampered('DisableRule');
    expect(disabled.target?.arn).toMatch(/^arn:aws:events:.*:rule\//);
    expect(entryOf(disabled, 'default').Resources).toEqual([disabled.target?.arn]);
    // A target without an ARN (a KMS alias the record does not resolve) adds nothing.
    const noArn = {
      ...disabled,
      target: { ...(disabled.target as NonNullable<Finding['target']>), arn: null },
    };
    expect(entryOf(noArn, 'default').Resources).toEqual([]);
  });

  it('cuts a finding too large for an event, and marks it truncated', () => {
    const huge = { ...sample, reasons: Array.from({ length: 400 }, () => 'r'.repeat(1000)) };
    const e = entryOf(huge, 'default');
    expect(entrySize(e)).toBeLessThanOrEqual(MAX_REQUEST_BYTES);
    expect(JSON.parse(e.Detail as string)).toMatchObject({ findingId: sample.findingId, truncated: true });
  });
});

describe('requestsOf', () => {
  it('puts at most 10 entries and 256 KB in a request', () => {
    expect(requestsOf(many(23).map((f) => ({ entry: entryOf(f, 'default') }))).map((r) => r.length)).toEqual([
      10, 10, 3,
    ]);
    const big = Array.from({ length: 5 }, () => ({ entry: { Detail: 'x'.repeat(100_000) } }));
    expect(requestsOf(big).map((r) => r.length)).toEqual([2, 2, 1]);
  });
});

describe('EventBridgeFindingSink', () => {
  beforeEach(() => events.reset());

  it('puts one event per finding on the default bus, 10 a request', async () => {
    events.on(PutEventsCommand).callsFake((input) => ok(input.Entries.length));
    await expect(sink().put(many(12))).resolves.toEqual({ sent: 12 });
    const calls = events.commandCalls(PutEventsCommand);
    expect(calls.map((c) => c.args[0].input.Entries?.length)).toEqual([10, 2]);
    expect(calls[0]?.args[0].input.Entries?.[0]).toMatchObject({
      EventBusName: 'default',
      Source: 'layerwatch',
    });
  });

  it('retries only the entries reported as failed', async () => {
    events
      .on(PutEventsCommand)
      .resolvesOnce({
        FailedEntryCount: 1,
        Entries: [
          { EventId: 'e0' },
          { ErrorCode: 'InternalFailure', ErrorMessage: 'try again' },
          { EventId: 'e2' },
        ],
      })
      .resolves(ok(1));
    await expect(sink().put(many(3))).resolves.toEqual({ sent: 3 });
    const second = events.commandCalls(PutEventsCommand)[1]?.args[0].input.Entries ?? [];
    expect(second.map((e) => JSON.parse(e.Detail as string).findingId)).toEqual(['f1']);
  });

  it('throws an EventBridgePutError naming the findings still failing after the attempts', async () => {
    // f1 always fails, wherever it sits in the request.
    events.on(PutEventsCommand).callsFake((input: { Entries: { Detail: string }[] }) => {
      const results = input.Entries.map((e, i) =>
        JSON.parse(e.Detail).findingId === 'f1'
          ? { ErrorCode: 'AccessDeniedException', ErrorMessage: 'bus policy' }
          : { EventId: `e${i}` },
      );
      return { FailedEntryCount: results.filter((r) => 'ErrorCode' in r).length, Entries: results };
    });
    const error = (await sink({ attempts: 2 })
      .put(many(2))
      .catch((e: unknown) => e)) as EventBridgePutError;
    expect(error).toBeInstanceOf(EventBridgePutError);
    expect(error.failed).toEqual([{ findingId: 'f1', code: 'AccessDeniedException', message: 'bus policy' }]);
    expect(events.commandCalls(PutEventsCommand)).toHaveLength(2);
  });

  it('treats a failure count without a failed entry as every entry failing', async () => {
    events
      .on(PutEventsCommand)
      .resolves({ FailedEntryCount: 1, Entries: [{ EventId: 'e0' }, { EventId: 'e1' }] });
    const error = (await sink({ attempts: 1 })
      .put(many(2))
      .catch((e: unknown) => e)) as EventBridgePutError;
    expect(error.failed.map((f) => f.findingId)).toEqual(['f0', 'f1']);
  });

  it('reports a failed request as all its entries failing, with the cause, and sends the rest', async () => {
    events
      .on(PutEventsCommand)
      .rejectsOnce(Object.assign(new Error('no such bus'), { name: 'ResourceNotFoundException' }))
      .callsFake((input) => ok(input.Entries.length));
    const error = (await sink({ eventBusName: 'gone' })
      .put(many(11))
      .catch((e: unknown) => e)) as EventBridgePutError;
    expect(error.failed).toHaveLength(10);
    expect(error.message).toMatch(/10 of 11 finding\(s\) not put on event bus gone/);
    expect((error.cause as Error).name).toBe('ResourceNotFoundException');
    expect(events.commandCalls(PutEventsCommand)).toHaveLength(2);
  });
});
