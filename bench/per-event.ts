/**
 * Warm per-event cost of the handler with every port an in-process fake: each event's wall and CPU
 * time, its kind, the heap it allocated and the garbage collections that ran inside it, so that the
 * slowest 1 % can be named rather than guessed.
 *
 * Every port is in process: the function reader and layer reader answer at once, the tables keep
 * their items as the deployed ones do (bench/stores.ts), the alert topic drops each message, and
 * each event arrives as JSON text parsed before its call, as the Lambda runtime delivers it.
 *
 * Run alone: `npx tsx bench/per-event.ts` prints one run as JSON (a fresh process per run is what
 * `npm run bench:handler` does five times). BENCH_HEAP_PROFILE=FILE also runs V8's sampling heap
 * profiler over the measured events (collected objects included) and writes the allocation sites.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { constants, type PerformanceEntry, PerformanceObserver } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';
import type { IdempotencyStore } from '../lambda/adapters/ports.js';
import { envelope } from '../test/support/records.js';
import { benchHandler, EVENT_KINDS } from './per-event-handler.js';
import { ItemIdempotency } from './stores.js';

process.env.POWERTOOLS_METRICS_DISABLED = 'true';

type Kind = keyof typeof EVENT_KINDS;
const KINDS = Object.keys(EVENT_KINDS) as Kind[];

export interface EventSample {
  kind: Kind;
  index: number;
  wallMs: number;
  cpuMs: number;
  /**
   * How much the used heap grew over the event (null when a collection ran inside it). Approximate:
   * V8 hands out new-space memory in buffers and sweeps concurrently, so this is per-kind shape,
   * not a count; the sampling heap profiler (BENCH_HEAP_PROFILE) gives bytes allocated.
   */
  allocated: number | null;
  /** Garbage collections that started inside the event, and their summed pause. */
  gcs: number;
  majorGcs: number;
  gcMs: number;
}

/** Every garbage collection of the process, by start time (performance.now's clock). */
function gcLog() {
  const entries: { start: number; duration: number; major: boolean }[] = [];
  const push = (e: PerformanceEntry) =>
    entries.push({
      start: e.startTime,
      duration: e.duration,
      major:
        (e as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind !==
        constants.NODE_PERFORMANCE_GC_MINOR,
    });
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) push(e);
  });
  observer.observe({ entryTypes: ['gc'] });
  return {
    entries,
    stop: () => {
      const pending = observer.takeRecords?.() ?? [];
      for (const e of pending) push(e);
      observer.disconnect();
    },
  };
}

/**
 * One run: a fresh handler, 200 warm-up events (JIT), then `iterations` events of the mix in turn,
 * each timed alone.
 */
export async function perEvent(
  idempotency: IdempotencyStore = new ItemIdempotency(),
  iterations = Number(process.env.BENCH_HANDLER_EVENTS ?? 4000),
  during: { start?: () => Promise<void>; stop?: () => Promise<void> } = {},
): Promise<EventSample[]> {
  const handler = benchHandler(idempotency);
  // Each event as the Lambda runtime receives it, JSON text, parsed before its handler call (the
  // runtime parses outside the handler): objects from JSON.parse share their shapes, as deployed;
  // the builders' spreads would give each event its own, which no invocation sees.
  const mix = (n: number, from: number) =>
    Array.from({ length: n }, (_, i) => {
      const kind = KINDS[(from + i) % KINDS.length] as Kind;
      return { kind, json: JSON.stringify(envelope(EVENT_KINDS[kind](from + i))) };
    });
  const events = mix(iterations, 0);
  // Warm-up (JIT) on events of its own: measured events replaying warm-up ones would be duplicates.
  for (const { json } of mix(200, iterations)) await handler(JSON.parse(json));
  // Preallocated, so that the bench keeps no object per event alive across collections.
  const t0s = new Float64Array(iterations);
  const t1s = new Float64Array(iterations);
  const cpus = new Float64Array(iterations);
  const heaps = new Float64Array(iterations);
  // Calibration: what reading the heap counter itself allocates.
  const h0 = getHeapStatistics().used_heap_size;
  const probe = getHeapStatistics().used_heap_size - h0;
  await during.start?.();
  const gc = gcLog();
  for (let i = 0; i < iterations; i++) {
    const event: unknown = JSON.parse((events[i] as { json: string }).json);
    const c0 = process.cpuUsage();
    const heap0 = getHeapStatistics().used_heap_size;
    const t0 = performance.now();
    await handler(event);
    const t1 = performance.now();
    const heap1 = getHeapStatistics().used_heap_size;
    const c = process.cpuUsage(c0);
    t0s[i] = t0;
    t1s[i] = t1;
    cpus[i] = (c.user + c.system) / 1000;
    heaps[i] = heap1 - heap0 - probe;
  }
  await new Promise((resolve) => setImmediate(resolve)); // deliver the last gc entries
  gc.stop();
  await during.stop?.();
  const spans = Array.from({ length: iterations }, (_, i) => ({
    t0: t0s[i] as number,
    t1: t1s[i] as number,
    cpuMs: cpus[i] as number,
    heap: heaps[i] as number,
  }));
  return spans.map((s, i) => {
    const inside = gc.entries.filter((g) => g.start >= s.t0 && g.start < s.t1);
    return {
      kind: (events[i] as { kind: Kind }).kind,
      index: i,
      wallMs: s.t1 - s.t0,
      cpuMs: s.cpuMs,
      allocated: inside.length === 0 ? s.heap : null,
      gcs: inside.length,
      majorGcs: inside.filter((g) => g.major).length,
      gcMs: inside.reduce((sum, g) => sum + g.duration, 0),
    };
  });
}

export function quantile(xs: readonly number[], p: number): number {
  const sorted = [...xs].sort((x, y) => x - y);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] as number;
}

const mean = (xs: readonly number[]) => xs.reduce((x, y) => x + y, 0) / Math.max(xs.length, 1);

/** Means and quantiles of a run, and what its slowest 1 % are made of. */
export function summarise(samples: readonly EventSample[]) {
  const wall = samples.map((s) => s.wallMs);
  const cpu = samples.map((s) => s.cpuMs);
  const p99 = quantile(wall, 0.99);
  const tail = samples.filter((s) => s.wallMs >= p99);
  const allocated = samples.flatMap((s) => (s.allocated === null ? [] : [s.allocated]));
  const byKind = Object.fromEntries(
    KINDS.map((k) => {
      const of = samples.filter((s) => s.kind === k);
      const bytes = of.flatMap((s) => (s.allocated === null ? [] : [s.allocated]));
      return [
        k,
        {
          wallP50: quantile(
            of.map((s) => s.wallMs),
            0.5,
          ),
          wallP99: quantile(
            of.map((s) => s.wallMs),
            0.99,
          ),
          cpuMean: mean(of.map((s) => s.cpuMs)),
          heapGrowthMean: Math.round(mean(bytes)),
          inTail: tail.filter((s) => s.kind === k).length,
        },
      ];
    }),
  );
  return {
    n: samples.length,
    wall: { mean: mean(wall), p50: quantile(wall, 0.5), p99 },
    cpu: { mean: mean(cpu), p50: quantile(cpu, 0.5), p99: quantile(cpu, 0.99) },
    heapGrowthPerEvent: Math.round(mean(allocated)),
    gcs: samples.reduce((n, s) => n + s.gcs, 0),
    majorGcs: samples.reduce((n, s) => n + s.majorGcs, 0),
    gcMs: samples.reduce((n, s) => n + s.gcMs, 0),
    /** The p99 of the events in which no collection ran. */
    wallP99WithoutGc: quantile(
      samples.filter((s) => s.gcs === 0).map((s) => s.wallMs),
      0.99,
    ),
    tail: {
      n: tail.length,
      withGc: tail.filter((s) => s.gcs > 0).length,
      gcMsMean: mean(tail.map((s) => s.gcMs)),
      wallMsMean: mean(tail.map((s) => s.wallMs)),
      inFirstTenth: tail.filter((s) => s.index < samples.length / 10).length,
    },
    byKind,
  };
}

/** V8's sampling heap profiler over a run, collected objects included: bytes by allocation site. */
function heapSampler(file: string, events: number) {
  const session = new Session();
  return {
    start: async () => {
      session.connect();
      await session.post('HeapProfiler.startSampling', {
        samplingInterval: 1024,
        includeObjectsCollectedByMajorGC: true,
        includeObjectsCollectedByMinorGC: true,
      } as never);
    },
    stop: async () => {
      const { profile } = (await session.post('HeapProfiler.stopSampling')) as unknown as {
        profile: { head: ProfileNode; samples: { size: number; nodeId: number }[] };
      };
      session.disconnect();
      writeFileSync(file, JSON.stringify(allocationSites(profile, events), null, 1));
    },
  };
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children: ProfileNode[];
}

/** Bytes per event by allocating frame, and by the innermost frame of our own code above it. */
export function allocationSites(
  profile: { head: ProfileNode; samples: { size: number; nodeId: number }[] },
  events: number,
) {
  const stacks = new Map<number, ProfileNode['callFrame'][]>();
  const walk = (node: ProfileNode, above: ProfileNode['callFrame'][]) => {
    const stack = [...above, node.callFrame];
    stacks.set(node.id, stack);
    for (const c of node.children) walk(c, stack);
  };
  walk(profile.head, []);
  const name = (f: ProfileNode['callFrame']) =>
    `${f.functionName || '(anonymous)'} ${f.url.replace(/^.*?\/(lambda|node_modules|test|bench)\//, '$1/')}:${f.lineNumber + 1}`;
  const self = new Map<string, number>();
  const ours = new Map<string, number>();
  let total = 0;
  for (const s of profile.samples) {
    const stack = stacks.get(s.nodeId) ?? [];
    total += s.size;
    const top = stack[stack.length - 1];
    if (top) self.set(name(top), (self.get(name(top)) ?? 0) + s.size);
    const own = [...stack].reverse().find((f) => f.url.includes('/lambda/'));
    const key = own ? name(own) : '(outside lambda/)';
    ours.set(key, (ours.get(key) ?? 0) + s.size);
  }
  const top = (m: Map<string, number>) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 40)
      .map(([site, bytes]) => ({ site, bytesPerEvent: Math.round(bytes / events) }));
  return { bytesPerEvent: Math.round(total / events), bySelf: top(self), byOwnFrame: top(ours) };
}

/**
 * The heap limits the Lambda Node.js runtime's bootstrap passes to node for a function's memory:
 * a tenth of it for the young generation (two semi-spaces), the rest for the old generation.
 */
export function lambdaHeapFlags(memoryMb = 256): string[] {
  const newSpace = Math.floor(memoryMb / 10);
  return [`--max-semi-space-size=${Math.floor(newSpace / 2)}`, `--max-old-space-size=${memoryMb - newSpace}`];
}

export type RunSummary = ReturnType<typeof summarise>;

/** `runs` runs, each in a fresh node process with the deployed function's heap limits. */
export function perEventRuns(runs: number): RunSummary[] {
  return Array.from({ length: runs }, () => {
    const r = spawnSync(process.execPath, [...lambdaHeapFlags(), '--import', 'tsx', 'bench/per-event.ts'], {
      encoding: 'utf8',
      env: { ...process.env, BENCH_HEAP_PROFILE: '', BENCH_SAMPLES: '' },
    });
    if (r.status !== 0) throw new Error(r.stderr);
    return JSON.parse(r.stdout) as RunSummary;
  });
}

const ms = (x: number) => `${x.toFixed(3)} ms`;

/** A wall-time row per run, and what each run's slowest 1 % were. */
export function perEventRows(runs: readonly RunSummary[]): string[] {
  return runs.map(
    (r, i) =>
      `| our code, run ${i + 1}: wall time | ${ms(r.wall.mean)} | ${ms(r.wall.p50)} | **${ms(r.wall.p99)}** |`,
  );
}

export function perEventDetail(runs: readonly RunSummary[]): string[] {
  return [
    `Each run of our code in a fresh process with the heap limits Lambda's runtime sets for 256 MB (\`${lambdaHeapFlags().join(' ')}\`); what its slowest 1 % were:`,
    '',
    '| run | collections inside events (major) | pause / collection | p99 of events without one | slowest 1 %: with a collection; attack, config-only, creation, publication, share |',
    '| --- | --- | --- | --- | --- |',
    ...runs.map(
      (r, i) =>
        `| ${i + 1} | ${r.gcs} (${r.majorGcs}) | ${ms(r.gcMs / Math.max(r.gcs, 1))} | ${ms(r.wallP99WithoutGc)} | ${r.tail.withGc} of ${r.tail.n}; ${KINDS.map((k) => r.byKind[k]?.inTail ?? 0).join(', ')} |`,
    ),
  ];
}

if (process.argv[1]?.endsWith('per-event.ts')) {
  const file = process.env.BENCH_HEAP_PROFILE;
  const iterations = Number(process.env.BENCH_HANDLER_EVENTS ?? 4000);
  const samples = await perEvent(
    new ItemIdempotency(),
    iterations,
    file ? heapSampler(file, iterations) : {},
  );
  process.stdout.write(`${JSON.stringify(summarise(samples))}\n`);
  if (process.env.BENCH_SAMPLES) writeFileSync(process.env.BENCH_SAMPLES, JSON.stringify(samples));
}
