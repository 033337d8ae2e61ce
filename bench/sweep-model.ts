/**
 * The sweep benchmark's figures, and the model that extrapolates a run to an organization of any
 * size with AWS's latencies rather than moto's (moto on a shared 2-core machine answers a DynamoDB
 * read in tens of milliseconds under load; DynamoDB in-region in a few). A pair reads, as
 * lambda/pipeline/sweep-task.ts sends: the member role (STS), the function list (one ListFunctions
 * per 50), then per function its aliases (one ListAliases), each published version an alias routes
 * to that the baseline does not hold yet (one GetFunctionConfiguration with a Qualifier: a version is
 * immutable, read once, ever; on a steady day none) and its baseline (DynamoDB). Its Lambda calls
 * are sequential and bounded by the worker's token bucket (lambda/adapters/rate-limit.ts: 10 a
 * second per account and region, below Lambda's control-plane limit of 15). Workers take one pair of
 * an account at a time, at most `workers` at once: a run takes the larger of pairs x pair time /
 * workers and one account's regions one after another.
 */
import { SWEEP_LAMBDA_REQUESTS_PER_SECOND } from '../lambda/adapters/rate-limit.js';

export interface Measured {
  accounts: number;
  regions: number;
  functionsPerPair: number;
  functions: number;
  latencyMs: number;
  workers: number;
  pairs: number;
  invocations: number;
  planMs: number;
  totalMs: number;
  setupMs: number;
  pairMs: number[];
  lambdaCalls: number;
  /** The first run, which seeds every baseline (and reads each alias's version once). */
  seedMs: number;
  seedLambdaCalls: number;
  /** How the organization was built in moto: `seed` (its backends) or `api`. */
  setup: string;
}

/** Lambda's control-plane limit per account and region (requests a second), not increasable. */
const CONTROL_PLANE_RPS = 15;
/** ListFunctions' page size as the sweep asks for it. */
const PAGE = 50;
/** DynamoDB GetItem in-region, and a pair's fixed part (AssumeRole, the ledger's writes, the report). */
const DYNAMODB_MS = 5;
const PAIR_FIXED_MS = 300;
const WORKER_GB = 0.5;
const ARM64_GB_SECOND_USD = 0.0000133334;
const LAMBDA_REQUEST_USD = 0.2 / 1e6;
/** SQS FIFO requests (send, receive, delete per pair). */
const FIFO_REQUEST_USD = 0.5 / 1e6;
/** DynamoDB on-demand: a baseline read per function (eventually consistent: half a read unit). */
const READ_UNIT_USD = 0.125 / 1e6;
const WRITE_UNIT_USD = 0.625 / 1e6;

export interface Organization {
  accounts: number;
  regions: number;
  functions: number;
}

export interface Projection {
  pairSeconds: number;
  /** Lambda calls of one pair on a steady day, and their rate; on a pair's first run. */
  calls: number;
  firstCalls: number;
  rps: number;
  runHours: number;
  usdPerDay: number;
}

/**
 * A pair's Lambda calls: the list's pages, a ListAliases per function, and (`newVersions` per
 * function) each version an alias routes to that was never read: one on a function's first run
 * (the bench's alias `live` to version 1), none on a steady day.
 */
export function pairCalls(functions: number, newVersions: number): number {
  return Math.max(1, Math.ceil(functions / PAGE)) + functions * (1 + newVersions);
}

/** What a daily run over `org` takes and costs, at `latencyMs` a Lambda call and `rps` at most. */
export function project(
  org: Organization,
  workers: number,
  latencyMs: number,
  rps = SWEEP_LAMBDA_REQUESTS_PER_SECOND,
): Projection {
  const calls = pairCalls(org.functions, 0);
  const byLatency = (PAIR_FIXED_MS + calls * latencyMs + org.functions * DYNAMODB_MS) / 1000;
  const pairSeconds = Math.max(byLatency, calls / rps);
  const pairs = org.accounts * org.regions;
  const runSeconds = Math.max((pairs * pairSeconds) / workers, org.regions * pairSeconds);
  const lambda = pairs * pairSeconds * WORKER_GB * ARM64_GB_SECOND_USD + (pairs + 1) * LAMBDA_REQUEST_USD;
  const queue = pairs * 3 * FIFO_REQUEST_USD;
  const table = pairs * org.functions * 0.5 * READ_UNIT_USD + pairs * 4 * WRITE_UNIT_USD;
  return {
    pairSeconds,
    calls,
    firstCalls: pairCalls(org.functions, 1),
    rps: calls / pairSeconds,
    runHours: runSeconds / 3600,
    usdPerDay: lambda + queue + table,
  };
}

/** The largest number of accounts (`regions` x `functions` each) one run serves within `hours`. */
export function largestWithin(
  hours: number,
  org: Omit<Organization, 'accounts'>,
  workers: number,
  latencyMs: number,
): number {
  const p = project({ ...org, accounts: 1 }, workers, latencyMs);
  return Math.floor((hours * 3600 * workers) / (p.pairSeconds * org.regions));
}

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const pct = (xs: readonly number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0;
};

/** The measured Lambda calls per pair (both runs) are the model's, within a message handed out twice. */
export function modelMatches(m: Measured): boolean {
  const near = (measured: number, model: number) => measured >= model && measured <= model * 1.05;
  return (
    near(m.lambdaCalls / m.pairs, pairCalls(m.functionsPerPair, 0)) &&
    near(m.seedLambdaCalls / m.pairs, pairCalls(m.functionsPerPair, 1))
  );
}

export function modelTable(m: Measured): string {
  const callsPerPair = m.lambdaCalls / m.pairs;
  const pairSeconds = mean(m.pairMs) / 1000;
  const big = { accounts: 2000, regions: 17, functions: 200 };
  const target = project(big, m.workers, m.latencyMs);
  const here = project(
    { accounts: m.accounts, regions: m.regions, functions: m.functionsPerPair },
    m.workers,
    m.latencyMs,
  );
  const largest = largestWithin(20, { regions: 4, functions: 200 }, m.workers, m.latencyMs);
  return [
    '| figure | value |',
    '| --- | --- |',
    `| organization | ${m.accounts} accounts x ${m.regions} regions x ${m.functionsPerPair} functions (${m.functions}, each with a version and an alias), Lambda API latency ${m.latencyMs} ms a call |`,
    `| setup, ${m.setup === 'api' ? "through moto's API" : "moto's backends seeded in-process"} (not measured below) | ${(m.setupMs / 1000).toFixed(1)} s |`,
    `| first run (seeds every baseline) | ${(m.seedMs / 1000).toFixed(1)} s |`,
    `| second run: plan (claim, ${m.pairs} messages) | ${(m.planMs / 1000).toFixed(1)} s |`,
    `| worker invocations | ${m.invocations} for ${m.pairs} pairs |`,
    `| pair time against moto (mean / p95 / slowest) | ${(pairSeconds * 1000).toFixed(0)} / ${pct(m.pairMs, 95).toFixed(0)} / ${Math.max(...m.pairMs).toFixed(0)} ms |`,
    `| total against moto, ${m.workers} workers | ${(m.totalMs / 1000).toFixed(1)} s |`,
    `| Lambda calls per pair, second run (first run); model | ${callsPerPair.toFixed(2)} (${(m.seedLambdaCalls / m.pairs).toFixed(2)}); ${here.calls} (${here.firstCalls}) |`,
    `| Lambda calls per account per second (one pair of an account at a time), second run | ${(callsPerPair / pairSeconds).toFixed(2)} |`,
    `| model of this organization with AWS's latencies | pair ${here.pairSeconds.toFixed(1)} s, ${here.calls} Lambda calls (${here.rps.toFixed(1)} a second), run ${(here.runHours * 60).toFixed(1)} min |`,
    `| model: ${big.accounts} accounts x ${big.regions} regions x ${big.functions} functions, ${m.workers} workers | pair ${target.pairSeconds.toFixed(1)} s (${target.calls} calls, ${target.rps.toFixed(1)} a second: the bound is ${SWEEP_LAMBDA_REQUESTS_PER_SECOND}, Lambda's limit ${CONTROL_PLANE_RPS}), run ${target.runHours.toFixed(1)} h, $${target.usdPerDay.toFixed(2)} a day |`,
    `| model: the largest organization of 4 regions x 200 functions one 20-hour run serves with ${m.workers} workers | ${largest} accounts |`,
  ].join('\n');
}
