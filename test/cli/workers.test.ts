/**
 * The reader pool: files may be added while the walk still finds them; every file is answered once,
 * whatever the number of threads and batches, and `close` ends when all are.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ReaderPool, type ReaderResult } from '../../lambda/cli/workers.js';
import { layerArn, OTHER_ACCOUNT, otherService, updateFunctionConfiguration } from '../support/records.js';

/** Built by jest's global setup, as the command runs it. */
const SCRIPT = pathToFileURL(join(process.cwd(), 'dist', 'reader.mjs'));

function files(n: number): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'layerwatch-pool-'));
  return Array.from({ length: n }, (_, i) => {
    const path = join(dir, `f${i}.json`);
    const records = [
      otherService(),
      updateFunctionConfiguration(`fn${i}`, { layers: [layerArn('x', 1, OTHER_ACCOUNT)] }),
    ];
    writeFileSync(path, JSON.stringify({ Records: records }));
    return path;
  });
}

async function pooled(paths: readonly string[], threads: number, addLate: boolean) {
  const results: ReaderResult[] = [];
  const pool = new ReaderPool(threads, 8 * 1024 * 1024, (r) => results.push(r), SCRIPT);
  const half = Math.floor(paths.length / 2);
  for (const p of paths.slice(0, half)) pool.add(p);
  // The rest arrives after the first answers may have come back, as from a walk that is still going.
  if (addLate) await new Promise((resolve) => setTimeout(resolve, 50));
  for (const p of paths.slice(half)) pool.add(p);
  await pool.close();
  return {
    files: results.reduce((n, r) => n + r.files, 0),
    // Only the watched call of each file is parsed and classified; the other record is counted unparsed.
    classified: results.reduce((n, r) => n + r.classified.records, 0),
    unparsed: results.reduce((n, r) => n + r.unparsed, 0),
    functions: results
      // Each thread hands back the core's events (it normalises what it reads).
      .flatMap((r) => r.classified.events.map((x) => ('fn' in x.event ? x.event.fn.name : undefined)))
      .filter(Boolean)
      .sort(),
  };
}

describe('ReaderPool', () => {
  const paths = files(70);
  const expected = paths.map((_, i) => `fn${i}`).sort();

  it.each([
    [1, false],
    [2, false],
    [3, true],
    [4, true],
  ])('%d thread(s), files added late: %s: every file answered once', async (threads, late) => {
    expect(await pooled(paths, threads, late)).toEqual({
      files: 70,
      classified: 70,
      unparsed: 70,
      functions: expected,
    });
  });

  it('ends at once with no file', async () => {
    expect(await pooled([], 2, false)).toEqual({ files: 0, classified: 0, unparsed: 0, functions: [] });
  });
});
