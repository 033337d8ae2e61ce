/**
 * One table over every multi-part command: for each part that can fail (a scan's file or row, a
 * hunt's region, event name, query or row, an inspect input), the command names that part, still
 * reports the others, and exits with the documented code: 2 for a part not read completely, 0 with
 * --allow-partial, 1 when --fail-on is reached (it wins). verify's checks have their own table
 * (verify-table.test.ts: every check, could-not-read and deleted).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { LookedUpEvent, LookupOptions } from '../../lambda/adapters/cloudtrail-lookup-events-reader.js';
import { type HuntClients, hunt, parseHuntArgs } from '../../lambda/cli/command-hunt.js';
import { main } from '../../lambda/cli/main.js';
import { athenaCells, exampleRecords } from '../../scripts/try-it.js';
import { ATHENA_HEADER, csvField } from '../support/athena-rows.js';
import { memoryIo } from '../support/cli-io.js';
import { buildZip } from '../support/zips.js';

const DIR = mkdtempSync(join(tmpdir(), 'parts-'));
const GOOD =
  'examples/cloudtrail/AWSLogs/111122223333/CloudTrail/us-east-1/2026/03/14/111122223333_CloudTrail_us-east-1_20260314T0905Z_9c1d.json.gz';
const file = (name: string, data: string | Buffer) => {
  const path = join(DIR, name);
  writeFileSync(path, data);
  return path;
};
const records = exampleRecords();
const goodText = gunzipSync(readFileSync(GOOD)).toString('utf8');
const HEADER = ATHENA_HEADER;
const badRowCsv = () => {
  const rows = records.map(athenaCells);
  (rows[1] as string[])[HEADER.indexOf('useridentity')] = '{"type": "IAMUser", "arn": ';
  return [HEADER, ...rows].map((r) => r.map(csvField).join(',')).join('\n');
};

interface Outcome {
  code: number;
  out: string;
  err: string;
}

async function cli(args: string[]): Promise<Outcome> {
  const io = memoryIo();
  const code = await main(args, io);
  return { code, out: io.out, err: io.err };
}

function awsError(name: string): Error {
  const e = new Error(`${name} (simulated)`);
  e.name = name;
  return e;
}

/** hunt with injected sources: `--lookup-events` regions, or an Athena source. */
async function huntWith(args: string[], clients: Partial<HuntClients>): Promise<Outcome> {
  const options = parseHuntArgs(
    ['--format', 'jsonl', ...args],
    false,
    {},
    Date.parse('2026-03-20T00:00:00Z'),
  );
  if (options === 'help') throw new Error('help');
  const io = memoryIo();
  const never = () => {
    throw new Error('not this source');
  };
  const code = await hunt(options, io, { lookup: never, athena: never, ...clients });
  return { code, out: io.out, err: io.err };
}

const lookup = (fail: string | null) => ({
  async *events(o: LookupOptions): AsyncIterable<LookedUpEvent> {
    for (const name of o.eventNames ?? []) {
      if (fail) throw awsError(fail);
      for (const r of records.filter((x) => x.eventName === name))
        yield { status: 'ok', eventId: String(r.eventID), eventName: name, record: r };
    }
  },
});

const athenaRows = (breakAt: number | null, failQuery: boolean) => ({
  rows: async function* () {
    if (failQuery) throw awsError('AthenaQueryError');
    for (const [i, r] of records.entries()) {
      const cells = athenaCells(r);
      if (i === breakAt) cells[HEADER.indexOf('requestparameters')] = '{"functionName": ';
      yield Object.fromEntries(HEADER.map((h, j) => [h, cells[j] ?? null]));
    }
  },
});

/** What every good part gives: the attach of the bundled attack. */
const OTHERS = /lambda-layer-added/;

type Run = (extra: string[]) => Promise<Outcome>;
const rows: [command: string, part: string, named: RegExp, run: Run][] = [
  [
    'scan',
    'a missing file',
    /nowhere\.json/,
    (x) => cli(['scan', '--format', 'jsonl', ...x, GOOD, join(DIR, 'nowhere.json')]),
  ],
  [
    'scan',
    'a truncated gzip',
    /cut\.json\.gz: .*(gzip|truncated|unexpected end)/i,
    (x) =>
      cli([
        'scan',
        '--format',
        'jsonl',
        ...x,
        GOOD,
        file('cut.json.gz', gzipSync(goodText).subarray(0, 200)),
      ]),
  ],
  [
    'scan',
    'a file that is not JSON',
    /junk\.json: /,
    (x) =>
      cli(['scan', '--format', 'jsonl', ...x, GOOD, file('junk.json', '{"Records": [ this is not json')]),
  ],
  [
    'scan',
    'an Athena row whose JSON does not parse',
    /rows\.csv: row 2: not read: .*column useridentity/,
    (x) => cli(['scan', '--format', 'jsonl', ...x, file('rows.csv', badRowCsv())]),
  ],
  [
    'hunt --lookup-events',
    'a region that fails',
    /event history ap-east-1: .*UnrecognizedClientException/,
    (x) =>
      huntWith(['--lookup-events', '--region', 'ap-east-1', '--region', 'us-east-1', ...x], {
        lookup: (r) => lookup(r === 'ap-east-1' ? 'UnrecognizedClientException' : null),
      }),
  ],
  [
    'hunt --athena',
    'a row whose JSON does not parse',
    /athena: row 4: not read: .*column requestparameters/,
    (x) =>
      huntWith(['--athena', '--table', 'db.t', '--region', 'us-east-1', ...x], {
        athena: () => athenaRows(3, false),
      }),
  ],
  [
    'inspect',
    'an input that cannot be read',
    /nowhere\.zip/,
    // inspect has neither --allow-partial nor --fail-on: only the first test takes this row.
    (_x) =>
      cli([
        'inspect',
        '--format',
        'jsonl',
        file('ok.zip', buildZip([{ path: 'extensions/', directory: true }])),
        join(DIR, 'nowhere.zip'),
      ]),
  ],
];

describe('every multi-part command: a part that fails is named, the others reported', () => {
  it.each(rows)('%s, %s: named, the others reported, exit 2', async (command, _part, named, run) => {
    const r = await run([]);
    expect(r.err).toMatch(named);
    if (command === 'inspect') expect(r.out).toMatch(/ok\.zip/);
    else expect(r.out).toMatch(OTHERS);
    expect(r.code).toBe(2);
  });

  it.each(rows.filter(([c]) => c !== 'inspect'))(
    '%s, %s: 0 with --allow-partial, still named',
    async (_c, _p, named, run) => {
      const r = await run(['--allow-partial']);
      expect(r.err).toMatch(named);
      expect(r.code).toBe(0);
    },
  );

  it.each(rows.filter(([c]) => c !== 'inspect'))(
    '%s, %s: 1 when --fail-on is reached (it wins over 2)',
    async (_c, _p, _n, run) => {
      expect((await run(['--fail-on', 'high'])).code).toBe(1);
    },
  );

  it('hunt --athena, a query that fails: named with its error, exit 2 (nothing else to report)', async () => {
    const r = await huntWith(['--athena', '--table', 'db.t', '--region', 'us-east-1'], {
      athena: () => athenaRows(null, true),
    });
    expect(r.err).toMatch(/layerwatch: athena: AthenaQueryError/);
    expect(r.code).toBe(2);
  });
});
