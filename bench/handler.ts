/**
 * The deployed handler's own costs:
 *   - bundle size and cold import, next to a bundle holding only the SDK clients it uses (the floor);
 *   - warm per-event time of our code with in-process fakes (no network), p50/p99;
 *   - cost per million events at 256 MB arm64 from those durations and from the moto burst.
 * Bundles are built like the stack builds them (esbuild, ESM, minified, SDK inside, module fields).
 *
 * Run: npm run bench:handler   (results replace the "handler" block of BENCHMARKS.md)
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, statSync } from 'node:fs';
import { cpus } from 'node:os';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { build } from 'esbuild';
import { DynamoDbIdempotencyStore } from '../lambda/adapters/dynamodb-idempotency-store.js';
import { optionDefines } from '../lib/constructs/runtime-function.js';
import type { CallTargets } from '../lib/permissions.js';
import { updateSection } from './markdown.js';
import { perEvent, perEventDetail, perEventRows, perEventRuns, summarise } from './per-event.js';

process.env.POWERTOOLS_METRICS_DISABLED = 'true';
const OUT = 'bench/.out';
const ARM64_GB_SECOND_USD = 0.0000133334;
const REQUEST_USD = 0.2 / 1_000_000;
const MEMORY_GB = 0.25;

/** The default deployment (no optional sink, no organization discovery), and every option on. */
const OPTION_SETS = {
  default: { securityHub: false, findingEvents: false, organizationDiscovery: false },
  every: { securityHub: true, findingEvents: true, organizationDiscovery: true },
};

async function bundle(entry: string, outfile: string, options: CallTargets['options']): Promise<number> {
  await build({
    entryPoints: [entry],
    // The option constants the construct sets (lib/constructs/runtime-function.ts).
    define: optionDefines(options),
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    minify: true,
    mainFields: ['module', 'main'],
    logLevel: 'error',
  });
  return statSync(outfile).size;
}

function coldImportMs(file: string | null, runs = Number(process.env.BENCH_COLD_RUNS ?? 15)): number {
  // Exactly what the handler requires at cold start (lambda/config.ts).
  const env = {
    ...process.env,
    ALERT_TOPIC_ARN: 'arn:aws:sns:us-east-1:111122223333:t',
    BASELINE_TABLE: 't',
    HOME_ACCOUNT: '111122223333',
    AWS_REGION: 'us-east-1',
  };
  const code = file
    ? `const t=performance.now();await import(${JSON.stringify(`${process.cwd()}/${file}`)});process.stdout.write(String(performance.now()-t))`
    : 'process.stdout.write("0")';
  const samples: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8', env });
    if (r.status !== 0) throw new Error(r.stderr);
    samples.push(Number(r.stdout));
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)] as number;
}

/**
 * The deployed idempotency store (Powertools' DynamoDB persistence layer) over a DynamoDB client
 * whose every command answers at once in process: its hashing, marshalling and bookkeeping are
 * measured, the network is not.
 */
function idempotencyWithoutNetwork(): DynamoDbIdempotencyStore {
  const client = new DynamoDBClient({
    region: 'us-east-1',
    credentials: { accessKeyId: 'a', secretAccessKey: 's' },
  });
  mockClient(client).onAnyCommand().resolves({});
  return new DynamoDbIdempotencyStore(client, 'bench', { lockSeconds: 60 });
}

const cost = (ms: number) =>
  1_000_000 * (MEMORY_GB * (Math.max(ms, 1) / 1000) * ARM64_GB_SECOND_USD + REQUEST_USD);

async function main() {
  mkdirSync(OUT, { recursive: true });
  const sizes = {
    default: {
      ours: await bundle('lambda/handler.ts', `${OUT}/handler.mjs`, OPTION_SETS.default),
      floor: await bundle('bench/floor-entry.ts', `${OUT}/floor.mjs`, OPTION_SETS.default),
    },
    every: {
      ours: await bundle('lambda/handler.ts', `${OUT}/handler-every.mjs`, OPTION_SETS.every),
      floor: await bundle('bench/floor-entry.ts', `${OUT}/floor-every.mjs`, OPTION_SETS.every),
    },
  };
  const oursMs = coldImportMs(`${OUT}/handler.mjs`);
  const floorMs = coldImportMs(`${OUT}/floor.mjs`);
  const kib = (x: { ours: number; floor: number }) =>
    `${(x.ours / 1024).toFixed(0)} KiB | ${(x.floor / 1024).toFixed(0)} KiB | ${(x.ours / x.floor).toFixed(2)}`;
  // Our code alone (every port a fake), then with Powertools idempotency and the SDK's DynamoDB
  // client in process (what an invocation costs but the network).
  const runs = perEventRuns(Number(process.env.BENCH_RUNS ?? 5));
  const ourCode = runs[0] as (typeof runs)[number];
  const warm = summarise(await perEvent(idempotencyWithoutNetwork()));
  const table = [
    `Command: \`npm run bench:handler\` (${new Date().toISOString().slice(0, 10)}, ${cpus().length} cores, Node ${process.version}; cold import = median of 15 fresh processes)`,
    '',
    '| measure | layerwatch handler | SDK-only floor (the same option set) | ratio (target <= 1.25) |',
    '| --- | --- | --- | --- |',
    `| bundle (minified ESM, SDK inside), default deployment | ${kib(sizes.default)} |`,
    `| bundle, every option on (Security Hub, finding events, organization) | ${kib(sizes.every)} |`,
    `| cold import, default deployment | ${oursMs.toFixed(1)} ms | ${floorMs.toFixed(1)} ms | ${(oursMs / floorMs).toFixed(2)} |`,
    '',
    `Warm per-event cost (${warm.n} events: attacks, config-only changes, creations, publications, shares), first of our own code (the handler with every port an in-process fake), then with Powertools idempotency over the SDK's DynamoDB client answering in process (its hashing, marshalling and middleware; not the network):`,
    '',
    '| per event | mean | p50 | p99 (target < 1 ms for our code) |',
    '| --- | --- | --- | --- |',
    `| our code, run 1: CPU time (user + system) | ${ourCode.cpu.mean.toFixed(3)} ms | ${ourCode.cpu.p50.toFixed(3)} ms | ${ourCode.cpu.p99.toFixed(3)} ms |`,
    ...perEventRows(runs),
    `| with Powertools idempotency and the SDK client: CPU | ${warm.cpu.mean.toFixed(3)} ms | ${warm.cpu.p50.toFixed(3)} ms | ${warm.cpu.p99.toFixed(3)} ms |`,
    `| with Powertools idempotency and the SDK client: wall | ${warm.wall.mean.toFixed(3)} ms | ${warm.wall.p50.toFixed(3)} ms | ${warm.wall.p99.toFixed(3)} ms |`,
    '',
    ...perEventDetail(runs),
    '',
    `Cost per million events at 256 MB arm64 (Lambda bills whole milliseconds, $${ARM64_GB_SECOND_USD}/GB-s + $0.20 per million requests): our code alone (1 ms billed) $${cost(warm.wall.p99).toFixed(2)}; with AWS API calls, use the burst's mean latency below (against moto, an upper bound).`,
  ].join('\n');
  process.stdout.write(`${table}\n`);
  if (process.env.BENCH_WRITE !== '0') updateSection('BENCHMARKS.md', 'handler', table);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
