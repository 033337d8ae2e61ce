/**
 * Layer inspection: bytes fetched, requests, time and peak memory to inspect a 50 MB layer
 * (generated here) by Range reads, against the fallback that downloads the whole archive (a server
 * that ignores Range), both from a local HTTP server on loopback. Each contender runs in its own
 * process so that peak RSS is its own. Also: how fast a decompression bomb is refused.
 *
 * Run: npx tsx bench/inspect.ts   (results replace the "inspect" block of BENCHMARKS.md;
 * BENCH_INSPECT_MB sets the layer size, BENCH_WRITE=0 leaves BENCHMARKS.md alone)
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { LayerArchiveReader } from '../lambda/adapters/layer-archive-reader.js';
import { sha256Base64 } from '../lambda/adapters/layer-archive-source.js';
import { runInspect } from '../lambda/cli/inspect.js';
import { buildZip, serveZip, type ZipEntrySpec, zerosDeflated } from '../test/support/zips.js';
import { prng, updateSection } from './markdown.js';

const MB = Number(process.env.BENCH_INSPECT_MB ?? 50);
const RUNS = Number(process.env.BENCH_INSPECT_RUNS ?? 5);

/** A Python layer: many small modules, native libraries (incompressible), and three hooks. */
function layer(megabytes: number): Buffer {
  const random = prng(20261201);
  const specs: ZipEntrySpec[] = [
    { path: 'python/sitecustomize.py', data: 'import os\n' },
    { path: 'extensions/collector', data: elf(4096, random), mode: 0o755 },
    { path: 'python/lib/python3.12/site-packages/zz.pth', data: 'import os; os.system("id")\n' },
  ];
  let size = 0;
  for (let i = 0; size < megabytes * 1024 * 1024 * 0.7; i++) {
    const so = elf(256 * 1024, random);
    specs.push({
      path: `python/lib/python3.12/site-packages/pkg${i}/_native.cpython-312-x86_64-linux-gnu.so`,
      data: so,
      mode: 0o755,
    });
    size += so.length;
    for (let j = 0; j < 20; j++) {
      const code = `def f${j}(x):\n    return x * ${Math.floor(random() * 1000)}\n`.repeat(
        40 + Math.floor(random() * 200),
      );
      specs.push({ path: `python/lib/python3.12/site-packages/pkg${i}/m${j}.py`, data: code });
      size += code.length / 5;
    }
  }
  return buildZip(specs);
}

function elf(bytes: number, random: () => number): Buffer {
  const b = Buffer.alloc(bytes);
  for (let i = 0; i < bytes; i++) b[i] = Math.floor(random() * 256);
  b.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0x3e, 0]);
  return b;
}

interface Measure {
  ms: number;
  bytes: number;
  requests: number;
  maxRssMb: number;
  signals: string;
}

/** Child process: one inspection against the URL, printed as JSON. */
async function child(url: string, size: number, sha: string): Promise<void> {
  const t0 = performance.now();
  const r = await new LayerArchiveReader({
    budget: { maxBytes: 256 * 1024 * 1024, timeoutMs: 60_000 },
  }).inspectArchive({ url, size, codeSha256: sha }, null);
  const ms = performance.now() - t0;
  if (r.status !== 'inspected') throw new Error(`not inspected: ${JSON.stringify(r.report.gaps)}`);
  const out: Measure = {
    ms,
    bytes: r.transfer.bytes,
    requests: r.transfer.requests,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    signals: r.report.signals.map((s) => `${s.id}:${s.path}`).join(','),
  };
  process.stdout.write(JSON.stringify({ ...out, mode: r.transfer.mode }));
}

function run(
  command: string,
  args: string[],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('error', reject);
    p.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

async function contender(zip: Buffer, mode: 'range' | 'no-range'): Promise<Measure & { mode: string }> {
  const server = await serveZip(zip, mode);
  try {
    const runs: (Measure & { mode: string })[] = [];
    for (let i = 0; i < RUNS; i++) {
      // Asynchronous: the server answers from this process's event loop.
      const r = await run(process.execPath, [
        '--import',
        'tsx',
        'bench/inspect.ts',
        '--child',
        server.url,
        String(zip.length),
        sha256Base64(zip),
      ]);
      if (r.code !== 0) throw new Error(`child failed: ${r.stderr.slice(0, 800)}`);
      runs.push(JSON.parse(r.stdout));
    }
    const first = runs[0] as Measure & { mode: string };
    return { ...first, ms: median(runs.map((r) => r.ms)), maxRssMb: median(runs.map((r) => r.maxRssMb)) };
  } finally {
    await server.close();
  }
}

async function bomb(): Promise<{ ms: number; declared: number; size: number; refused: boolean }> {
  const zip = buildZip([
    { path: 'python/zeros.bin', deflated: zerosDeflated(1024 ** 3) },
    { path: 'python/x.pth', data: 'import os\n' },
  ]);
  const file = join(mkdtempSync(join(tmpdir(), 'lw-bench-')), 'bomb.zip');
  writeFileSync(file, zip);
  let out = '';
  const t0 = performance.now();
  await runInspect(['--format', 'jsonl', file], {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: () => true },
  });
  const ms = performance.now() - t0;
  const report = JSON.parse(out);
  return {
    ms,
    declared: report.uncompressedBytes,
    size: zip.length,
    refused: report.signals[0]?.id === 'unsafe-archive',
  };
}

async function main() {
  const t0 = performance.now();
  const zip = layer(MB);
  process.stderr.write(
    `layer: ${(zip.length / 1024 ** 2).toFixed(1)} MiB in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`,
  );
  const range = await contender(zip, 'range');
  const full = await contender(zip, 'no-range');
  const b = await bomb();
  const same = range.signals === full.signals;
  const mib = (n: number) => `${(n / 1024 ** 2).toFixed(2)} MiB`;
  const row = (name: string, m: Measure) =>
    `| ${name} | ${m.bytes.toLocaleString('en-US')} B (${mib(m.bytes)}) | ${m.requests} | ${m.ms.toFixed(0)} ms | ${m.maxRssMb.toFixed(0)} MB |`;
  const table = [
    `Command: \`npx tsx bench/inspect.ts\` (${new Date().toISOString().slice(0, 10)}, ${cpus().length} cores, Node ${process.version}; local HTTP server on loopback; median of ${RUNS} runs, each in a fresh process)`,
    '',
    `Layer (generated, seed 20261201): ${mib(zip.length)} zipped, ${range.signals.split(',').length} signals (sitecustomize, .pth, extension, native code).`,
    '',
    '| contender | bytes fetched | requests | time to inspect | peak RSS of the process |',
    '| --- | --- | --- | --- | --- |',
    row('Range reads', range),
    row('whole download (server ignores Range), CodeSha256 checked', full),
    '',
    `Range reads fetched ${((range.bytes / zip.length) * 100).toFixed(2)} % of the archive; same signals both ways: ${same ? 'yes' : 'NO'}.`,
    `Decompression bomb (${mib(b.size)} zip declaring ${(b.declared / 1024 ** 3).toFixed(2)} GiB): refused from its central directory in ${b.ms.toFixed(0)} ms: ${b.refused ? 'yes' : 'NO'}.`,
  ].join('\n');
  process.stdout.write(`${table}\n`);
  if (!same || !b.refused) throw new Error('range and full reads disagree, or the bomb was not refused');
  if (process.env.BENCH_WRITE !== '0') updateSection('BENCHMARKS.md', 'inspect', table);
}

if (process.argv[2] === '--child') {
  child(process.argv[3] as string, Number(process.argv[4]), process.argv[5] as string).catch((e) => {
    process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(1);
  });
} else {
  main().catch((e) => {
    process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(1);
  });
}
