/**
 * Layer inspection: bytes fetched, requests, time and peak memory to inspect a 50 MB layer
 * (generated here) by Range reads, against the fallback that downloads the whole archive (a server
 * that ignores Range). Both are served by a local HTTP server, on bare loopback and through a link
 * shaped like S3 from a Lambda function (time to first byte and a throughput cap). Each inspection
 * runs in a fresh process, so that its peak RSS is its own; a process that loads the same modules
 * and reads nothing gives the baseline. Also: how fast a decompression bomb is named (and the rest of its archive read), and how long
 * the handler's inspect step takes on that layer over the S3-like link, on a cache miss and a hit.
 *
 * Run: npx tsx bench/inspect.ts   (results replace the "inspect" block of BENCHMARKS.md;
 * BENCH_INSPECT_MB sets the layer size, BENCH_INSPECT_RUNS the runs, BENCH_WRITE=0 leaves the file)
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { LayerArchiveReader } from '../lambda/adapters/layer-archive-reader.js';
import { sha256Base64 } from '../lambda/adapters/layer-archive-source.js';
import type { InspectionCache } from '../lambda/adapters/ports.js';
import { runInspect } from '../lambda/cli/inspect.js';
import type { LayerInspection } from '../lambda/domain/layer-inspection.js';
import type { LayerLookup } from '../lambda/domain/provenance.js';
import { inspect as inspectStep } from '../lambda/pipeline/inspect.js';
import { type ChildOutput, childOutput } from '../test/support/child-output.js';
import { layerArn, updateFunctionConfiguration } from '../test/support/records.js';
import { eventOf } from '../test/support/run.js';
import {
  buildZip,
  type LinkShape,
  serveZip,
  type ZipEntrySpec,
  zerosDeflated,
} from '../test/support/zips.js';
import { machine, prng, updateSection } from './markdown.js';

const MB = Number(process.env.BENCH_INSPECT_MB ?? 50);
const RUNS = Number(process.env.BENCH_INSPECT_RUNS ?? 5);
const S3_LIKE: LinkShape = { latencyMs: 30, bytesPerSecond: 80 * 1024 * 1024 };
const SO_BYTES = 384 * 1024;

/** A Python layer: native libraries (incompressible), many small modules, and three hooks. */
function layer(megabytes: number): Buffer {
  const random = prng(20261201);
  const specs: ZipEntrySpec[] = [
    { path: 'python/sitecustomize.py', data: 'import os\n' },
    { path: 'extensions/collector', data: elf(4096, random), mode: 0o755 },
    { path: 'python/lib/python3.12/site-packages/zz.pth', data: 'import os; os.system("id")\n' },
  ];
  const site = 'python/lib/python3.12/site-packages';
  for (let i = 0; i < Math.ceil((megabytes * 1024 * 1024) / SO_BYTES); i++) {
    specs.push({
      path: `${site}/pkg${i}/_native.cpython-312-x86_64-linux-gnu.so`,
      data: elf(SO_BYTES, random),
      mode: 0o755,
    });
    for (let j = 0; j < 20; j++) {
      const code = `def f${j}(x):\n    return x * ${Math.floor(random() * 1000)}\n`.repeat(
        40 + Math.floor(random() * 200),
      );
      specs.push({ path: `${site}/pkg${i}/m${j}.py`, data: code });
    }
  }
  return buildZip(specs);
}

function elf(bytes: number, random: () => number): Buffer {
  const b = Buffer.alloc(bytes);
  for (let i = 0; i < bytes; i += 4) b.writeUInt32LE(Math.floor(random() * 2 ** 32), i);
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

/** Resident set size sampled every 5 ms: getrusage's maxRSS would include the parent's at fork. */
function rssSampler(): { stop(): number } {
  let max = process.memoryUsage().rss;
  const timer = setInterval(() => {
    max = Math.max(max, process.memoryUsage().rss);
  }, 5);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(max, process.memoryUsage().rss) / 1024 ** 2;
    },
  };
}

/** Child process: one inspection against the URL (or none, for the baseline), printed as JSON. */
async function child(url: string, size: number, sha: string): Promise<void> {
  const reader = new LayerArchiveReader({ budget: { maxBytes: 256 * 1024 * 1024, timeoutMs: 60_000 } });
  const rss = rssSampler();
  if (url === 'baseline') {
    await new Promise((resolve) => setTimeout(resolve, 50));
    const out: Measure = { ms: 0, bytes: 0, requests: 0, maxRssMb: rss.stop(), signals: '' };
    return void process.stdout.write(JSON.stringify(out));
  }
  const t0 = performance.now();
  const r = await reader.inspectArchive({ url, size, codeSha256: sha }, null);
  const ms = performance.now() - t0;
  if (r.status !== 'inspected') throw new Error(`not inspected: ${JSON.stringify(r.report.gaps)}`);
  const out: Measure = {
    ms,
    bytes: r.transfer.bytes,
    requests: r.transfer.requests,
    maxRssMb: rss.stop(),
    signals: r.report.signals.map((s) => `${s.id}:${s.path}`).join(','),
  };
  process.stdout.write(JSON.stringify(out));
}

function run(args: string[]): Promise<ChildOutput> {
  const p = spawn(process.execPath, ['--import', 'tsx', 'bench/inspect.ts', '--child', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return childOutput(p);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

/** Median time and peak RSS over RUNS fresh processes; asynchronous, since the server runs here. */
async function contender(zip: Buffer, mode: 'range' | 'no-range' | 'baseline', link: LinkShape | null) {
  const server = await serveZip(zip, mode === 'baseline' ? 'range' : mode, link);
  try {
    const runs: Measure[] = [];
    for (let i = 0; i < RUNS; i++) {
      const url = mode === 'baseline' ? 'baseline' : server.url;
      const r = await run([url, String(zip.length), sha256Base64(zip)]);
      if (r.code !== 0) throw new Error(`child failed: ${r.stderr.slice(0, 800)}`);
      runs.push(JSON.parse(r.stdout));
    }
    const first = runs[0] as Measure;
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
  const dir = mkdtempSync(join(tmpdir(), 'lw-bench-'));
  const file = join(dir, 'bomb.zip');
  let out = '';
  let ms: number;
  try {
    writeFileSync(file, zip);
    const t0 = performance.now();
    await runInspect(['--format', 'jsonl', file], {
      stdout: { write: (s: string) => (out += s) },
      stderr: { write: () => true },
    });
    ms = performance.now() - t0;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const report = JSON.parse(out);
  // Named from the directory, and the small file beside it still read: an unsafe entry hides nothing.
  const refused =
    report.signals[0]?.id === 'unsafe-archive' &&
    report.signals.some((s: { id: string }) => s.id === 'runtime-startup-hook') &&
    report.gaps.length === 0;
  return { ms, declared: report.uncompressedBytes, size: zip.length, refused };
}

/** The handler's inspect step (real reader, in-memory cache) on `zip`: a cache miss, then a hit. */
async function step(zip: Buffer): Promise<{ missMs: number; hitMs: number; status: string }> {
  const server = await serveZip(zip, 'range', S3_LIKE);
  const arn = layerArn('bench', 1);
  const archive = { size: zip.length, codeSha256: sha256Base64(zip), url: server.url };
  const lookup: LayerLookup = {
    status: 'ok',
    details: {
      description: null,
      createdDate: null,
      codeSize: zip.length,
      codeSha256: archive.codeSha256,
      signingProfileVersionArn: null,
      signingJobArn: null,
      compatibleRuntimes: [],
    },
    sharing: 'private',
    sharedWith: [],
    archive,
  };
  const stored = new Map<string, LayerInspection>();
  const cache: InspectionCache = {
    get: async (a, sha) => stored.get(`${a}|${sha}`) ?? null,
    put: async (i) => void stored.set(`${i.versionArn}|${i.codeSha256}`, i),
  };
  const t = { logger: new Logger({ logLevel: 'SILENT' }), count: () => {}, measure: () => {} };
  const event = eventOf(updateFunctionConfiguration('bench', { layers: [arn] }));
  const enrichment = {
    baseline: null,
    live: { status: 'not-read' as const },
    layers: { [arn]: lookup },
    publishes: [],
    organizationAccounts: [],
  };
  const ports = {
    layers: { readLayer: async () => lookup },
    archives: new LayerArchiveReader(),
    inspectionCache: cache,
  };
  try {
    const t0 = performance.now();
    const miss = await inspectStep(event, enrichment, ports, t);
    const t1 = performance.now();
    const hit = await inspectStep(event, enrichment, ports, t);
    const t2 = performance.now();
    const status = `${miss.inspections?.[arn]?.status}/${hit.inspections?.[arn]?.cached ? 'cached' : 'read'}`;
    return { missMs: t1 - t0, hitMs: t2 - t1, status };
  } finally {
    await server.close();
  }
}

const mib = (n: number) => `${(n / 1024 ** 2).toFixed(2)} MiB`;

function row(name: string, m: Measure, baseline: number): string {
  const fetched = `${m.bytes.toLocaleString('en-US')} B (${mib(m.bytes)})`;
  return `| ${name} | ${fetched} | ${m.requests} | ${m.ms.toFixed(0)} ms | ${m.maxRssMb.toFixed(0)} MB (+${Math.max(0, m.maxRssMb - baseline).toFixed(0)}) |`;
}

async function main() {
  const t0 = performance.now();
  const zip = layer(MB);
  process.stderr.write(`layer: ${mib(zip.length)} in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  const base = await contender(zip, 'baseline', null);
  const range = await contender(zip, 'range', null);
  const full = await contender(zip, 'no-range', null);
  const rangeS3 = await contender(zip, 'range', S3_LIKE);
  const fullS3 = await contender(zip, 'no-range', S3_LIKE);
  const b = await bomb();
  const s = await step(zip);
  const same = [full, rangeS3, fullS3].every((m) => m.signals === range.signals);
  const link = `${S3_LIKE.latencyMs} ms to first byte, ${S3_LIKE.bytesPerSecond / 1024 ** 2} MiB/s`;
  const table = [
    `Command: \`npx tsx bench/inspect.ts\` (${new Date().toISOString().slice(0, 10)}, ${machine()}, Node ${process.version}; median of ${RUNS} runs, each in a fresh process)`,
    '',
    `Layer (generated, seed 20261201): ${mib(zip.length)} zipped, ${range.signals.split(',').length} signals (sitecustomize, .pth, extension, and one native-code per shared library).`,
    `Peak RSS baseline (a process that loads the same modules and reads nothing): ${base.maxRssMb.toFixed(0)} MB; the figure in brackets is what the inspection added.`,
    '',
    '| contender | bytes fetched | requests | time to inspect | peak RSS (sampled every 5 ms) |',
    '| --- | --- | --- | --- | --- |',
    row('Range reads, loopback', range, base.maxRssMb),
    row('whole download (server ignores Range), loopback', full, base.maxRssMb),
    row(`Range reads, S3-like link (${link})`, rangeS3, base.maxRssMb),
    row('whole download, S3-like link', fullS3, base.maxRssMb),
    '',
    `Range reads fetched ${((range.bytes / zip.length) * 100).toFixed(2)} % of the archive; same signals every way: ${same ? 'yes' : 'NO'}.`,
    `The handler's inspect step on this layer over the S3-like link (budget 32 MiB / 8 s, in-memory cache): ${s.missMs.toFixed(0)} ms on a cache miss, ${s.hitMs.toFixed(1)} ms on a hit (${s.status}).`,
    `Decompression bomb (${mib(b.size)} zip declaring ${(b.declared / 1024 ** 3).toFixed(2)} GiB): named from its central directory and the rest read (nothing inflated past what was asked), in ${b.ms.toFixed(0)} ms: ${b.refused ? 'yes' : 'NO'}.`,
  ].join('\n');
  process.stdout.write(`${table}\n`);
  if (s.status !== 'inspected/cached')
    throw new Error(`the inspect step did not inspect, then hit the cache: ${s.status}`);
  if (!same || !b.refused)
    throw new Error('the contenders disagree, or the bomb was not named with the rest read');
  if (process.env.BENCH_WRITE !== '0') updateSection('BENCHMARKS.md', 'inspect', table);
}

const fail = (e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
};
if (process.argv[2] === '--child')
  child(process.argv[3] as string, Number(process.argv[4]), process.argv[5] as string).catch(fail);
else main().catch(fail);
