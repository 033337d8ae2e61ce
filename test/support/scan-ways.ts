/**
 * Every way `scan` reads an input (whole, in pieces over the record limit, gzipped, on stdin, in a
 * reader thread; with the pre-filter and without), and one scan of a text each way: its summary
 * without the time, exit code and findings, to compare.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { runCli } from './cli-run.js';

export interface Way {
  how: string;
  args: (plain: string, gz: string) => string[];
  stdin?: 'plain' | 'gzip';
}

/** Every way of reading an input, with the pre-filter and without; `limit`: the record limit. */
export function waysOfReading(limit: string): Way[] {
  return [['--prefilter'], ['--no-prefilter']].flatMap(([filter]) => {
    const f = filter === '--no-prefilter' ? ['--no-prefilter'] : [];
    const ways: Way[] = [
      { how: 'whole', args: (p) => [...f, p] },
      { how: 'in pieces (over the record limit)', args: (p) => [...f, '--max-record-bytes', limit, p] },
      { how: 'gzip, whole', args: (_, g) => [...f, g] },
      { how: 'gzip inflating past the limit', args: (_, g) => [...f, '--max-record-bytes', limit, g] },
      { how: 'stdin', args: () => [...f, '-'], stdin: 'plain' },
      { how: 'gzip on stdin', args: () => [...f, '-'], stdin: 'gzip' },
    ];
    // Reader threads run with the pre-filter only.
    if (f.length === 0) {
      ways.push({ how: 'a reader thread', args: (p) => ['--threads', '2', p] });
      ways.push({ how: 'gzip in a reader thread', args: (_, g) => ['--threads', '2', g] });
    }
    return ways.map((w) => ({ ...w, how: `${w.how} ${filter}` }));
  });
}

/** A scan's summary line without its time, its exit code and its findings, on one line. */
export async function scanResult(args: string[], input?: Buffer | string): Promise<string> {
  const r = await runCli(['scan', '--format', 'jsonl', ...args], input === undefined ? {} : { input });
  const summary = (r.stderr.split('\n').find((l) => / files \(/.test(l)) ?? r.stderr)
    .replace(/ in [\d.]+s$/, '')
    .replace(/^layerwatch: 1 files/, 'layerwatch: 1 file');
  const findings = r.stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l).detectionId);
  return `${summary} | exit ${r.code} | ${findings.join(', ')}`;
}

/** `text` scanned every way, written as `name`.json and `name`.json.gz in `dir`. */
export async function scanEveryWay(
  dir: string,
  text: string | Buffer,
  name: string,
  ways: Way[],
): Promise<Map<string, string>> {
  const plain = join(dir, `${name}.json`);
  const gz = join(dir, `${name}.json.gz`);
  writeFileSync(plain, text);
  writeFileSync(gz, gzipSync(text));
  const out = new Map<string, string>();
  for (const way of ways) {
    const input = way.stdin === 'plain' ? text : way.stdin === 'gzip' ? gzipSync(text) : undefined;
    out.set(way.how, await scanResult(way.args(plain, gz), input));
  }
  return out;
}

/** Each way's result, with those equal to the first left out: a failure shows only what differs. */
export function differences(results: Map<string, string>, keep: (how: string) => boolean = () => true) {
  const kept = [...results].filter(([how]) => keep(how));
  const first = kept[0]?.[1];
  return { first, others: kept.filter(([, r]) => r !== first) };
}
