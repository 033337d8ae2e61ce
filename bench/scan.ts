/**
 * Scan throughput on two generated corpora, side by side in one run on the same files:
 *   - `usual`: watched calls rare (most files skipped by the pre-filter);
 *   - `dense`: a watched call in every file, about one record in a hundred (busy accounts);
 * for each, `layerwatch scan` and `zcat FILES > /dev/null` (decompression alone, the floor) in turn,
 * BENCH_ROUNDS times (default 5), and the ratio taken pair by pair, so that it holds when other work
 * slows the machine down; then once each `layerwatch scan --no-prefilter` (the plain path: every file
 * parsed whole) and, on the usual corpus, `zcat FILES | jq` (what a responder would otherwise run).
 * Both layerwatch paths must print the same findings.
 *
 * Then (unless BENCH_MEMORY=0) peak memory on big single files, generated here: one log file of
 * BENCH_BIG_MB (default 1024) on a single line, and a gzip that inflates to BENCH_GZ_MB (default
 * 900), each scanned under /usr/bin/time -v; every planted event must be found.
 *
 * Run: npm run bench:scan   (results replace the "scan" and "scan-memory" blocks of BENCHMARKS.md)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeBigLogFile, writeCorpus } from './corpus.js';
import { machine, updateSection } from './markdown.js';

const DIR = process.env.BENCH_CORPUS ?? 'bench/.corpus';
const DENSE_DIR = process.env.BENCH_DENSE_CORPUS ?? `${DIR}-dense`;
const MB = Number(process.env.BENCH_CORPUS_MB ?? 1100);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
/** The dense corpus: one record in a hundred is a watched call, in every file. */
const DENSE_RATE = 0.01;

interface Corpus {
  dir: string;
  files: number;
  records: number;
  bytes: number;
  gzBytes: number;
  layerEvents: number;
}

function corpus(dir: string, watchedRate: number): Corpus {
  const marker = `${dir}/.stats.json`;
  if (existsSync(marker)) {
    const s = JSON.parse(readFileSync(marker, 'utf8'));
    if (s.mb === MB && (s.watchedRate ?? 0) === watchedRate) return { ...s, dir };
  }
  const s = { ...writeCorpus(dir, MB, 20261122, 0.00005, watchedRate), mb: MB, watchedRate };
  writeFileSync(marker, JSON.stringify(s));
  return { ...s, dir };
}

interface Timed {
  label: string;
  seconds: number;
  /** User + system CPU seconds of the whole command (all its processes and threads). */
  cpu: number;
  stdout: string;
}

/** Wall and CPU time of one command; CPU time holds better than wall time on a shared machine. */
function timed(label: string, command: string): Timed {
  const cpuFile = join(tmpdir(), `layerwatch-bench-cpu-${process.pid}`);
  const t0 = performance.now();
  const r = spawnSync(TIME, ['-f', '%U %S', '-o', cpuFile, 'bash', '-c', command], {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  const seconds = (performance.now() - t0) / 1000;
  if (r.error) throw new Error(`${TIME} is needed for the CPU figures (apt-get install time)`);
  if (r.status !== 0) throw new Error(`${label} failed (${r.status}): ${r.stderr.slice(0, 500)}`);
  const [user, sys] = readFileSync(cpuFile, 'utf8').trim().split(/\s+/).slice(-2).map(Number);
  rmSync(cpuFile, { force: true });
  const cpu = (user ?? Number.NaN) + (sys ?? Number.NaN);
  process.stderr.write(`${label}: ${seconds.toFixed(2)} s wall, ${cpu.toFixed(2)} s CPU\n`);
  return { label, seconds, cpu, stdout: r.stdout };
}

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((x, y) => x - y);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

const JQ_FILTER =
  '.Records[] | select(.eventSource == "lambda.amazonaws.com" and .errorCode == null and ' +
  '(.eventName | startswith("UpdateFunctionConfiguration") or startswith("PublishLayerVersion") or ' +
  'startswith("AddLayerVersionPermission") or (startswith("CreateFunction") and (startswith("CreateFunctionUrl") | not))))';

const BIG_MB = Number(process.env.BENCH_BIG_MB ?? 1024);
const GZ_MB = Number(process.env.BENCH_GZ_MB ?? 900);
const TIME = '/usr/bin/time';

/** Peak RSS and wall time of one scan of one big file; checks that every planted event is found. */
function peak(label: string, file: string, planted: number) {
  const command = `node bin/layerwatch-cli.mjs scan --format jsonl ${file}`;
  const r = spawnSync(TIME, ['-v', 'bash', '-c', command], { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.error) throw new Error(`${TIME} is needed for the memory figures (apt-get install time)`);
  const rss = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr)?.[1] ?? Number.NaN);
  const wall = /Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): ([\d:.]+)/.exec(r.stderr)?.[1] ?? '?';
  const found = r.stdout.split('\n').filter(Boolean).length;
  process.stderr.write(
    `${label}: peak RSS ${(rss / 1024).toFixed(0)} MiB, ${wall}, ${found}/${planted} found\n`,
  );
  return { label, rss, wall, found, planted, ok: r.status === 0 && found === planted };
}

function memory(): { lines: string[]; ok: boolean } {
  // Outside the corpus folder and the repository: gigabytes that must never be scanned or committed.
  const dir = mkdtempSync(join(tmpdir(), 'layerwatch-bench-big-'));
  const runs = [];
  try {
    const plain = join(dir, 'one-line.json');
    const p = writeBigLogFile(plain, BIG_MB, false, 1);
    runs.push(peak(`single-line log file, ${(p.bytes / 1024 ** 2).toFixed(0)} MiB`, plain, p.layerEvents));
    rmSync(plain);
    const gz = join(dir, 'inflates.json.gz');
    const g = writeBigLogFile(gz, GZ_MB, true, 2);
    const label = `gzip of ${(statSync(gz).size / 1024 ** 2).toFixed(0)} MiB inflating to ${(g.bytes / 1024 ** 2).toFixed(0)} MiB`;
    runs.push(peak(label, gz, g.layerEvents));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return {
    ok: runs.every((x) => x.ok),
    lines: [
      'Peak memory on one big file (generated by `writeBigLogFile` in `bench/corpus.ts`; `/usr/bin/time -v node bin/layerwatch-cli.mjs scan --format jsonl FILE`, limit 256 MiB):',
      '',
      '| file | peak RSS | wall time | layer events found |',
      '| --- | --- | --- | --- |',
      ...runs.map(
        (x) => `| ${x.label} | ${(x.rss / 1024).toFixed(0)} MiB | ${x.wall} | ${x.found} of ${x.planted} |`,
      ),
    ],
  };
}

interface Row {
  label: string;
  seconds: number;
  cpu: number;
  ratio: string;
  cpuRatio: string;
}

const pairs = (xs: readonly number[]) =>
  `**${median(xs).toFixed(2)}x** (pairs ${Math.min(...xs).toFixed(2)}-${Math.max(...xs).toFixed(2)})`;

/** One corpus: the scan and zcat in turn, then the plain path (and jq) once. */
function contenders(c: Corpus, name: string, jq: boolean): { rows: Row[]; same: boolean; findings: number } {
  const files = `find ${c.dir} -name '*.json.gz' -print0 | sort -z`;
  // Warm the page cache so that every contender reads from memory.
  timed(`${name}: warm-up`, `${files} | xargs -0 cat > /dev/null`);
  const zcat: Timed[] = [];
  const scan: Timed[] = [];
  for (let r = 0; r < ROUNDS; r += 1) {
    zcat.push(timed(`${name}: zcat > /dev/null`, `${files} | xargs -0 zcat > /dev/null`));
    scan.push(timed(`${name}: layerwatch scan`, `node bin/layerwatch-cli.mjs scan --format jsonl ${c.dir}`));
  }
  const z = { seconds: median(zcat.map((x) => x.seconds)), cpu: median(zcat.map((x) => x.cpu)) };
  const plain = timed(
    `${name}: layerwatch scan --no-prefilter`,
    `node bin/layerwatch-cli.mjs scan --format jsonl --no-prefilter ${c.dir}`,
  );
  const once = (x: Timed): Row => ({
    label: x.label.slice(name.length + 2).replace('|', '\\|'),
    seconds: x.seconds,
    cpu: x.cpu,
    ratio: `${(x.seconds / z.seconds).toFixed(2)}x (one run)`,
    cpuRatio: `${(x.cpu / z.cpu).toFixed(2)}x (one run)`,
  });
  const rows: Row[] = [
    { label: 'zcat > /dev/null', ...z, ratio: '1.00x', cpuRatio: '1.00x' },
    {
      label: 'layerwatch scan',
      seconds: median(scan.map((x) => x.seconds)),
      cpu: median(scan.map((x) => x.cpu)),
      ratio: pairs(scan.map((x, i) => x.seconds / (zcat[i] as Timed).seconds)),
      cpuRatio: pairs(scan.map((x, i) => x.cpu / (zcat[i] as Timed).cpu)),
    },
    once(plain),
  ];
  if (jq)
    rows.push(once(timed(`${name}: zcat | jq`, `${files} | xargs -0 zcat | jq -c '${JQ_FILTER}' | wc -l`)));
  const stdout = scan[scan.length - 1]?.stdout ?? '';
  return {
    rows,
    same: scan.every((x) => x.stdout === plain.stdout),
    findings: stdout.split('\n').filter(Boolean).length,
  };
}

function main() {
  const usual = corpus(DIR, 0);
  const dense = corpus(DENSE_DIR, DENSE_RATE);
  const u = contenders(usual, 'usual', true);
  const d = contenders(dense, 'dense', false);
  const size = (c: Corpus) =>
    `${c.files} gzipped files, ${c.records.toLocaleString('en')} records, ${(c.bytes / 1024 ** 3).toFixed(2)} GiB uncompressed (${(c.gzBytes / 1024 ** 2).toFixed(0)} MiB gzipped), ${c.layerEvents} layer events planted`;
  const rate = (c: Corpus, x: Row) => `${(c.bytes / 1024 ** 2 / x.seconds).toFixed(0)} MB/s`;
  const table = [
    `Command: \`npm run bench:scan\` (${new Date().toISOString().slice(0, 10)}, ${machine()}, Node ${process.version}, jq ${spawnSync('jq', ['--version'], { encoding: 'utf8' }).stdout.trim()}; load average ${loadavg()[0]?.toFixed(1)} at the end)`,
    '',
    `Corpora (\`bench/corpus.ts\`, seed 20261122; page cache warm): **usual**, ${size(usual)}; **dense** (a watched call in every file, one record in ${Math.round(1 / DENSE_RATE)}), ${size(dense)}. The scan and \`zcat\` ran in turn ${ROUNDS} times on each corpus; each ratio is the median of the ${ROUNDS} pairs (CPU: user + system of every process and thread).`,
    '',
    '| corpus | contender | wall time (median) | throughput (uncompressed) | wall vs zcat > /dev/null | CPU time (median) | CPU vs zcat > /dev/null |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...u.rows.map(
      (x) =>
        `| usual | ${x.label} | ${x.seconds.toFixed(2)} s | ${rate(usual, x)} | ${x.ratio} | ${x.cpu.toFixed(2)} s | ${x.cpuRatio} |`,
    ),
    ...d.rows.map(
      (x) =>
        `| dense | ${x.label} | ${x.seconds.toFixed(2)} s | ${rate(dense, x)} | ${x.ratio} | ${x.cpu.toFixed(2)} s | ${x.cpuRatio} |`,
    ),
    '',
    `Usual: ${u.findings} findings for ${usual.layerEvents} planted layer events; dense: ${d.findings} findings for ${dense.layerEvents}. Pre-filter (record-level) and plain path output identical: ${u.same && d.same ? 'yes' : 'NO'}.`,
  ];
  const text = table.join('\n');
  process.stdout.write(`${text}\n`);
  const write = process.env.BENCH_WRITE !== '0';
  if (write) updateSection('BENCHMARKS.md', 'scan', text);
  let ok = u.same && d.same && u.findings === usual.layerEvents && d.findings === dense.layerEvents;
  if (process.env.BENCH_MEMORY !== '0') {
    const big = memory();
    process.stdout.write(`${big.lines.join('\n')}\n`);
    if (write) updateSection('BENCHMARKS.md', 'scan-memory', big.lines.join('\n'));
    ok = ok && big.ok;
  }
  if (!ok) process.exitCode = 1;
}

main();
