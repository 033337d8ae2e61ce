/**
 * Rows of Athena `get-query-results` JSON read in pieces (stdin, a file over the record limit, a
 * gzip inflating past it, a file `JSON.parse` rejects whole): a row is a list of cell values, so an
 * `eventName` key that a cell spells (a caller sets its own user agent) must not make the pre-filter
 * judge the row by its keys. Each shape runs the command both ways (in process, through its `main`): the fast path finds what the
 * whole parse finds.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ATHENA_HEADER, queryResultRows } from '../support/athena-rows.js';
import { runCli } from '../support/cli-run.js';
import {
  layerArn,
  OTHER_ACCOUNT,
  otherServiceCalls,
  updateFunctionConfiguration,
} from '../support/records.js';

const DIR = mkdtempSync(join(tmpdir(), 'layerwatch-athena-rows-'));
afterAll(() => rmSync(DIR, { recursive: true, force: true }));

/** The attack, its user agent (which the caller sets) spelling an `eventName` key. */
const attack = {
  ...updateFunctionConfiguration('orders', { layers: [layerArn('x', 1, OTHER_ACCOUNT)] }),
  userAgent: 'aws-cli/2.27.0 eventName"',
};

/** What `aws athena get-query-results` prints: the header row first, empty cells as `{}`. */
function results(rows: Record<string, unknown>[], nextToken?: string): string {
  return JSON.stringify({
    UpdateCount: 0,
    ResultSet: {
      Rows: queryResultRows(rows),
      ResultSetMetadata: {
        ColumnInfo: ATHENA_HEADER.map((Name) => ({ Name, Type: 'varchar', Nullable: 'UNKNOWN' })),
      },
    },
    ...(nextToken ? { NextToken: nextToken } : {}),
  });
}

/** In process through the CLI's `main` (test/support/cli-run.ts): the same readers as the command. */
async function scan(
  args: string[],
  input?: Buffer | string,
): Promise<{ detections: string[]; summary: string }> {
  const r = await runCli(['scan', '--format', 'jsonl', ...args], input === undefined ? {} : { input });
  const detections = r.stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => `${JSON.parse(l).detectionId} ${JSON.parse(l).severity}`);
  return { detections, summary: r.stderr };
}

/** The fast path and `--no-prefilter` agree, and find the attack. */
async function expectFound(args: string[], input?: Buffer | string): Promise<void> {
  const fast = await scan(args, input);
  const plain = await scan(['--no-prefilter', ...args], input);
  expect(plain.detections).toContain('lambda-layer-added critical');
  expect(fast.detections).toEqual(plain.detections);
}

describe('Athena results read in pieces: a cell spelling an eventName key', () => {
  it('get-query-results piped to stdin', async () => {
    await expectFound(['-'], results([attack]));
  });

  it('a results file over --max-record-bytes, streamed (and the same on stdin)', async () => {
    const text = results([...otherServiceCalls(20), attack], 't'.repeat(1024));
    expect(text.length).toBeGreaterThan(5000);
    const file = join(DIR, 'results.json');
    writeFileSync(file, text);
    await expectFound(['--max-record-bytes', '5000', file]);
    await expectFound(['-'], text);
  });

  it('a gzip of results inflating past the record limit (8 MiB), no flags', async () => {
    const text = results([...otherServiceCalls(12000), attack]);
    expect(text.length).toBeGreaterThan(8 * 1024 * 1024);
    const file = join(DIR, 'results.json.gz');
    writeFileSync(file, gzipSync(text));
    await expectFound([file]);
  });

  it("two queries' results appended one per line (JSON.parse rejects the file whole), no flags", async () => {
    const file = join(DIR, 'two-queries.jsonl');
    writeFileSync(file, `${results(otherServiceCalls(2), 'next')}\n${results([attack])}\n`);
    await expectFound([file]);
  });
});

describe('Athena results in a file read whole: the ResultSet key is found wherever it stands', () => {
  it('after a CloudTrail log file on the line before (JSON.parse rejects the file whole)', async () => {
    const file = join(DIR, 'log-then-results.jsonl');
    const log = JSON.stringify({ Records: otherServiceCalls(40) });
    expect(log.length).toBeGreaterThan(4096);
    writeFileSync(file, `${log}\n${results([attack])}\n`);
    await expectFound([file]);
  });

  it('after another key of more than 4 KiB in its own document', async () => {
    const file = join(DIR, 'late-result-set.json');
    const doc = JSON.parse(results([attack]));
    writeFileSync(file, JSON.stringify({ QueryExecution: { Query: 'x'.repeat(5000) }, ...doc }));
    await expectFound([file]);
  });
});
