/**
 * Fan-out step 2, one pair: the sweep of one account and region (sweep-pair.ts, then per function
 * sweep-observe.ts and sweep-qualifiers.ts), its outcome settled in the ledger. A failed attempt (the pair
 * could not be listed, a drift could not be delivered or recorded) keeps its error and throws, so
 * that the queue hands the pair out again; once the queue gives up (the dead-letter queue), the
 * pair is settled as failed with the last error known. The pair that settles a run's last one
 * reports the run.
 */
import type { FunctionLister } from '../adapters/ports.js';
import type { PairOutcome, PlannedPair } from '../domain/sweep-ledger.js';
import { type CoveragePorts, reportCoverage } from './sweep-coverage.js';
import { type ObservePorts, observeFunction } from './sweep-observe.js';
import { sweepPair } from './sweep-pair.js';
import { observeQualifiers } from './sweep-qualifiers.js';
import { startRun } from './sweep-run.js';
import type { Telemetry } from './telemetry.js';

export interface TaskPorts extends CoveragePorts, ObservePorts {
  readonly lister: FunctionLister;
}

export class PairAttemptError extends Error {
  override name = 'PairAttemptError';
}

/** How long a pair's items are kept: past any run's hold, then they expire. */
const KEEP_SECONDS = 8 * 24 * 3600;

export interface PairTaskInput extends PlannedPair {
  readonly runId: string;
  /** The queue's receive count for this message (1 on the first attempt). */
  readonly attempt: number;
  /** True when the message comes from the dead-letter queue: the pair's retries are spent. */
  readonly givenUp: boolean;
}

export async function runPairTask(
  task: PairTaskInput,
  ports: TaskPorts,
  t: Telemetry,
  now: Date,
): Promise<void> {
  const pair = { account: task.account, region: task.region };
  const expiresAt = Math.floor(now.getTime() / 1000) + KEEP_SECONDS;
  const outcome = task.givenUp ? await givenUp(task, ports) : await attempt(task, ports, t, expiresAt);
  const left = await ports.ledger.settle(task.runId, pair, outcome, expiresAt);
  if (left === null) t.logger.info('Sweep pair settled before', { ...pair, runId: task.runId });
  // A pair settled before may be the last one whose report failed: its retry reports the run.
  if (left !== 0 && left !== null) return;
  const state = await ports.ledger.state(task.runId);
  if (state && state.remaining <= 0 && !state.reported) await reportCoverage(state.run, ports, t, now);
}

async function givenUp(task: PairTaskInput, ports: TaskPorts): Promise<PairOutcome> {
  const [record] = await ports.ledger.records(task.runId, [task]);
  const last = record?.lastError ?? 'the worker never finished (timed out or stopped)';
  return { status: 'failed', error: `given up after its retries: ${last}` };
}

async function attempt(
  task: PairTaskInput,
  ports: TaskPorts,
  t: Telemetry,
  expiresAt: number,
): Promise<PairOutcome> {
  const pair = { account: task.account, region: task.region };
  const run = { ...startRun([task.account], [task.region], new Date()), runId: task.runId };
  await sweepPair(
    pair,
    ports.lister,
    async (o) => {
      run.summary.functions += 1;
      run.summary[await observeFunction(o, run.runId, ports, t)] += 1;
      await observeQualifiers(o, run, ports, t);
    },
    run,
    t,
  );
  const errors = [
    ...run.summary.unreachable.map((u) => u.error),
    ...run.failures.map((f) => `could not report or record: ${f.message}`),
  ];
  if (errors.length > 0) {
    const error = errors.slice(0, 3).join('; ');
    await ports.ledger.noteAttempt(task.runId, pair, error, task.attempt, expiresAt);
    throw new PairAttemptError(`sweep of ${task.account}/${task.region}, attempt ${task.attempt}: ${error}`);
  }
  // The versions-and-aliases counts and gaps travel with the outcome, so that the run's report names them.
  const { functions, seeded, drifted, unchanged, aliases, versionsRead, qualifiersDrifted } = run.summary;
  const { qualifierGaps, qualifierGapsMore } = run.summary;
  return {
    status: 'ok',
    functions,
    seeded,
    drifted,
    unchanged,
    ...(aliases !== undefined && { aliases }),
    ...(versionsRead !== undefined && { versionsRead }),
    ...(qualifiersDrifted !== undefined && { qualifiersDrifted }),
    ...(qualifierGaps !== undefined && { qualifierGaps }),
    ...(qualifierGapsMore !== undefined && { qualifierGapsMore }),
  };
}
