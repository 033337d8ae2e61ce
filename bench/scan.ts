/**
 * Scan throughput on the generated corpus, side by side in one run on the same files:
 *   - layerwatch scan (default: pre-filter) and --no-prefilter (the plain path);
 *   - zcat FILES > /dev/null: decompression alone in one stream, the floor;
 *   - zcat FILES | jq: what a responder would otherwise run for the same candidate events.
 * Also checks that both layerwatch paths print the same findings.
 *
 * Run: npm run bench:scan   (results replace the "scan" block of BENCHMARKS.md)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { writeCorpus } from './corpus.js';
import { updateSection } from './markdown.js';

const DIR = process.env.BENCH_CORPUS ?? 'bench/.corpus';
const MB = Number(process.env.BENCH_CORPUS_MB ?? 1100);

function corpus() {
  const marker = `${DIR}/.stats.json`;
  if (existsSync(marker)) {
    const s = JSON.parse(readFileSync(marker, 'utf8'));
    if (s.mb === MB) return s;
  }
  const t0 = performance.now();
  const s = { ...writeCorpus(DIR, MB), mb: MB, seconds: (performance.now() - t0) / 1000 };
  writeFileSync(marker, JSON.stringify(s));
  return s;
}

function timed(label: string, command: string): { label: string; seconds: number; stdout: string } {
  const t0 = performance.now();
  const r = spawnSync('bash', ['-c', command], { encoding: 'utf8', maxBuffer: 1 << 28 });
  const seconds = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`${label} failed (${r.status}): ${r.stderr.slice(0, 500)}`);
  process.stderr.write(`${label}: ${seconds.toFixed(2)} s\n`);
  return { label, seconds, stdout: r.stdout };
}

const JQ_FILTER =
  '.Records[] | select(.eventSource == "lambda.amazonaws.com" and .errorCode == null and ' +
  '(.eventName | startswith("UpdateFunctionConfiguration") or startswith("PublishLayerVersion") or ' +
  'startswith("AddLayerVersionPermission") or (startswith("CreateFunction") and (startswith("CreateFunctionUrl") | not))))';

function main() {
  const s = corpus();
  const files = `find ${DIR} -name '*.json.gz' -print0 | sort -z`;
  // Warm the page cache so that every contender reads from memory.
  timed('warm-up', `${files} | xargs -0 cat > /dev/null`);
  const zcat = timed('zcat > /dev/null', `${files} | xargs -0 zcat > /dev/null`);
  const jq = timed('zcat | jq', `${files} | xargs -0 zcat | jq -c '${JQ_FILTER}' | wc -l`);
  const fast = timed('layerwatch scan', `node bin/layerwatch-cli.mjs scan --format jsonl ${DIR}`);
  const plain = timed(
    'layerwatch scan --no-prefilter',
    `node bin/layerwatch-cli.mjs scan --format jsonl --no-prefilter ${DIR}`,
  );
  const same = fast.stdout === plain.stdout;
  const findings = fast.stdout.split('\n').filter(Boolean).length;
  const gb = s.bytes / 1024 ** 3;
  const rate = (x: { seconds: number }) => `${(s.bytes / 1024 ** 2 / x.seconds).toFixed(0)} MB/s`;
  const table = [
    `Command: \`npm run bench:scan\` (${new Date().toISOString().slice(0, 10)}, ${cpus().length} cores, Node ${process.version}, jq ${spawnSync('jq', ['--version'], { encoding: 'utf8' }).stdout.trim()})`,
    '',
    `Corpus (\`bench/corpus.ts\`, seed 20261122): ${s.files} gzipped files, ${s.records.toLocaleString('en')} records, ${gb.toFixed(2)} GiB uncompressed (${(s.gzBytes / 1024 ** 2).toFixed(0)} MiB gzipped), ${s.layerEvents} layer events planted. Page cache warm.`,
    '',
    '| contender | wall time | throughput (uncompressed) | vs zcat > /dev/null |',
    '| --- | --- | --- | --- |',
    ...[zcat, jq, fast, plain].map(
      (x) =>
        `| ${x.label} | ${x.seconds.toFixed(2)} s | ${rate(x)} | ${(x.seconds / zcat.seconds).toFixed(2)}x |`,
    ),
    '',
    `layerwatch found ${findings} findings for ${s.layerEvents} planted layer events; pre-filter and plain path output identical: ${same ? 'yes' : 'NO'}. zcat | jq: ${(jq.seconds / fast.seconds).toFixed(1)}x slower than layerwatch scan.`,
  ].join('\n');
  process.stdout.write(`${table}\n`);
  if (process.env.BENCH_WRITE !== '0') updateSection('BENCHMARKS.md', 'scan', table);
  if (!same || findings !== s.layerEvents) process.exitCode = 1;
}

main();
