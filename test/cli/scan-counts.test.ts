/**
 * The summary of a scan is the same whichever way an input is read: whole (one parse, or the
 * record-level pass), in pieces (stdin, a file over --max-record-bytes, a gzip inflating past it),
 * in a reader thread, with the pre-filter or without. Records the pre-filter drops are counted as
 * skipped on every path, a file without any candidate is a file not parsed on every path, and each
 * problem is counted under the same kind. Each input shape is read every way; the summaries (but
 * the time) and the findings must be identical.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ATHENA_HEADER, athenaRow, csvField, queryResultRows } from '../support/athena-rows.js';
import { runCli } from '../support/cli-run.js';
import {
  envelope,
  layerArn,
  OTHER_ACCOUNT,
  otherServiceCalls,
  type Rec,
  updateFunctionConfiguration,
} from '../support/records.js';
import { differences, scanEveryWay, waysOfReading } from '../support/scan-ways.js';

const DIR = mkdtempSync(join(tmpdir(), 'layerwatch-scan-counts-'));
afterAll(() => rmSync(DIR, { recursive: true, force: true }));

const attack = () => updateFunctionConfiguration('orders', { layers: [layerArn('x', 1, OTHER_ACCOUNT)] });
/** Low enough that every file below is larger (so it is streamed), high enough for any record. */
const LIMIT = '4096';

const lines = (records: Rec[]) => records.map((r) => JSON.stringify(r)).join('\n');
const csv = (records: Rec[]) =>
  [ATHENA_HEADER, ...records.map(athenaRow)].map((row) => row.map(csvField).join(',')).join('\n');

/** Every shape the scan reads, from a list of records. */
const SHAPES: [string, (records: Rec[]) => string][] = [
  ['a CloudTrail log file', (records) => JSON.stringify({ Records: records })],
  ['a pretty-printed log file', (records) => JSON.stringify({ Records: records }, null, 2)],
  ['JSON Lines', lines],
  ['EventBridge events, one a line', (records) => lines(records.map(envelope))],
  ['concatenated documents', (records) => records.map((r) => JSON.stringify(r)).join('')],
  ['a JSON array', (records) => JSON.stringify(records)],
  [
    'lookup-events output',
    (records) =>
      JSON.stringify({ Events: records.map((r) => ({ EventId: 'e', CloudTrailEvent: JSON.stringify(r) })) }),
  ],
  [
    'Athena get-query-results',
    (records) => JSON.stringify({ ResultSet: { Rows: queryResultRows(records) } }),
  ],
  ['Athena CSV', csv],
  // The last cell unquoted and closing a bracket, as a JSON file ends.
  ['Athena CSV ending in a bracket', (records) => csv(records.map((r) => ({ ...r, resources: [] })))],
];

const WAYS = waysOfReading(LIMIT);
const scanAll = (text: string, name: string) => scanEveryWay(DIR, text, name, WAYS);

describe('the summary does not depend on how an input is read', () => {
  it.each(SHAPES)('%s holding a candidate among other calls', async (name, shape) => {
    const text = shape([...otherServiceCalls(20), attack(), ...otherServiceCalls(20)]);
    expect(text.length).toBeGreaterThan(Number(LIMIT));
    const results = await scanAll(text, name.replace(/\W+/g, '-'));
    const { first, others } = differences(results);
    expect(first).toMatch(/ 41 records, 1 candidates .* 40 skipped, .* \| exit 0 \| lambda-layer-added$/);
    expect(others).toEqual([]);
  });

  it.each(SHAPES)('%s without any candidate: a file not parsed, on every path', async (name, shape) => {
    const text = shape(otherServiceCalls(40));
    const results = await scanAll(text, `${name.replace(/\W+/g, '-')}-none`);
    const prefiltered = differences(results, (how) => how.endsWith('--prefilter'));
    // Without the pre-filter, every record is read and counted.
    const plain = differences(results, (how) => how.endsWith('--no-prefilter'));
    expect(plain.first).toMatch(/\(0 without candidate events, not parsed\), 0 unreadable, 40 records,/);
    // A CSV is always parsed (it does not end as JSON does, so it could be cut short).
    if (name.startsWith('Athena CSV')) expect(prefiltered.first).toBe(plain.first);
    else
      expect(prefiltered.first).toMatch(
        /\(1 without candidate events, not parsed\), 0 unreadable, 0 records,/,
      );
    expect(prefiltered.others).toEqual([]);
    expect(plain.others).toEqual([]);
  });
});

describe('an input of blanks only', () => {
  it('is a file read, of no record, on every path', async () => {
    const { first, others } = differences(await scanAll(' \n\t\r\n  \n', 'blanks'));
    expect(first).toMatch(
      /^layerwatch: 1 file \(0 without candidate events, not parsed\), 0 unreadable, 0 records,/,
    );
    expect(others).toEqual([]);
  });
});

describe('an input of no record at all', () => {
  it.each([
    ['a log file of no record', '{"Records": []}\n'],
    ['lookup-events output of no event', '{"Events": [], "NextToken": "n"}'],
    ['an empty JSON array', '[ ]'],
    ['Athena results of a header row only', JSON.stringify({ ResultSet: { Rows: queryResultRows([]) } })],
  ])('%s: a file read, of nothing, on every path', async (name, text) => {
    const { first, others } = differences(await scanAll(text, `no-record-${name.replace(/\W+/g, '-')}`));
    expect(first).toMatch(
      /^layerwatch: 1 file \(0 without candidate events, not parsed\), 0 unreadable, 0 records, .* \| exit 0 \|/,
    );
    expect(others).toEqual([]);
  });
});

describe('a record the pre-filter cannot judge by its keys', () => {
  // No eventName key: a watched call and Lambda's source among its values. An element of a log
  // file is judged by its keys (skipped); a document of its own, by its names anywhere (parsed),
  // as a file of that one document is.
  const keyless = { eventID: 'k', eventSource: 'lambda.amazonaws.com', note: 'CreateFunction, DeleteTrail' };
  it.each([
    ...SHAPES.filter(([name]) => /log file|lookup/.test(name)).map(
      ([n, shape]) => [n, shape, '21 skipped, 0'] as const,
    ),
    ...SHAPES.filter(([name]) => /Lines|concatenated/.test(name)).map(
      ([n, shape]) => [n, shape, '20 skipped, 1'] as const,
    ),
  ])('%s: judged alike on every path', async (name, shape, counts) => {
    const text = shape([attack(), keyless, ...otherServiceCalls(20)]);
    const results = await scanAll(text, `keyless-${name.replace(/\W+/g, '-')}`);
    const prefiltered = differences(results, (how) => how.endsWith('--prefilter'));
    expect(prefiltered.first).toMatch(new RegExp(` 22 records, 1 candidates .* ${counts} malformed, `));
    expect(prefiltered.others).toEqual([]);
  });
});

describe('a document that is not an event, naming a watched call', () => {
  it('is parsed and noted on every path', async () => {
    // One document under the record limit, in a file over it.
    const text = `${JSON.stringify({ note: 'CreateFunction on lambda.amazonaws.com' })}${' '.repeat(5000)}`;
    const results = await scanAll(text, 'not-an-event');
    const { first, others } = differences(results);
    expect(first).toMatch(/\(0 without candidate events, not parsed\), 0 unreadable, 0 records,/);
    expect(others).toEqual([]);
  });
});

describe('a JSON line that is not an event, among records', () => {
  // A document that is not an event is noted, not counted; an element of an array is a record,
  // malformed when it is not an event.
  it.each([
    ['a bare string first', ['"hello"'], '21 records, 1 candidates .* 20 skipped, 0 malformed'],
    ['an object and a number', ['{"a":1}', '7'], '21 records, 1 candidates .* 20 skipped, 0 malformed'],
    ['an array of numbers', ['[1,2]'], '23 records, 1 candidates .* 20 skipped, 2 malformed'],
    [
      'an array of objects without events',
      ['[{"a":1},{"b":2}]'],
      '23 records, 1 candidates .* 20 skipped, 2 malformed',
    ],
  ])('%s: alike on every path and without the pre-filter', async (name, odd, counts) => {
    const text = [...odd, ...[attack(), ...otherServiceCalls(20)].map((r) => JSON.stringify(r))].join('\n');
    const { first, others } = differences(await scanAll(text, `odd-line-${name.replace(/\W+/g, '-')}`));
    expect(first).toMatch(new RegExp(` ${counts}, .* \\| exit 0 \\|`));
    expect(others).toEqual([]);
  });

  it('a JSON array with an element that is no event: malformed on every path', async () => {
    const text = JSON.stringify([...otherServiceCalls(10), { a: 1 }, attack(), ...otherServiceCalls(10)]);
    const { first, others } = differences(await scanAll(text, 'array-noise'));
    expect(first).toMatch(/ 22 records, 1 candidates .* 20 skipped, 1 malformed, .* \| exit 0 \|/);
    expect(others).toEqual([]);
  });
});

describe('a record the reader cannot make is counted, as a record and as malformed', () => {
  const lookup = (elements: unknown[]) =>
    JSON.stringify({
      Events: elements.map((e) =>
        e === null ? { EventId: 'q' } : { EventId: 'e', CloudTrailEvent: JSON.stringify(e) },
      ),
      NextToken: 'next',
    });
  it.each([
    [
      'a lookup-events element without its CloudTrailEvent string',
      lookup([attack(), null, ...otherServiceCalls(20)]),
      true,
    ],
    [
      // A record where the string should be: no watched call is looked for in what is not one.
      'a lookup-events element holding its record bare',
      JSON.stringify({
        Events: [
          // Before the candidate: a reader in pieces has not yet seen that the input holds one.
          ...otherServiceCalls(1),
          { EventId: 'e', CloudTrailEvent: JSON.stringify(attack()) },
          ...otherServiceCalls(20).map((r) => ({ EventId: 'e', CloudTrailEvent: JSON.stringify(r) })),
        ],
      }),
      true,
    ],
    [
      'Records that is not an array',
      [
        JSON.stringify(attack()),
        '{"Records":5}',
        ...otherServiceCalls(20).map((r) => JSON.stringify(r)),
      ].join('\n'),
      false,
    ],
  ])('%s', async (name, text, everyPath) => {
    const results = await scanAll(text, `malformed-${name.replace(/\W+/g, '-')}`);
    // Every record is checked without the pre-filter, which only parses candidates.
    const plain = differences(results, (how) => how.endsWith('--no-prefilter'));
    expect(plain.first).toMatch(/ 22 records, 1 candidates .* 20 skipped, 1 malformed, .* \| exit 0 \|/);
    expect(plain.others).toEqual([]);
    // With it, a record without a watched call is not checked (read whole, a document that is not a
    // single log file is parsed whole, and its records are): counted all the same.
    for (const [how, r] of results)
      expect([how, r]).toEqual([how, expect.stringMatching(/ 22 records, 1 candidates /)]);
    // An element of a lookup-events array is malformed, named, on every path: not a skipped record.
    if (everyPath) expect(differences(results).others).toEqual([]);
  });
});

describe('an input without a candidate, part of it unread', () => {
  /** The summary line of a scan, without its time. */
  async function summary(args: string[], input?: Buffer | string): Promise<string> {
    const r = await runCli(['scan', '--format', 'jsonl', ...args], input ? { input } : {});
    return r.stderr.split('\n').find((l) => / files \(/.test(l)) ?? r.stderr;
  }

  it('a record over the limit: not said to hold no candidate; the records read are skipped ones', async () => {
    const big = { ...otherServiceCalls(1)[0], userAgent: 'x'.repeat(5000) };
    const text = JSON.stringify({ Records: [...otherServiceCalls(20), big, ...otherServiceCalls(20)] });
    const file = join(DIR, 'over-the-limit.json');
    writeFileSync(file, text);
    writeFileSync(`${file}.gz`, gzipSync(text));
    for (const args of [[file], [`${file}.gz`], ['-']])
      expect([
        args,
        await summary(['--max-record-bytes', LIMIT, ...args], args[0] === '-' ? text : undefined),
      ]).toEqual([
        args,
        expect.stringMatching(
          /\(0 without candidate events, not parsed\), 1 unreadable, 40 records, 0 candidates .* 40 skipped,/,
        ),
      ]);
  });

  it('a gzip cut short: not said to hold no candidate', async () => {
    const gz = gzipSync(JSON.stringify({ Records: otherServiceCalls(200) }));
    const cut = gz.subarray(0, Math.floor(gz.length * 0.6));
    const file = join(DIR, 'cut.json.gz');
    writeFileSync(file, cut);
    for (const args of [[file], ['-']]) {
      const line = await summary(args, args[0] === '-' ? cut : undefined);
      expect([args, line]).toEqual([
        args,
        expect.stringMatching(/\(0 without candidate events, not parsed\), 1 unreadable, \d+ records,/),
      ]);
      const [, records, skipped] = /, (\d+) records, .* (\d+) skipped,/.exec(line) ?? [];
      expect(Number(records)).toBeGreaterThan(0);
      expect(skipped).toBe(records);
    }
  });
});
