/**
 * The benchmarks run outside `npm test` and their figures are never asserted here. This only checks
 * that each script still runs to the end on tiny inputs, with its own correctness checks passing,
 * so that `npm run bench` cannot rot unnoticed.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');
const tsx = join(ROOT, 'node_modules', '.bin', 'tsx');

function bench(script: string, env: Record<string, string>, args: string[] = []) {
  const r = spawnSync(tsx, [script, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, BENCH_WRITE: '0', ...env },
    timeout: 240_000,
  });
  return { code: r.status, out: `${r.stdout}\n${r.stderr}` };
}

describe('benchmark scripts (smoke, tiny inputs)', () => {
  it('scan: fast and plain paths agree and find every planted event', () => {
    const r = bench('bench/scan.ts', {
      BENCH_CORPUS: join(mkdtempSync(join(tmpdir(), 'lw-bench-')), 'corpus'),
      BENCH_CORPUS_MB: '2',
      BENCH_ROUNDS: '1',
      BENCH_BIG_MB: '2',
      BENCH_GZ_MB: '2',
    });
    expect(r.out).toMatch(/Pre-filter \(record-level\) and plain path output identical: yes/);
    expect(r.out).toMatch(/\| dense \| layerwatch scan \| [\d.]+ s \|/);
    expect(r.out).toMatch(/\| single-line log file, 2 MiB \| \d+ MiB \| [\d:.]+ \| (\d+) of \1 \|/);
    expect(r.out).toMatch(/\| gzip of \d+ MiB inflating to 2 MiB \| \d+ MiB \|/);
    expect(r.code).toBe(0);
  });

  it('handler: bundles, cold-imports with the environment the handler requires, and times events', () => {
    const r = bench('bench/handler.ts', {
      BENCH_HANDLER_EVENTS: '300',
      BENCH_COLD_RUNS: '2',
      BENCH_RUNS: '2',
    });
    expect(r.out).toMatch(/\| cold import[^|]*\| [\d.]+ ms \| [\d.]+ ms \|/);
    // Every run's p99 is shown, each from a fresh process, with what its slowest events were.
    expect(r.out).toMatch(/\| our code, run 2: wall time \| [\d.]+ ms \| [\d.]+ ms \| \*\*[\d.]+ ms\*\* \|/);
    expect(r.out).toMatch(/\| 2 \| \d+ \(\d+\) \| [\d.]+ ms \|/);
    expect(r.code).toBe(0);
  });

  it('render: times every example alert and the oversized ones', () => {
    const r = bench('bench/render.ts', {}, ['--calls', '200']);
    expect(r.out).toMatch(/examples: 200 calls over \d+ findings: mean [\d.]+ ms/);
    expect(r.code).toBe(0);
  });

  it('inspect: range reads and a full download give the same signals', () => {
    const r = bench('bench/inspect.ts', { BENCH_INSPECT_MB: '2', BENCH_INSPECT_RUNS: '1' });
    expect(r.out).toMatch(/same signals every way: yes/);
    expect(r.code).toBe(0);
  });

  it('sweep: the fanned-out sweep reaches every pair against moto and reports once', () => {
    const r = bench('bench/sweep.ts', {
      SWEEP_ACCOUNTS: '3',
      SWEEP_REGIONS: '2',
      SWEEP_FUNCTIONS: '2',
      SWEEP_WORKERS: '3',
      SWEEP_LATENCY_MS: '5',
    });
    expect(r.out).toMatch(/\| worker invocations \| \d+ for 6 pairs \|/);
    expect(r.out).toMatch(/\| every pair reached, one report \| yes \|/);
    expect(r.code).toBe(0);
  });

  it('burst: every delivery is accounted for against moto', () => {
    const r = bench('bench/burst.ts', { BURST_FUNCTIONS: '8', BURST_EVENTS: '40', BURST_CONCURRENCY: '4' });
    expect(r.out).toMatch(/\| all accounted for \| yes \|/);
    expect(r.code).toBe(0);
  });
});
