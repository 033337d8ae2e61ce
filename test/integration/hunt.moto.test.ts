/**
 * `layerwatch hunt` analyses what the hunt returns like a scan. Athena runs against moto (its results
 * seeded, as moto runs no SQL); the Event history through a source that pages like LookupEvents
 * (moto has no LookupEvents). The same records scanned from a file give the same findings.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AthenaClient } from '@aws-sdk/client-athena';
import { AthenaQueryRunner } from '../../lambda/adapters/athena-query-runner.js';
import {
  LOOKUP_EVENT_NAMES,
  type LookedUpEvent,
  type LookupOptions,
} from '../../lambda/adapters/cloudtrail-lookup-events-reader.js';
import { hunt, parseHuntArgs } from '../../lambda/cli/command-hunt.js';
import { seedAthenaResults } from '../support/athena-rows.js';
import { memoryIo } from '../support/cli-io.js';
import { clientConfig, type Moto, startMoto } from '../support/moto.js';
import {
  createFunction,
  identities,
  layerArn,
  OTHER_ACCOUNT,
  type Rec,
  updateFunctionConfiguration,
} from '../support/records.js';
import { failedCall, harmlessCalls, KEY_ARN, tamperingCalls } from '../support/tamper-records.js';

const history: Rec[] = [
  createFunction('orders', {
    layers: [layerArn('deps', 1)],
    time: '2026-03-14T09:00:00Z',
    identity: identities.deployRole(),
  }),
  updateFunctionConfiguration('orders', {
    layers: [layerArn('deps', 1), layerArn('implant', 3, OTHER_ACCOUNT)],
    time: '2026-03-14T09:05:00Z',
    identity: identities.iamUser(),
  }),
];

let moto: Moto;

const io = memoryIo;

interface Found {
  detectionId: string;
  event: { id: string };
  target: { type: string; arn: string | null; name: string } | null;
}

const findings = (out: string) =>
  out
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Found);

/** A lookup source that answers each event name with the records of that exact name, as LookupEvents does. */
function lookupSource(records: Rec[], names: string[]) {
  return {
    async *events(o: LookupOptions): AsyncIterable<LookedUpEvent> {
      for (const name of o.eventNames ?? LOOKUP_EVENT_NAMES) {
        names.push(name);
        for (const r of records.filter((x) => x.eventName === name))
          yield { status: 'ok', eventId: String(r.eventID), eventName: name, record: r };
      }
    },
  };
}

const byEventId = (a: Found, b: Found) => (a.event.id < b.event.id ? -1 : 1);

beforeAll(async () => {
  moto = await startMoto();
}, 60_000);
afterAll(async () => moto?.stop());

describe('layerwatch hunt', () => {
  it('--athena: runs the query, pages the results and reports the attach, exit 1 under --fail-on high', async () => {
    expect(await seedAthenaResults(moto.endpoint, history)).toBe(true);
    const runner = new AthenaQueryRunner(new AthenaClient(clientConfig(moto.endpoint)), {
      initialPollMs: 10,
    });
    const options = parseHuntArgs(
      [
        '--athena',
        '--table',
        'db.cloudtrail',
        '--region',
        'us-east-1',
        '--format',
        'jsonl',
        '--fail-on',
        'high',
      ],
      false,
      {},
    );
    if (options === 'help') throw new Error('help');
    const out = io();
    const code = await hunt(options, out, {
      lookup: () => {
        throw new Error('not this source');
      },
      athena: () => ({
        rows: (onProgress) => runner.query({ sql: 'SELECT 1', workGroup: 'primary' }, onProgress),
      }),
    });
    expect(findings(out.out).map((f) => f.detectionId)).toEqual([
      'lambda-function-created-with-layers',
      'lambda-layer-added',
    ]);
    expect(code).toBe(1);
  });

  it('--lookup-events: every region, every page; an unreadable event makes the run partial (exit 2), the rest still reported', async () => {
    const seen: LookupOptions[] = [];
    const source = (records: Rec[], bad: boolean) => ({
      async *events(o: LookupOptions): AsyncIterable<LookedUpEvent> {
        seen.push(o);
        for (const r of records)
          yield {
            status: 'ok',
            eventId: String(r.eventID),
            eventName: String(r.eventName),
            record: r,
          } as LookedUpEvent;
        if (bad)
          yield {
            status: 'unreadable',
            eventId: 'broken',
            eventName: 'x',
            message: 'CloudTrailEvent is not JSON',
          } as LookedUpEvent;
      },
    });
    const options = parseHuntArgs(
      [
        '--lookup-events',
        '--region',
        'us-east-1',
        '--region',
        'eu-west-1',
        '--since',
        '2026-03-01',
        '--format',
        'jsonl',
      ],
      false,
      {},
      // The Event history keeps 90 days: the hunt runs, as far as the window is concerned, in March.
      Date.parse('2026-03-20T00:00:00Z'),
    );
    if (options === 'help') throw new Error('help');
    const out = io();
    const code = await hunt(options, out, {
      lookup: (region) => (region === 'us-east-1' ? source(history, false) : source([], true)),
      athena: () => {
        throw new Error('not this source');
      },
    });
    expect(findings(out.out).map((f) => f.detectionId)).toEqual([
      'lambda-function-created-with-layers',
      'lambda-layer-added',
    ]);
    // One lookup per region and event name, each from --since.
    expect(seen).toHaveLength(2 * LOOKUP_EVENT_NAMES.length);
    expect([...new Set(seen.map((o) => o.startTime?.toISOString()))]).toEqual(['2026-03-01T00:00:00.000Z']);
    expect(out.err).toMatch(/CloudTrailEvent is not JSON/);
    expect(code).toBe(2);
  });

  describe('finds tampering with layerwatch', () => {
    const tampering = tamperingCalls();
    // What CloudTrail holds: the tampering calls, harmless ones, the same calls failed.
    const records = [
      ...tampering.map((c) => c.record),
      ...harmlessCalls().map((c) => c.record),
      ...tampering.map((c) => failedCall(c.record)),
    ];
    const dir = mkdtempSync(join(tmpdir(), 'layerwatch-hunt-tamper-'));
    const config = join(dir, 'settings.json');
    // A key has no name: the scan knows layerwatch's key by its ARN.
    writeFileSync(config, JSON.stringify({ ownResources: { keys: [KEY_ARN] } }));
    const common = ['--region', 'us-east-1', '--format', 'jsonl', '--config', config, '--fail-on', 'high'];
    const notThis = () => {
      throw new Error('not this source');
    };

    async function lookupHunt(): Promise<{ found: Found[]; names: string[]; code: number }> {
      const names: string[] = [];
      const options = parseHuntArgs(['--lookup-events', ...common], false, {});
      if (options === 'help') throw new Error('help');
      const out = io();
      const code = await hunt(options, out, { lookup: () => lookupSource(records, names), athena: notThis });
      return { found: findings(out.out).sort(byEventId), names, code };
    }

    it('--lookup-events: looks up the tampering calls by the names CloudTrail logs and reports each, high or critical (exit 1)', async () => {
      const { found, names, code } = await lookupHunt();
      expect(names).toEqual([...LOOKUP_EVENT_NAMES]);
      expect(found.map((f) => f.detectionId)).toEqual(tampering.map(() => 'detector-tampered'));
      expect(found.map((f) => f.event.id)).toEqual(tampering.map((c) => String(c.record.eventID)).sort());
      for (const f of found) expect(f.target).not.toBeNull();
      expect(code).toBe(1);
    });

    it('--athena: the tampering rows of the CloudTrail table give the same findings as the Event history', async () => {
      expect(await seedAthenaResults(moto.endpoint, records)).toBe(true);
      const runner = new AthenaQueryRunner(new AthenaClient(clientConfig(moto.endpoint)), {
        initialPollMs: 10,
      });
      const options = parseHuntArgs(['--athena', '--table', 'db.cloudtrail', ...common], false, {});
      if (options === 'help') throw new Error('help');
      const out = io();
      const code = await hunt(options, out, {
        lookup: notThis,
        athena: () => ({
          rows: (onProgress) => runner.query({ sql: 'SELECT 1', workGroup: 'primary' }, onProgress),
        }),
      });
      const found = findings(out.out).sort(byEventId);
      expect(found).toHaveLength(tampering.length);
      expect(found).toEqual((await lookupHunt()).found);
      expect(code).toBe(1);
    });
  });

  it.each([
    [[], /choose one source/],
    [['--athena', '--region', 'us-east-1'], /--athena needs --table/],
    [['--lookup-events'], /--region/],
    [['--lookup-events', '--region', 'us-east-1', '--format', 'xml'], /--format/],
  ])('refuses %p with a clear message', (args, message) => {
    expect(() => parseHuntArgs(args, false, {})).toThrow(message);
  });
});

describe('hunt options', () => {
  it('calls AWS_REGION without --region, and then keeps every region of the results', () => {
    const o = parseHuntArgs(['--athena', '--table', 'db.t'], false, { AWS_REGION: 'eu-west-1' });
    if (o === 'help') throw new Error('help');
    expect(o.callRegions).toEqual(['eu-west-1']);
    expect(o.filter.regions).toEqual([]);
    const pinned = parseHuntArgs(['--lookup-events', '--region', 'us-east-1'], false, {});
    if (pinned === 'help') throw new Error('help');
    expect(pinned.filter.regions).toEqual(['us-east-1']);
  });
});
