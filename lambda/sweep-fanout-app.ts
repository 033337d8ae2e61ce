/**
 * The fanned-out sweep (organization mode): the scheduled function plans a run and queues its
 * pairs; a worker function sweeps each pair from the queue, one account at a time; the pair that
 * settles a run's last one reports the run. Steps in lambda/pipeline/sweep-plan.ts, sweep-task.ts,
 * sweep-coverage.ts.
 *
 *   plan: discover -> claim the sweep (or skip: a run holds it) -> queue each pair
 *   worker, per message: sweep the pair (retried by the queue) | given up (dead-letter queue)
 *                        -> settle -> the last one reports the run
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type {
  AlertPublisher,
  OrganizationAccounts,
  PairQueue,
  PairRetry,
  SweepLedger,
} from './adapters/ports.js';
import { parsePairTask } from './adapters/sqs-pair-queue.js';
import { pairRetryDelaySeconds } from './domain/sweep-ledger.js';
import { type PlanResult, planRun } from './pipeline/sweep-plan.js';
import { discoverAccounts } from './pipeline/sweep-run.js';
import { runPairTask, type TaskPorts } from './pipeline/sweep-task.js';
import { invocationTelemetry, type Telemetry } from './pipeline/telemetry.js';

export interface SweepPlanDeps {
  ledger: SweepLedger;
  queue: PairQueue;
  reporter: AlertPublisher;
  accounts: readonly string[];
  discover?: OrganizationAccounts;
  regions: readonly string[];
  /** How long a run holds the sweep. */
  holdHours: number;
  logger: Logger;
  metrics: Metrics;
  now?: () => Date;
}

export function createSweepPlan(deps: SweepPlanDeps): () => Promise<PlanResult> {
  const t = invocationTelemetry(deps.logger, deps.metrics);
  return async () => {
    try {
      const discovered = await discoverAccounts(deps.discover, t);
      const accounts = [...new Set([...deps.accounts, ...discovered.accounts])];
      return await planRun(
        { accounts, regions: deps.regions, discoveryError: discovered.error },
        deps.holdHours,
        deps,
        t,
        deps.now?.() ?? new Date(),
      );
    } finally {
      t.flush();
    }
  };
}

export interface SweepWorkerDeps extends Omit<TaskPorts, 'metrics'> {
  /** Messages from this queue are pairs whose retries are spent. */
  deadLetterQueueArn: string;
  /** Hands a failed pair of the sweep's queue out again after its backoff (else: the queue's visibility timeout). */
  retry?: PairRetry;
  logger: Logger;
  metrics: Metrics;
  now?: () => Date;
}

/**
 * Each message, one pair. A failed attempt is returned as a batch item failure, handed out again
 * after its backoff (30 s, 2 min, 8 min; the queue's visibility timeout when the backoff cannot be
 * set, and for a message of the dead-letter queue), and so is every later message of the batch: a
 * FIFO queue's order within an account must hold. A body that is no pair is logged and dropped.
 */
export function createSweepWorker(deps: SweepWorkerDeps): (event: SQSEvent) => Promise<SQSBatchResponse> {
  const t = invocationTelemetry(deps.logger, deps.metrics);
  const ports: TaskPorts = { ...deps, metrics: deps.metrics };
  return async (event) => {
    const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
    for (const record of event.Records) {
      if (batchItemFailures.length > 0) {
        batchItemFailures.push({ itemIdentifier: record.messageId });
        continue;
      }
      const task = parsePairTask(record.body);
      if (!task) {
        t.logger.error('Sweep message is not a pair: dropped', { messageId: record.messageId });
        continue;
      }
      const attempt = Number(record.attributes.ApproximateReceiveCount) || 1;
      const givenUp = record.eventSourceARN === deps.deadLetterQueueArn;
      try {
        await runPairTask({ ...task, attempt, givenUp }, ports, t, deps.now?.() ?? new Date());
      } catch (error) {
        t.logger.error('Sweep pair failed: handed back to the queue', {
          account: task.account,
          region: task.region,
          error: (error as Error).message,
        });
        batchItemFailures.push({ itemIdentifier: record.messageId });
        if (!givenUp) await retryLater(deps.retry, record.receiptHandle, attempt, t);
      }
    }
    t.flush();
    return { batchItemFailures };
  };
}

/** Sets a failed pair's backoff; when that fails too, the queue's visibility timeout applies (logged). */
async function retryLater(
  retry: PairRetry | undefined,
  receiptHandle: string,
  attempt: number,
  t: Telemetry,
): Promise<void> {
  if (!retry) return;
  const seconds = pairRetryDelaySeconds(attempt);
  try {
    await retry.retryIn(receiptHandle, seconds);
  } catch (error) {
    t.logger.warn('Sweep pair backoff not set: the queue visibility timeout applies', {
      seconds,
      error: (error as Error).message,
    });
  }
}
