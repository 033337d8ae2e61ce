/**
 * A log file that is not JSON is read as the plain path reads it, whatever its bytes make of the
 * record-level pass: the plain path fails to parse it whole, cuts it apart and resumes after each
 * syntax error at the next line that opens a document, so a record on a line of its own is found
 * there. A stray quote or a line break inside a string must not hide that record from the
 * pre-filtered paths (whole, gzipped, in a folder, on reader threads), nor may a syntax error in an
 * element the pass leaves unparsed, before a line that a reader resuming there reads otherwise.
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { prng } from '../../bench/markdown.js';
import { queryResultRows } from '../support/athena-rows.js';
import {
  layerArn,
  OTHER_ACCOUNT,
  otherServiceCalls,
  updateFunctionConfiguration,
} from '../support/records.js';
import { differences, scanEveryWay, scanResult, waysOfReading } from '../support/scan-ways.js';

const DIR = mkdtempSync(join(tmpdir(), 'layerwatch-scan-not-json-'));
afterAll(() => rmSync(DIR, { recursive: true, force: true }));

const attackRecord = () =>
  updateFunctionConfiguration('orders', { layers: [layerArn('x', 1, OTHER_ACCOUNT)] });
const attack = () => JSON.stringify(attackRecord());
const WAYS = waysOfReading('4096');
const lines = (...xs: string[]) => xs.join('\n');

/** Each case: a file whose attack the plain path finds (with a problem: the file is not JSON). */
const CASES: [string, () => string][] = [
  // A quote opens a string the line break ends, for JSON; for a pass that only counts quotes, the
  // record's keys are string content and its strings are keys.
  [
    'a line break inside a string, before a record on its own line',
    () => lines('{"Records":[{"a":"', attack(), '"}]}'),
  ],
  ['the same in lookup-events output', () => lines('{"Events":[{"CloudTrailEvent":"', attack(), '"}]}')],
  [
    'the same after other records',
    () =>
      `{"Records":[${otherServiceCalls(30)
        .map((r) => JSON.stringify(r))
        .join(',')},{"a":"\n${attack()}\n"}]}`,
  ],
  // No string out of step: a syntax error in an element left unparsed, then a line that a reader
  // resuming there reads as a document of its own.
  [
    'a record nested in a parsed element, on a line of its own',
    () => lines('{"Records":[{"a":1 x},{"b":', attack(), '}]}'),
  ],
  [
    'a log file nested in an element, on a line of its own',
    () => lines('{"Records":[{"a":1 x},{"b":', `{"Records":[${attack()}]}`, '}]}'),
  ],
  [
    'an element that is itself a log file, on a line of its own',
    () => lines('{"Records":[{"a":1 x},', `{"Records":[${attack()}]}`, ']}'),
  ],
  [
    'a lookup-events element that is itself an event, on a line of its own',
    () => lines('{"Events":[{"a":1 x},', `${attack().slice(0, -1)},"CloudTrailEvent":"{}"}`, ']}'),
  ],
  [
    'Athena results in an unparsed element, on a line of its own',
    () =>
      lines(
        '{"Records":[{"a":1 x},',
        JSON.stringify({ ResultSet: { Rows: queryResultRows([attackRecord()]) } }),
        ']}',
      ),
  ],
];

/** Files that are not JSON where no finding is to be had, read alike (a problem, exit 2) every way. */
const NO_FINDING: [string, () => string][] = [
  // A stray quote on one line: the record's keys look like string content to a pass that counts quotes.
  // Two stray quotes on one line: the record's keys look like string content to a pass that counts
  // quotes, and its strings like keys.
  ['stray quotes on one line', () => `{"Records":[{"a":"x"",${attack().slice(1, -1)},"z":"y""}]}`],
];

describe('a log file that is not JSON', () => {
  it.each(CASES)('%s: the attack is found every way, as without the pre-filter', async (name, text) => {
    const results = await scanEveryWay(DIR, text(), name.replace(/\W+/g, '-'), WAYS);
    const plain = results.get('whole --no-prefilter');
    expect(plain).toMatch(/ [1-9]\d* not JSON, .* \| exit 2 \| lambda-layer-added$/);
    const found = (r: string | undefined) => r?.replace(/^.* \| exit /, 'exit ');
    for (const [how, r] of results) expect([how, found(r)]).toEqual([how, found(plain)]);
  });

  it.each(NO_FINDING)('%s: reported every way, as without the pre-filter', async (name, text) => {
    const results = await scanEveryWay(DIR, text(), name.replace(/\W+/g, '-'), WAYS);
    const { first, others } = differences(results, (how) => !/pieces|inflating|stdin/.test(how));
    expect(first).toMatch(/ [1-9]\d* not JSON, .* \| exit 2 \| $/);
    expect(others).toEqual([]);
  });

  it('with a raw control byte in a string before an attack: found every way', async () => {
    const text = `{"Records":[{"a":"x\u0001"},\n${attack()}]}`;
    const results = await scanEveryWay(DIR, text, 'control-byte', WAYS);
    const findings = (r: string | undefined) => r?.replace(/^.* \| /, '');
    for (const [how, r] of results) expect([how, findings(r)]).toEqual([how, 'lambda-layer-added']);
    expect(results.get('whole --no-prefilter')).toMatch(/ 1 not JSON, .* \| exit 2 \| /);
  });

  it('among example logs in a folder, read on reader threads or not: found as without the pre-filter', async () => {
    const folder = join(DIR, 'trail');
    cpSync(join(__dirname, '..', '..', 'examples', 'cloudtrail'), folder, { recursive: true });
    const logs = join(folder, 'AWSLogs', '111122223333', 'CloudTrail', 'us-east-1', '2026', '03', '14');
    for (const [i, [, text]] of CASES.entries())
      writeFileSync(join(logs, `hostile-${i}.json.gz`), gzipSync(text()));
    // Enough files that reader threads are used by default, too.
    mkdirSync(join(folder, 'more'));
    for (let i = 0; i < 16; i += 1)
      writeFileSync(join(folder, 'more', `f${i}.json.gz`), gzipSync(`{"Records":[{"a":"\n${attack()}\n"}]}`));
    const plain = await scanResult(['--no-prefilter', folder]);
    expect(plain).toMatch(/ \| exit 2 \| .*lambda-layer-added/);
    for (const args of [[folder], ['--threads', '1', folder], ['--threads', '2', folder]])
      expect([args, await scanResult(args)]).toEqual([args, plain]);
  });
});

/** Bytes that put a reader out of step, or are not JSON. */
const INSERTED = ['"', '"\n', '\n"', '\n', '\u0001', '\\', '\\u', ' x', '{', '}', ',\n', ':'];

/** A log file holding an attack (maybe nested in another element), records on lines of their own or not. */
function log(random: () => number): string {
  const records = otherServiceCalls(1 + Math.floor(random() * 4)).map((r) => JSON.stringify(r));
  const nested = random() < 0.3 ? `{"b":\n${attack()}\n}` : attack();
  records.splice(Math.floor(random() * (records.length + 1)), 0, nested);
  return `{"Records":[${records.join(pick(random, [',', ',\n', '\n,\n']))}]}`;
}

function pick<T>(random: () => number, xs: readonly T[]): T {
  return xs[Math.floor(random() * xs.length)] as T;
}

/** A few of those bytes put in: at random, or where a line or an element starts or ends. */
function hostile(random: () => number): string {
  let text = log(random);
  for (let k = 1 + Math.floor(random() * 3); k > 0; k -= 1) {
    const from = 12 + Math.floor(random() * (text.length - 12));
    const near = pick(random, [
      from,
      text.indexOf('{', from),
      text.indexOf('\n', from),
      text.indexOf('}', from),
    ]);
    const at = near < 12 ? from : near + (random() < 0.5 ? 0 : 1);
    text = text.slice(0, at) + pick(random, INSERTED) + text.slice(at);
  }
  return text;
}

describe('a log file with an attack, a few bytes put in at random', () => {
  it('never reads as holding no finding, exit 0, where the plain path finds one', async () => {
    const random = prng(20261208);
    const file = join(DIR, 'fuzz.json');
    let found = 0;
    for (let n = 0; n < 300; n += 1) {
      const text = hostile(random);
      writeFileSync(file, text);
      const plain = await scanResult(['--no-prefilter', file]);
      if (!plain.endsWith('lambda-layer-added')) continue;
      found += 1;
      const fast = await scanResult([file]);
      expect([text, fast]).not.toEqual([text, expect.stringMatching(/ \| exit 0 \| $/)]);
    }
    // Most damaged files still hold a record the plain path finds.
    expect(found).toBeGreaterThan(100);
  });
});
