/**
 * `guardrail --replay-lookup-events | --replay-athena`: the replay reads a live history as `hunt`
 * does (injected sources here; hunt.moto.test.ts runs the real clients) and judges it with the same
 * evaluator, exit codes and partial-failure rule: a region or a query that fails is named, the run
 * exits 2 unless --allow-partial, and a denied call (exit 1) wins.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LookedUpEvent, LookupOptions } from '../../lambda/adapters/cloudtrail-lookup-events-reader.js';
import { guardrail } from '../../lambda/cli/command-guardrail.js';
import { parseGuardrailArgs } from '../../lambda/cli/guardrail-args.js';
import type { HuntClients } from '../../lambda/cli/hunt-source.js';
import { ATHENA_HEADER, athenaRow } from '../support/athena-rows.js';
import { memoryIo } from '../support/cli-io.js';
import {
  ACCOUNT,
  createFunction,
  identities,
  layerArn,
  OTHER_ACCOUNT,
  type Rec,
  updateFunctionConfiguration,
} from '../support/records.js';

const NOW = Date.parse('2026-03-20T00:00:00Z');
const MALLORY = `arn:aws:iam::${ACCOUNT}:user/mallory`;
const own = layerArn('shared-deps', 3);
const foreign = layerArn('perf-monitor-extension', 1, OTHER_ACCOUNT);
const deploy = { identity: identities.deployRole() };

const IN_USE = [
  createFunction('orders-api', { ...deploy, layers: [own], time: '2026-03-14T09:00:00Z' }),
  createFunction('metrics', { ...deploy, layers: [own], region: 'eu-west-1', time: '2026-03-14T09:01:00Z' }),
];
const FOREIGN = updateFunctionConfiguration('orders-api', {
  id: 'the-foreign-attach',
  layers: [own, foreign],
  time: '2026-03-14T09:07:00Z',
});
const DENIED_LINE = `  DENIED    2026-03-14T09:07:00Z  ${MALLORY}  UpdateFunctionConfiguration20150331v2 arn:aws:lambda:us-east-1:${ACCOUNT}:function:orders-api  layer ${foreign}  [the-foreign-attach]`;

const dir = mkdtempSync(join(tmpdir(), 'layerwatch-guardrail-live-'));
const historyFile = (name: string, records: Rec[]) => {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify({ Records: records }));
  return path;
};
const INPUT = historyFile('in-use.json', IN_USE);

function awsError(name: string): Error {
  const e = new Error(`${name} (simulated)`);
  e.name = name;
  return e;
}

/** Each region's Event history: its records per event name, or AWS's error for every lookup. */
const lookup =
  (records: Rec[], failing: string[] = []): HuntClients['lookup'] =>
  (region) => ({
    async *events(o: LookupOptions): AsyncIterable<LookedUpEvent> {
      if (failing.includes(region)) throw awsError('AccessDeniedException');
      for (const name of o.eventNames ?? [])
        for (const r of records.filter((x) => x.eventName === name && x.awsRegion === region))
          yield { status: 'ok', eventId: String(r.eventID), eventName: name, record: r };
    },
  });

const athena =
  (records: Rec[], fail = false): HuntClients['athena'] =>
  () => ({
    rows: async function* () {
      if (fail) throw awsError('AthenaQueryError');
      for (const r of records) {
        const cells = athenaRow(r);
        yield Object.fromEntries(ATHENA_HEADER.map((h, j) => [h, cells[j] ?? null]));
      }
    },
  });

const never = () => {
  throw new Error('not this source');
};

async function run(args: string[], clients: Partial<HuntClients>) {
  const parsed = parseGuardrailArgs([INPUT, ...args], {}, NOW);
  if (parsed === 'help') throw new Error('help');
  const io = memoryIo();
  const code = await guardrail(parsed, io, { lookup: never, athena: never, ...clients });
  const replayed = io.err.split('\n').filter((l) => /^ {2}(DENIED|EXEMPT|UNJUDGED)/.test(l));
  return { code, err: io.err, replayed };
}

const BOTH = ['--replay-lookup-events', '--region', 'us-east-1', '--region', 'eu-west-1'];
const ATHENA = ['--replay-athena', '--table', 'db.cloudtrail', '--region', 'us-east-1'];
const ALL = [...IN_USE, FOREIGN];

describe('guardrail: replay of a live history, as hunt reads it', () => {
  const rows: [
    name: string,
    args: string[],
    clients: Partial<HuntClients>,
    code: number,
    replayed: string[],
    named: RegExp[],
  ][] = [
    [
      'Event history of two regions: names exactly the foreign call, exit 1',
      BOTH,
      { lookup: lookup(ALL) },
      1,
      [DENIED_LINE],
      [
        /replay: the Event history of us-east-1, eu-west-1: 3 record\(s\) read, 3 Lambda event\(s\) kept/,
        /replay: \d+ lookups \(2 region\(s\) x \d+ event names\): \d+ done, 0 failed, 0 skipped/,
        /1 would have been denied/,
      ],
    ],
    [
      'a region that fails is named; nothing denied elsewhere: exit 2',
      BOTH,
      { lookup: lookup(IN_USE, ['eu-west-1']) },
      2,
      [],
      [/cloudtrail event history eu-west-1 .*not looked up: AccessDeniedException/, /failed/],
    ],
    [
      'the same with --allow-partial: exit 0, the region still named',
      [...BOTH, '--allow-partial'],
      { lookup: lookup(IN_USE, ['eu-west-1']) },
      0,
      [],
      [/cloudtrail event history eu-west-1 .*AccessDeniedException/],
    ],
    [
      'a region that fails and a denied call in the other: the denial wins, exit 1',
      BOTH,
      { lookup: lookup(ALL, ['eu-west-1']) },
      1,
      [DENIED_LINE],
      [/cloudtrail event history eu-west-1 .*AccessDeniedException/],
    ],
    [
      'the Athena query: names exactly the foreign call, exit 1',
      ATHENA,
      { athena: athena(ALL) },
      1,
      [DENIED_LINE],
      [
        /replay: the Athena query over db\.cloudtrail \(us-east-1\): 3 record\(s\) read, 2 Lambda event\(s\) kept/,
        /1 would have been denied/,
      ],
    ],
    [
      'an Athena query that fails is named with its error: exit 2',
      ATHENA,
      { athena: athena(ALL, true) },
      2,
      [],
      [/layerwatch guardrail: athena: AthenaQueryError/],
    ],
    [
      '--replay FILE and the live source holding the same call: judged once',
      ['--replay', historyFile('saved.json', ALL), ...BOTH],
      { lookup: lookup(ALL) },
      1,
      [DENIED_LINE],
      [/Replay: 3 call\(s\) that set a function's layers; 1 would have been denied/],
    ],
    [
      '--exempt-principal still applies to the live replay: exit 0',
      [...ATHENA, '--exempt-principal', MALLORY],
      { athena: athena(ALL) },
      0,
      [
        `  EXEMPT    2026-03-14T09:07:00Z  ${MALLORY}  UpdateFunctionConfiguration20150331v2 arn:aws:lambda:us-east-1:${ACCOUNT}:function:orders-api  layer ${foreign}  [the-foreign-attach]`,
      ],
      [],
    ],
  ];

  it.each(rows)('%s', async (_name, args, clients, code, replayed, named) => {
    const r = await run(args, clients);
    expect(r.replayed).toEqual(replayed);
    for (const pattern of named) expect(r.err).toMatch(pattern);
    expect(r.code).toBe(code);
  });

  it('--region selects the replayed calls as in hunt: another region is not replayed', async () => {
    const r = await run(['--replay-athena', '--table', 'db.t', '--region', 'eu-west-1'], {
      athena: athena(ALL),
    });
    expect(r.replayed).toEqual([]);
    expect(r.code).toBe(0);
  });
});

describe('guardrail: the live replay options (hunt parser)', () => {
  const usage: [args: string[], message: string][] = [
    [['--replay-lookup-events', '--replay-athena', '--region', 'us-east-1'], 'choose one source'],
    [['--replay-athena', '--region', 'us-east-1'], '--replay-athena needs --table DB.TABLE'],
    [['--replay-lookup-events'], 'name the region'],
    [['--table', 'db.t'], '--table is the live replay'],
    [['--since', '2026-03-01'], '--since is the live replay'],
    [['--region', 'us-east-1'], "--region is the state table's or the live replay's"],
    [['--replay-lookup-events', '--region', 'us-east-1', '--since', '2025-01-01'], '90'],
    [['--state-table', 'layerwatch-state', '--region', 'us-east-1', '--region', 'eu-west-1'], 'one --region'],
  ];
  it.each(usage)('%j is a usage error: %s', (args, message) => {
    expect(() => parseGuardrailArgs(['in.json', ...args], {}, NOW)).toThrow(message);
  });

  it('takes AWS_REGION and hunt defaults when --region is not given', () => {
    const parsed = parseGuardrailArgs(
      ['in.json', '--replay-athena', '--table', 'db.t'],
      { AWS_REGION: 'eu-west-1' },
      NOW,
    );
    if (parsed === 'help') throw new Error('help');
    expect(parsed.replaySource).toEqual({
      source: 'athena',
      table: 'db.t',
      workGroup: 'primary',
      outputLocation: undefined,
      callRegions: ['eu-west-1'],
      filter: { sinceMs: null, untilMs: null, accounts: [], regions: [] },
    });
    expect(parsed.region).toBeNull();
  });
});
