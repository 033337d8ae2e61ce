/**
 * The benchmarks run outside `npm test` and their figures are never asserted here. This only checks
 * that each script still runs to the end on tiny inputs, with its own correctness checks passing,
 * so that `npm run bench` cannot rot unnoticed. The six scripts start together and each test waits
 * for its own: much of a script's time is spent waiting (on moto, on the processes it starts, on its
 * simulated network), which the others use.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { childOutput } from './support/child-output.js';

const ROOT = join(__dirname, '..');
const tsx = join(ROOT, 'node_modules', '.bin', 'tsx');
const BENCH_TIMEOUT_MS = 480_000;

interface BenchRun {
  code: number | null;
  out: string;
}

async function bench(script: string, env: Record<string, string>, args: string[] = []): Promise<BenchRun> {
  const child = spawn(tsx, [script, ...args], {
    cwd: ROOT,
    env: { ...process.env, BENCH_WRITE: '0', ...env },
    // Six at once on two cores: each may take several times what it takes alone.
    timeout: BENCH_TIMEOUT_MS,
  });
  const { code, stdout, stderr } = await childOutput(child);
  return { code, out: `${stdout}\n${stderr}` };
}

/** The scan's corpus; removed once the scan's run has ended. */
const scanDir = mkdtempSync(join(tmpdir(), 'lw-bench-'));

/** Started once, when the file loads; a test awaits only its own script. */
const runs = {
  scan: bench('bench/scan.ts', {
    BENCH_CORPUS: join(scanDir, 'corpus'),
    BENCH_CORPUS_MB: '2',
    BENCH_ROUNDS: '1',
    BENCH_BIG_MB: '2',
    BENCH_GZ_MB: '2',
  }),
  handler: bench('bench/handler.ts', {
    BENCH_HANDLER_EVENTS: '300',
    BENCH_COLD_RUNS: '2',
    BENCH_RUNS: '2',
    BENCH_CALLGRIND: '0',
  }),
  render: bench('bench/render.ts', {}, ['--calls', '200']),
  inspect: bench('bench/inspect.ts', { BENCH_INSPECT_MB: '2', BENCH_INSPECT_RUNS: '1' }),
  sweep: bench('bench/sweep.ts', {
    SWEEP_ACCOUNTS: '3',
    SWEEP_REGIONS: '2',
    SWEEP_FUNCTIONS: '2',
    SWEEP_WORKERS: '3',
    SWEEP_LATENCY_MS: '5',
  }),
  burst: bench('bench/burst.ts', { BURST_FUNCTIONS: '8', BURST_EVENTS: '40', BURST_CONCURRENCY: '4' }),
};
// A script that cannot start fails its own test, when that test awaits it; not the file before.
for (const run of Object.values(runs)) run.catch(() => undefined);

describe('benchmark scripts (smoke, tiny inputs)', () => {
  afterAll(async () => {
    await runs.scan.catch(() => undefined);
    rmSync(scanDir, { recursive: true, force: true });
  });

  it(
    'scan: fast and plain paths agree and find every planted event',
    async () => {
      const r = await runs.scan;
      expect(r.out).toMatch(/Pre-filter \(record-level\) and plain path output identical: yes/);
      expect(r.out).toMatch(/\| dense \| layerwatch scan \| [\d.]+ s \|/);
      expect(r.out).toMatch(/\| single-line log file, 2 MiB \| \d+ MiB \| [\d:.]+ \| (\d+) of \1 \|/);
      expect(r.out).toMatch(/\| gzip of \d+ MiB inflating to 2 MiB \| \d+ MiB \|/);
      expect(r.code).toBe(0);
    },
    BENCH_TIMEOUT_MS,
  );

  it(
    'handler: bundles, cold-imports with the environment the handler requires, and times events',
    async () => {
      const r = await runs.handler;
      expect(r.out).toMatch(/\| cold import[^|]*\| [\d.]+ ms \| [\d.]+ ms \|/);
      // Every run's p99 is shown, each from a fresh process, with what its slowest events were.
      expect(r.out).toMatch(
        /\| our code, run 2: wall time \| [\d.]+ ms \| [\d.]+ ms \| \*\*[\d.]+ ms\*\* \|/,
      );
      expect(r.out).toMatch(/\| 2 \| \d+ \(\d+\) \| [\d.]+ ms \|/);
      expect(r.code).toBe(0);
    },
    BENCH_TIMEOUT_MS,
  );

  it(
    'render: times every example alert and the oversized ones',
    async () => {
      const r = await runs.render;
      expect(r.out).toMatch(/examples: 200 calls over \d+ findings: mean [\d.]+ ms/);
      expect(r.code).toBe(0);
    },
    BENCH_TIMEOUT_MS,
  );

  it(
    'inspect: range reads and a full download give the same signals',
    async () => {
      const r = await runs.inspect;
      expect(r.out).toMatch(/same signals every way: yes/);
      expect(r.code).toBe(0);
    },
    BENCH_TIMEOUT_MS,
  );

  it(
    'sweep: the fanned-out sweep reaches every pair against moto and reports once',
    async () => {
      const r = await runs.sweep;
      expect(r.out).toMatch(/\| worker invocations \| \d+ for 6 pairs \|/);
      expect(r.out).toMatch(/\| every pair reached, one report \| yes \|/);
      expect(r.code).toBe(0);
    },
    BENCH_TIMEOUT_MS,
  );

  it(
    'burst: every delivery is accounted for against moto',
    async () => {
      const r = await runs.burst;
      expect(r.out).toMatch(/\| all accounted for \| yes \|/);
      expect(r.code).toBe(0);
    },
    BENCH_TIMEOUT_MS,
  );
});
