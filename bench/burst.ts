/**
 * Burst: 1,000 layer events over 200 functions through the real handler against moto, with bounded
 * concurrency, 5% of them delivered twice and all of them shuffled (late and out-of-order arrival).
 * Every delivery must end published, deduplicated, suppressed or without finding, and every
 * published alert must arrive in the SQS queue subscribed to the topic.
 *
 * Run: npm run bench:burst   (results replace the "burst" block of BENCHMARKS.md)
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { HandlerResult } from '../lambda/app.js';
import { installPythonTools } from '../test/global-setup.mjs';
import { startMoto } from '../test/support/moto.js';
import type { Rec } from '../test/support/records.js';
import { createWorld } from '../test/support/world.js';
import { machine, prng, updateSection } from './markdown.js';

const FUNCTIONS = Number(process.env.BURST_FUNCTIONS ?? 200);
const EVENTS = Number(process.env.BURST_EVENTS ?? 1000);
const CONCURRENCY = Number(process.env.BURST_CONCURRENCY ?? 10);
const DUPLICATE_RATE = 0.05;
const ARM64_GB_SECOND_USD = 0.0000133334;
const REQUEST_USD = 0.2 / 1_000_000;
const MEMORY_GB = 0.25;

process.env.POWERTOOLS_METRICS_DISABLED = 'true';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

/**
 * Lambda's asynchronous invocation: an invocation that throws is retried (twice, after a delay);
 * one that still fails goes to the failure queue. A redelivered event handled concurrently with its
 * original throws IdempotencyAlreadyInProgressError on purpose, and its retry then finds it done.
 */
async function invokeLikeLambda(
  handler: (e: unknown) => Promise<HandlerResult>,
  event: unknown,
): Promise<string> {
  for (let attempt = 0; attempt < 3; attempt += 1) {
    try {
      const result = await handler(structuredClone(event));
      return attempt === 0 ? result.outcome : `${result.outcome} (after retry)`;
    } catch {
      // Lambda waits about a minute, then two: scaled down here, but still longer than an
      // invocation takes on a loaded machine, so that a duplicate's retry finds its original done.
      await new Promise((r) => setTimeout(r, 3000 * (attempt + 1)));
    }
  }
  return 'failure queue';
}

type World = Awaited<ReturnType<typeof createWorld>>;

/** Setup through the real API (not measured): layers, functions, then the changes themselves. */
async function makeEvents(w: World, random: () => number): Promise<Rec[]> {
  const layers: string[][] = [];
  for (const name of ['deps', 'telemetry', 'auth', 'extension']) {
    const versions: string[] = [];
    for (let v = 0; v < 3; v += 1) versions.push(await w.publish(w.lambdaA, name));
    layers.push(versions);
  }
  const current = new Map<string, string[]>();
  const events: Rec[] = [];
  for (let i = 0; i < FUNCTIONS; i += 1) {
    const name = `burst-${String(i).padStart(3, '0')}`;
    const initial = [layers[0]?.[0] as string];
    current.set(name, initial);
    events.push(await w.createFn(name, initial));
  }
  for (let changes = 0; changes < EVENTS - FUNCTIONS; changes += 1) {
    const name = `burst-${String(Math.floor(random() * FUNCTIONS)).padStart(3, '0')}`;
    const next = nextLayers(current.get(name) ?? [], layers, random);
    const event = next
      ? await w.updateFn(name, { Layers: next })
      : await w.updateFn(name, { MemorySize: 128 + 64 * Math.floor(random() * 8) });
    if (next) current.set(name, next);
    events.push(event);
  }
  return events;
}

/** A random layer change (add, bump, drop), or null for a change that does not touch layers. */
function nextLayers(list: string[], layers: string[][], random: () => number): string[] | null {
  const roll = random();
  if (roll < 0.4) {
    const family = layers[1 + Math.floor(random() * 3)] as string[];
    const pick = family[0] as string;
    return list.some((l) => l.startsWith(pick.replace(/:\d+$/, ':'))) ? null : [...list, pick];
  }
  if (roll < 0.6) {
    return list.map((arn) => {
      const family = layers.find((f) => f.includes(arn)) as string[];
      return family[(family.indexOf(arn) + 1) % family.length] as string;
    });
  }
  if (roll < 0.75) return list.length > 1 ? list.slice(0, -1) : null;
  return null;
}

/** The events with 5% of them redelivered, all shuffled. */
function deliveriesOf(events: Rec[], random: () => number): { deliveries: Rec[]; duplicates: number } {
  const duplicates = events.filter(() => random() < DUPLICATE_RATE).map((e) => structuredClone(e));
  const deliveries = [...events, ...duplicates];
  for (let i = deliveries.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [deliveries[i], deliveries[j]] = [deliveries[j] as Rec, deliveries[i] as Rec];
  }
  return { deliveries, duplicates: duplicates.length };
}

interface Measured {
  outcomes: Record<string, number>;
  latencies: number[];
  wallMs: number;
  cpuMs: number;
}

/** Every delivery through the handler, CONCURRENCY at a time, as Lambda would invoke it. */
async function deliverAll(
  handler: (e: unknown) => Promise<HandlerResult>,
  deliveries: Rec[],
): Promise<Measured> {
  const outcomes: Record<string, number> = {};
  const latencies: number[] = [];
  let next = 0;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let i = next++; i < deliveries.length; i = next++) {
        const t0 = performance.now();
        const result = await invokeLikeLambda(handler, deliveries[i]);
        latencies.push(performance.now() - t0);
        outcomes[result] = (outcomes[result] ?? 0) + 1;
      }
    }),
  );
  const cpu = process.cpuUsage(cpuBefore);
  return {
    outcomes,
    latencies: latencies.sort((a, b) => a - b),
    wallMs: performance.now() - started,
    cpuMs: (cpu.user + cpu.system) / 1000,
  };
}

function report(
  m: Measured,
  events: number,
  deliveries: number,
  duplicates: number,
  delivered: number,
): { table: string; ok: boolean } {
  const { outcomes, latencies, wallMs } = m;
  const accounted = Object.values(outcomes).reduce((a, b) => a + b, 0);
  const pct = (p: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] as number;
  const meanMs = latencies.reduce((a, b) => a + b, 0) / latencies.length;
  const costPerMillion = 1_000_000 * (MEMORY_GB * (meanMs / 1000) * ARM64_GB_SECOND_USD + REQUEST_USD);
  const count = (outcome: string) => (outcomes[outcome] ?? 0) + (outcomes[`${outcome} (after retry)`] ?? 0);
  const ok =
    accounted === deliveries &&
    delivered === count('published') &&
    count('duplicate') === duplicates &&
    (outcomes['failure queue'] ?? 0) === 0;
  const table = [
    `Command: \`npm run bench:burst\` (${new Date().toISOString().slice(0, 10)}, ${machine()}, Node ${process.version}, moto 5.2.5 on loopback)`,
    '',
    '| measure | value |',
    '| --- | --- |',
    `| functions / CloudTrail events / deliveries (5% redelivered, shuffled) | ${FUNCTIONS} / ${events} / ${deliveries} |`,
    `| handler concurrency | ${CONCURRENCY} |`,
    `| outcomes | ${Object.entries(outcomes)
      .sort()
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')} |`,
    `| accounted for | ${accounted} of ${deliveries}; alerts in the queue ${delivered} = published ${count('published')}; duplicates ${count('duplicate')} of ${duplicates} injected; failure queue ${outcomes['failure queue'] ?? 0} |`,
    `| wall time | ${(wallMs / 1000).toFixed(2)} s (${(deliveries / (wallMs / 1000)).toFixed(0)} events/s) |`,
    `| per-event latency (mean / p50 / p95 / p99) | ${meanMs.toFixed(1)} / ${pct(50).toFixed(1)} / ${pct(95).toFixed(1)} / ${pct(99).toFixed(1)} ms |`,
    `| handler process CPU per event (our code + SDK) | ${(m.cpuMs / deliveries).toFixed(2)} ms |`,
    `| cost per million events at 256 MB arm64, from the mean latency | $${costPerMillion.toFixed(2)} |`,
    `| all accounted for | ${ok ? 'yes' : 'NO'} |`,
  ].join('\n');
  return { table, ok };
}

async function main() {
  installPythonTools();
  const moto = await startMoto();
  const random = prng(20261122);
  try {
    const w = await createWorld(moto.endpoint, {
      logger: new Logger({ serviceName: 'bench', logLevel: 'SILENT' }),
      metrics: new Metrics({ namespace: 'Bench' }),
      counted: [],
    });
    const events = await makeEvents(w, random);
    const { deliveries, duplicates } = deliveriesOf(events, random);
    const measured = await deliverAll(w.makeHandler({ maxAttempts: 5 }), deliveries);
    const delivered = (await w.delivered()).length;
    const { table, ok } = report(measured, events.length, deliveries.length, duplicates, delivered);
    process.stdout.write(`${table}\n`);
    if (process.env.BENCH_WRITE !== '0') updateSection('BENCHMARKS.md', 'burst', table);
    if (!ok) process.exitCode = 1;
  } finally {
    await moto.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
