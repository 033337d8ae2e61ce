/**
 * Athena CSV or JSON: the format is told from the first line after any leading blanks, the same on
 * every read path (whole, streamed, gzipped, standard input). A first line that is a JSON value is
 * JSON, even when it also reads as a CSV header naming Athena's columns: that file is read as JSON
 * Lines and reported (exit 2), never silently read as the CSV under which its events vanish.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { HEADER_WINDOW, inputFormat } from '../../lambda/cli/athena.js';
import { CsvParser } from '../../lambda/cli/csv.js';
import { firstByte } from '../../lambda/cli/input-format.js';
import { readStream } from '../../lambda/cli/readers.js';
import type { SourceProblem, SourceRecord } from '../../lambda/cli/source-types.js';
import { athenaRow, csvField, ATHENA_HEADER as HEADER } from '../support/athena-rows.js';
import { runCli } from '../support/cli-run.js';
import { layerArn, OTHER_ACCOUNT, otherService, updateFunctionConfiguration } from '../support/records.js';

const attack = () => updateFunctionConfiguration('payments', { layers: [layerArn('x', 7, OTHER_ACCOUNT)] });

/** Every way `scan` reads an input: whole, pre-filter off, streamed, gzipped (whole and streamed), stdin. */
async function everyPath(
  text: string,
): Promise<Record<string, { code: number; findings: number; err: string }>> {
  const dir = mkdtempSync(join(tmpdir(), 'lw-format-'));
  const plain = join(dir, 'in.jsonl');
  const gz = join(dir, 'in.jsonl.gz');
  writeFileSync(plain, text);
  writeFileSync(gz, gzipSync(text));
  const runs = {
    whole: ['scan', '--format', 'jsonl', plain],
    noPrefilter: ['scan', '--format', 'jsonl', '--no-prefilter', plain],
    streamed: ['scan', '--format', 'jsonl', '--max-record-bytes', '8192', plain],
    gzip: ['scan', '--format', 'jsonl', gz],
    gzipStreamed: ['scan', '--format', 'jsonl', '--max-record-bytes', '8192', gz],
    stdin: ['scan', '--format', 'jsonl', '-'],
  };
  const out: Record<string, { code: number; findings: number; err: string }> = {};
  for (const [path, args] of Object.entries(runs)) {
    const r = await runCli(args, path === 'stdin' ? { input: text } : {});
    out[path] = { code: r.code, findings: r.stdout.split('\n').filter(Boolean).length, err: r.stderr };
  }
  return out;
}

/** Benign JSON Lines after the attack: the file is over --max-record-bytes, so "streamed" streams it. */
const padding = () => Array.from({ length: 40 }, () => JSON.stringify(otherService())).join('\n');

const csvText = (records: Parameters<typeof athenaRow>[0][]) =>
  `${[HEADER, ...records.map(athenaRow)].map((row) => row.map(csvField).join(',')).join('\n')}\n`;

describe('firstByte', () => {
  it.each([
    ['', { at: 0, line: 1 }],
    [' \t\r', { at: 3, line: 1 }],
    ['\n\r\n \n', { at: 5, line: 4 }],
    ['\n \n\t{"a":1}\n\n', { at: 4, line: 3 }],
    ['x\n\n', { at: 0, line: 1 }],
    ['\f\n', { at: 0, line: 1 }],
  ])('%j', (text, expected) => {
    expect(firstByte(Buffer.from(text))).toEqual(expected);
  });
});

describe('inputFormat', () => {
  it.each([
    ['an Athena header, quoted', '"eventversion","eventid","eventname"\n"1"', true, 'csv'],
    ['an Athena header, bare, the whole input', 'eventid,eventtime,eventname', false, 'csv'],
    [
      'an Athena header ending in a bare CR, more to come',
      `eventid,eventname\r"1","2"\r${'x'.repeat(HEADER_WINDOW)}`,
      true,
      'csv',
    ],
    ['a JSON object', '{"eventid":1,"eventname":2}\n', true, 'json'],
    ['a JSON string naming the columns', '"x\\",eventsource,eventid,eventname,\\""\n{}', true, 'ambiguous'],
    ['a JSON string of the two names', '"eventid,eventname"\n{}', true, 'ambiguous'],
    [
      'a JSON string naming the columns, then an object',
      '"a,eventid,eventname,b" {"x":1}\n',
      true,
      'ambiguous',
    ],
    ['JSON strings concatenated without a blank', '"a,eventid,eventname,b""x"[1]\n', true, 'ambiguous'],
    ['a JSON string naming the columns, then text', '"a,eventid,eventname,b" x\n', true, 'csv'],
    [
      'a JSON string naming the columns, then an unclosed object',
      '"a,eventid,eventname,b" {"a":\n',
      true,
      'csv',
    ],
    [
      'a header line that does not end within the window',
      `eventid,eventname,${'a,'.repeat(HEADER_WINDOW)}`,
      true,
      'json',
    ],
    ['a line without the columns', 'a,b,c\n', true, 'json'],
  ])('%s', (_, text, more, format) => {
    expect(inputFormat(text.slice(0, HEADER_WINDOW), more)).toBe(format);
  });
});

const AMBIGUOUS =
  /line 1: the first line is JSON \(one value or several\) that also reads as an Athena CSV header/;

describe('a JSON Lines file whose first line reads as an Athena CSV header', () => {
  it.each([
    ['"x\\",eventsource,eventid,eventname,\\""', 'turns the record into an ignored one as CSV'],
    ['"eventid,eventname"', 'makes the record malformed as CSV'],
  ])('%s (%s) is read as JSON Lines on every path and reported', async (line) => {
    const runs = await everyPath(`${line}\n${JSON.stringify(attack())}\n${padding()}\n`);
    for (const [path, r] of Object.entries(runs)) {
      expect({ path, code: r.code, findings: r.findings }).toEqual({ path, code: 2, findings: 1 });
      expect(r.err).toMatch(AMBIGUOUS);
      expect(r.err).toMatch(/ 1 ambiguous \(event arrays named twice, a JSON line that reads as CSV\)/);
    }
  });

  it('a JSON string naming the columns with the record after it on the same line (concatenated JSON) is read as JSON on every path', async () => {
    const runs = await everyPath(`"a,eventid,eventname,b" ${JSON.stringify(attack())}\n${padding()}\n`);
    for (const [path, r] of Object.entries(runs)) {
      expect({ path, code: r.code, findings: r.findings }).toEqual({ path, code: 2, findings: 1 });
      expect(r.err).toMatch(AMBIGUOUS);
    }
  });
});

describe('an Athena CSV', () => {
  it('after more than a chunk of blank lines is CSV on every path', async () => {
    const runs = await everyPath(`${'\n'.repeat(1_100_000)}${csvText([otherService(), attack()])}`);
    for (const [path, r] of Object.entries(runs))
      expect({ path, code: r.code, findings: r.findings }).toEqual({ path, code: 0, findings: 1 });
  });

  it('streamed in pieces that cut its header apart is CSV', async () => {
    const bytes = Buffer.from(`\ufeff \r\n${csvText([otherService(), attack()])}`);
    const pieces = Array.from({ length: Math.ceil(bytes.length / 7) }, (_, i) =>
      bytes.subarray(i * 7, i * 7 + 7),
    );
    const problems: SourceProblem[] = [];
    const records: SourceRecord[] = [];
    await readStream('r.csv', Readable.from(pieces), problems, (rs) => records.push(...rs), {
      prefilter: true,
      maxRecordBytes: 1024 * 1024,
    });
    expect(problems).toEqual([]);
    expect(records.map((r) => r.position)).toEqual(['row 1', 'row 2']);
  });

  it('whose first line is over the window is not taken for CSV', async () => {
    const runs = await everyPath(
      `eventid,eventname,${'x,'.repeat(HEADER_WINDOW)}\n${JSON.stringify(attack())}\n${padding()}\n`,
    );
    for (const [path, r] of Object.entries(runs))
      expect({ path, code: r.code, findings: r.findings }).toEqual({ path, code: 2, findings: 1 });
  });
});

describe('an input that is one Athena header line, without a line end', () => {
  // Read whole, the window holds the line and nothing follows it; streamed, the window filling up
  // must not be taken for more to come: a line of exactly the window is CSV both ways.
  it.each([
    [HEADER_WINDOW - 1, 'csv'],
    [HEADER_WINDOW, 'csv'],
    [HEADER_WINDOW + 1, 'json'],
  ])('of %i bytes is read the same on every path (%s)', async (length, format) => {
    const line = `eventid,eventname,${'x'.repeat(length - 'eventid,eventname,'.length)}`;
    expect(Buffer.byteLength(line)).toBe(length);
    const runs = await everyPath(line);
    const expected = format === 'csv' ? { code: 0, findings: 0 } : { code: 2, findings: 0 };
    for (const [path, r] of Object.entries(runs)) {
      expect({ path, code: r.code, findings: r.findings }).toEqual({ path, ...expected });
    }
  });
});

describe('a CSV row Athena did not write', () => {
  it.each([
    ['a quote inside an unquoted field', 'a,b"c"\n', true],
    ['text after a closing quote', '"a"b,c\n', true],
    ['a JSON object line', '{"eventName":"x","a":1}\n', true],
    ['quoted fields, doubled quotes, empty fields', '"a","b""c",,""\n', false],
    ['bare fields', 'a,b,c\n', false],
  ])('%s: irregular %s', (_, text, irregular) => {
    for (const size of [1, 3, text.length]) {
      const parser = new CsvParser();
      const rows: string[][] = [];
      for (let i = 0; i < text.length; i += size) rows.push(...parser.push(text.slice(i, i + size)));
      rows.push(...parser.end());
      expect(rows.map((r) => parser.irregularRows.has(r))).toEqual([irregular]);
    }
  });

  it('a JSON line under a CSV header that is not JSON is reported on every path, not read as a row', async () => {
    const runs = await everyPath(
      `eventid,eventname,eventsource\n${JSON.stringify(attack())}\n${padding()}\n`,
    );
    for (const [path, r] of Object.entries(runs)) {
      expect({ path, code: r.code }).toEqual({ path, code: 2 });
      expect(r.err).toMatch(/row 1: not read: not CSV as Athena writes it/);
    }
  });
});
