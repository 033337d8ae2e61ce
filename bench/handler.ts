/**
 * The deployed handler's own costs:
 *   - bundle size and cold import, next to a bundle holding only the SDK clients it uses (the floor);
 *   - warm per-event time of our code with in-process fakes (no network), p50/p99;
 *   - cost per million events at 256 MB arm64 from those durations and from the moto burst.
 * Bundles are built with the construct's own esbuild definition (bench/handler-bundle.ts).
 *
 * Run: npm run bench:handler   (results replace the "handler" block of BENCHMARKS.md)
 * BENCH_CALLGRIND=0 skips counting the cold import's instructions with callgrind (valgrind), which
 * is otherwise done when valgrind is installed; the smoke test sets it.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDbIdempotencyStore } from '../lambda/adapters/dynamodb-idempotency-store.js';
import { bundleSizes, coldImports, importInstructions, overFloor } from './handler-bundle.js';
import { machine, updateSection } from './markdown.js';
import { perEvent, perEventDetail, perEventRows, perEventRuns, summarise } from './per-event.js';

process.env.POWERTOOLS_METRICS_DISABLED = 'true';
const ARM64_GB_SECOND_USD = 0.0000133334;
const REQUEST_USD = 0.2 / 1_000_000;
const MEMORY_GB = 0.25;

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
  const coldRuns = Number(process.env.BENCH_COLD_RUNS ?? 15);
  const sizes = await bundleSizes();
  const files = [sizes[0]?.ours.file, sizes[0]?.floor.file, sizes[0]?.floorLikeOurs.file] as string[];
  const [oursCold, floorCold, likeCold] = coldImports(files, coldRuns);
  if (!oursCold || !floorCold || !likeCold) throw new Error('no cold import measured');
  const instructions = process.env.BENCH_CALLGRIND === '0' ? null : importInstructions(files);
  const kib = (x: { ours: { bytes: number }; floor: { bytes: number } }) =>
    `${(x.ours.bytes / 1024).toFixed(0)} KiB | ${(x.floor.bytes / 1024).toFixed(0)} KiB | ${(x.ours.bytes / x.floor.bytes).toFixed(2)}`;
  const ratio = (a: number, b: number) => (a / b).toFixed(2);
  for (const s of sizes) {
    const over = overFloor(s.ours.metafile, s.floor.metafile);
    process.stdout.write(
      `over the floor, ${s.set}: ${over.map(([o, b]) => `${o} ${(b / 1024).toFixed(1)}`).join(', ')} KiB\n`,
    );
  }
  // Our code alone (every port a fake), then with Powertools idempotency and the SDK's DynamoDB
  // client in process (what an invocation costs but the network).
  const runs = perEventRuns(Number(process.env.BENCH_RUNS ?? 5));
  const ourCode = runs[0] as (typeof runs)[number];
  const warm = summarise(await perEvent(idempotencyWithoutNetwork()));
  const table = [
    `Command: \`npm run bench:handler\` (${new Date().toISOString().slice(0, 10)}, ${machine()}, Node ${process.version}; cold import = median of ${coldRuns} fresh processes each, alternating)`,
    '',
    '| measure | layerwatch handler | SDK-only floor (the same option set) | ratio (target <= 1.25) |',
    '| --- | --- | --- | --- |',
    ...sizes.map(
      (s) =>
        `| bundle (minified ESM, SDK inside), ${s.set === 'default' ? 'default deployment' : s.set} | ${kib(s)} |`,
    ),
    `| cold import, default deployment (wall) | ${oursCold.wallMs.toFixed(1)} ms | ${floorCold.wallMs.toFixed(1)} ms | ${ratio(oursCold.wallMs, floorCold.wallMs)} |`,
    `| cold import, default deployment (CPU) | ${oursCold.cpuMs.toFixed(1)} ms | ${floorCold.cpuMs.toFixed(1)} ms | ${ratio(oursCold.cpuMs, floorCold.cpuMs)} |`,
    `| cold import (wall), the floor building at import only the clients the handler builds there | ${oursCold.wallMs.toFixed(1)} ms | ${likeCold.wallMs.toFixed(1)} ms | ${ratio(oursCold.wallMs, likeCold.wallMs)} |`,
    `| cold import (CPU), the floor building at import only the clients the handler builds there | ${oursCold.cpuMs.toFixed(1)} ms | ${likeCold.cpuMs.toFixed(1)} ms | ${ratio(oursCold.cpuMs, likeCold.cpuMs)} |`,
    ...instructionRows(instructions),
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

/** The callgrind rows, when valgrind is here: ours against each floor, in millions of instructions. */
function instructionRows(counts: number[] | null): string[] {
  const [ours, floor, like] = counts ?? [];
  if (ours === undefined || floor === undefined || like === undefined) return [];
  const m = (n: number) => `${(n / 1e6).toFixed(1)} M`;
  return [
    `| cold import (instructions, callgrind, deterministic), default deployment | ${m(ours)} | ${m(floor)} | ${(ours / floor).toFixed(3)} |`,
    `| cold import (instructions), the floor building at import only the clients the handler builds there | ${m(ours)} | ${m(like)} | ${(ours / like).toFixed(3)} |`,
  ];
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
