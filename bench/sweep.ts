/**
 * The fanned-out drift sweep against moto: an organization of accounts x regions x functions (each
 * with a published version and an alias), every Lambda API request held for a set latency by a proxy
 * (the real API answers in tens of milliseconds), the plan, then the workers at the deployment's
 * global cap taking the pairs from the FIFO queue (one account at a time each). Measures the slowest
 * pair, the total, Lambda calls per account per second, and extrapolates with a model to a large
 * organization, with what a day's run costs.
 *
 * The workers' Lambda clients carry the deployed worker's rate bound (lambda/adapters/rate-limit.ts).
 *
 * Run: npm run bench:sweep   (results replace the "sweep" block of BENCHMARKS.md)
 * Size: SWEEP_ACCOUNTS (200), SWEEP_REGIONS (3), SWEEP_FUNCTIONS (20), SWEEP_LATENCY_MS (40),
 *       SWEEP_WORKERS (20, the deployment's default cap)
 * Setup: SWEEP_SETUP=seed (default: moto's backends built in-process, then served) or api (through
 *        moto's HTTP API, as before: about 8.5 s an account on a loaded machine)
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { rateLimited, SWEEP_LAMBDA_REQUESTS_PER_SECOND, TokenBucket } from '../lambda/adapters/rate-limit.js';
import { installPythonTools } from '../test/global-setup.mjs';
import { startMoto } from '../test/support/moto.js';
import { createWorld } from '../test/support/world.js';
import { updateSection } from './markdown.js';
import { type Measured, modelMatches, modelTable } from './sweep-model.js';
import { accountId, createOrganization, startLatencyProxy, startSeededMoto } from './sweep-world.js';

const ACCOUNTS = Number(process.env.SWEEP_ACCOUNTS ?? 200);
const REGION_COUNT = Number(process.env.SWEEP_REGIONS ?? 3);
const FUNCTIONS = Number(process.env.SWEEP_FUNCTIONS ?? 20);
const LATENCY_MS = Number(process.env.SWEEP_LATENCY_MS ?? 40);
const WORKERS = Number(process.env.SWEEP_WORKERS ?? 20);
const SETUP = process.env.SWEEP_SETUP ?? 'seed';
/** A run not reported within this is a failure of the bench (a lost ledger write would otherwise wait forever). */
const RUN_DEADLINE_MS = Number(process.env.SWEEP_RUN_DEADLINE_S ?? 3600) * 1000;
const progress = (line: string) => process.stderr.write(`[${new Date().toISOString()}] ${line}\n`);
const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2', 'us-west-2', 'eu-central-1'].slice(
  0,
  REGION_COUNT,
);

process.env.POWERTOOLS_METRICS_DISABLED = 'true';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

/** moto holding the organization: seeded in its own process, or created through its API. */
async function organization(accounts: readonly string[]) {
  const setupStart = performance.now();
  if (SETUP === 'api') {
    const moto = await startMoto();
    const functions = await createOrganization(moto.endpoint, accounts, REGIONS, FUNCTIONS);
    return { moto, functions, setupMs: performance.now() - setupStart };
  }
  const moto = await startSeededMoto(accounts, REGIONS, FUNCTIONS);
  return { moto, functions: moto.seeded.functions, setupMs: performance.now() - setupStart };
}

/** A predicate for the drain: true once run `p` is reported; throws past the run deadline. */
function reportedWithin(ledger: {
  state(runId: string): Promise<{ reported: boolean; remaining: number } | null>;
}) {
  return (p: { status: string; runId?: string }) => {
    const deadline = performance.now() + RUN_DEADLINE_MS;
    return async () => {
      if (p.status !== 'planned') return true;
      const state = await ledger.state(p.runId as string);
      if (state?.reported) return true;
      if (performance.now() > deadline)
        throw new Error(
          `run ${p.runId} not reported within ${RUN_DEADLINE_MS / 1000} s: ${state?.remaining} pair(s) still counted open`,
        );
      return false;
    };
  };
}

async function main() {
  installPythonTools();
  const accounts = Array.from({ length: ACCOUNTS }, (_, i) => accountId(i));
  const { moto, functions, setupMs } = await organization(accounts);
  const proxy = await startLatencyProxy(moto.endpoint, LATENCY_MS);
  try {
    const w = await createWorld(moto.endpoint, {
      logger: new Logger({ serviceName: 'bench', logLevel: 'SILENT' }),
      metrics: new Metrics({ namespace: 'Bench' }),
      counted: [],
    });
    const fan = await w.makeFanOut({
      accounts,
      regions: REGIONS,
      memberRoleName: 'LayerWatchReadOnly',
      endpoint: proxy.endpoint,
      stsEndpoint: moto.endpoint,
      attempts: 3,
      visibilitySeconds: 120,
      maxAttempts: 8,
      // Each account and region's Lambda client bounded as the deployed worker's is.
      onClient: (client) => {
        if (client instanceof LambdaClient)
          rateLimited(client, new TokenBucket(SWEEP_LAMBDA_REQUESTS_PER_SECOND));
      },
    });
    const reported = reportedWithin(fan.ledger);
    progress(`setup (${SETUP}): ${(setupMs / 1000).toFixed(1)} s, ${functions} functions`);
    // The first run seeds every baseline (and warms moto's backends); the second is a day like any other.
    const seedStart = performance.now();
    const seeding = await fan.plan();
    await fan.drain(100_000, WORKERS, undefined, reported(seeding));
    const seedMs = performance.now() - seedStart;
    const seedLambdaCalls = proxy.lambdaCalls;
    progress(`first run: ${(seedMs / 1000).toFixed(1)} s, ${seedLambdaCalls} Lambda calls`);
    await w.delivered();
    const pairMs: number[] = [];
    const callsBefore = proxy.lambdaCalls;
    const start = performance.now();
    const planned = await fan.plan();
    const planMs = performance.now() - start;
    const invocations = await fan.drain(100_000, WORKERS, (ms) => pairMs.push(ms), reported(planned));
    const totalMs = performance.now() - start;
    const delivered = await w.delivered();
    const m: Measured = {
      accounts: ACCOUNTS,
      regions: REGION_COUNT,
      functionsPerPair: FUNCTIONS,
      functions,
      latencyMs: LATENCY_MS,
      workers: WORKERS,
      pairs: ACCOUNTS * REGION_COUNT,
      invocations,
      planMs,
      totalMs,
      setupMs,
      pairMs,
      lambdaCalls: proxy.lambdaCalls - callsBefore,
      seedLambdaCalls,
      seedMs,
      setup: SETUP,
    };
    const ok = verdict(m, planned.status, delivered);
    if (!ok) process.exitCode = 1;
  } finally {
    await proxy.close();
    await moto.stop();
  }
}

/** Checks the second run reached every pair with one report, and prints (and records) the figures. */
function verdict(m: Measured, status: string, delivered: { finding: unknown }[]): boolean {
  const reports = delivered
    .map((a) => a.finding as { kind?: string; reached?: number; functions?: number })
    .filter((f) => f.kind === 'sweep-report');
  const report = reports[0];
  const reached =
    status === 'planned' &&
    reports.length === 1 &&
    report?.reached === m.pairs &&
    report.functions === m.functions;
  const modelled = modelMatches(m);
  const ok = reached && modelled;
  const table = [
    `Command: \`npm run bench:sweep\` (${new Date().toISOString().slice(0, 10)}, ${process.env.SWEEP_NOTE ?? 'shared 2-core machine'}, Node ${process.version}, moto on loopback)`,
    '',
    modelTable(m),
    `| every pair reached, one report | ${reached ? 'yes' : `NO (${reports.length} report(s), ${report?.reached ?? 0} of ${m.pairs} reached)`} |`,
    `| the model's Lambda calls per pair are what the sweep sent | ${modelled ? 'yes' : 'NO: bench/sweep-model.ts no longer describes the sweep'} |`,
  ].join('\n');
  process.stdout.write(`${table}\n`);
  if (process.env.BENCH_WRITE !== '0') updateSection('BENCHMARKS.md', 'sweep', table);
  return ok;
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
