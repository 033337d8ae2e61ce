/**
 * The sweep benchmark's figures, and the model that extrapolates a run to an organization of any
 * size with AWS's latencies rather than moto's (moto on a shared 2-core machine answers a DynamoDB
 * read in tens of milliseconds under load; DynamoDB in-region in a few). A pair reads: the member
 * role (STS), the function list (one ListFunctions per 50), then per function its versions and
 * aliases (ListVersionsByFunction, ListAliases: the reads the sweep gains with "every version that
 * can run") and its baseline (DynamoDB); its Lambda calls are sequential, and never faster than the
 * control-plane limit of 15 requests a second per account and region (Lambda quotas: every
 * control-plane call but GetFunction and GetPolicy). Workers take one pair of an account at a time,
 * at most `workers` at once: a run takes the larger of pairs x pair time / workers and one account's
 * regions one after another.
 */

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
  /** The first run, which seeds every baseline. */
  seedMs: number;
}

/** Lambda's control-plane limit per account and region (requests a second), not increasable. */
const CONTROL_PLANE_RPS = 15;
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
  /** Lambda calls of one pair, and their rate. */
  calls: number;
  rps: number;
  runHours: number;
  usdPerDay: number;
}

/** What a daily run over `org` takes and costs, at `latencyMs` a Lambda call. */
export function project(org: Organization, workers: number, latencyMs: number): Projection {
  const pages = Math.ceil(org.functions / 50);
  const calls = pages + 2 * org.functions;
  const byLatency = (PAIR_FIXED_MS + calls * latencyMs + org.functions * DYNAMODB_MS) / 1000;
  const pairSeconds = Math.max(byLatency, calls / CONTROL_PLANE_RPS);
  const pairs = org.accounts * org.regions;
  const runSeconds = Math.max((pairs * pairSeconds) / workers, org.regions * pairSeconds);
  const lambda = pairs * pairSeconds * WORKER_GB * ARM64_GB_SECOND_USD + (pairs + 1) * LAMBDA_REQUEST_USD;
  const queue = pairs * 3 * FIFO_REQUEST_USD;
  const table = pairs * org.functions * 0.5 * READ_UNIT_USD + pairs * 4 * WRITE_UNIT_USD;
  return {
    pairSeconds,
    calls,
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
    `| setup through the API (not measured below) | ${(m.setupMs / 1000).toFixed(0)} s |`,
    `| first run (seeds every baseline) | ${(m.seedMs / 1000).toFixed(1)} s |`,
    `| second run: plan (claim, ${m.pairs} messages) | ${(m.planMs / 1000).toFixed(1)} s |`,
    `| worker invocations | ${m.invocations} for ${m.pairs} pairs |`,
    `| pair time against moto (mean / p95 / slowest) | ${(pairSeconds * 1000).toFixed(0)} / ${pct(m.pairMs, 95).toFixed(0)} / ${Math.max(...m.pairMs).toFixed(0)} ms |`,
    `| total against moto, ${m.workers} workers | ${(m.totalMs / 1000).toFixed(1)} s |`,
    `| Lambda calls per pair; per account per second (one pair of an account at a time) | ${callsPerPair.toFixed(1)}; ${(callsPerPair / pairSeconds).toFixed(2)} |`,
    `| model of this organization with AWS's latencies (the sweep as it will read versions and aliases) | pair ${here.pairSeconds.toFixed(1)} s, ${here.calls} Lambda calls (${here.rps.toFixed(1)} a second), run ${(here.runHours * 60).toFixed(1)} min |`,
    `| model: ${big.accounts} accounts x ${big.regions} regions x ${big.functions} functions, ${m.workers} workers | pair ${target.pairSeconds.toFixed(1)} s (${target.calls} calls, ${target.rps.toFixed(1)} a second: the limit is ${CONTROL_PLANE_RPS}), run ${target.runHours.toFixed(1)} h, $${target.usdPerDay.toFixed(2)} a day |`,
    `| model: the largest organization of 4 regions x 200 functions one 20-hour run serves with ${m.workers} workers | ${largest} accounts |`,
  ].join('\n');
}
