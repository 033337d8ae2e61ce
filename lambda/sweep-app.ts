/**
 * The drift sweep (scheduled): lists every function of every covered account and region, seeds
 * baselines for functions never seen, and reports `lambda-layer-drift` for layer lists that changed
 * without an event. Pairs are swept a few at a time; one that cannot be listed is reported to the
 * operations topic, never passed over in silence.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { AlertPublisher, BaselineStore, FunctionLister } from './adapters/ports.js';
import { latestState } from './domain/baseline.js';
import { analyze } from './domain/engine.js';
import { sameLayers } from './domain/layers.js';
import { type Observation, observationEvent } from './domain/observation.js';
import { renderAlert } from './domain/render/alert.js';
import { renderSweepReport, type SweepSummary } from './domain/render/sweep.js';
import type { DetectionSettings } from './domain/settings.js';

export interface SweepDeps {
  lister: FunctionLister;
  baselines: BaselineStore;
  publisher: AlertPublisher;
  /** Where coverage gaps are reported (the operations topic). */
  reporter: AlertPublisher;
  settings: DetectionSettings;
  accounts: readonly string[];
  regions: readonly string[];
  concurrency?: number;
  logger: Logger;
  metrics: Metrics;
  now?: () => Date;
}

export function createSweep(deps: SweepDeps): () => Promise<SweepSummary> {
  const { lister, baselines, publisher, reporter, settings, logger, metrics } = deps;
  return async () => {
    // Unique per run even when two runs read the same clock: an event id must never repeat across
    // runs, or the baseline would take the previous run's state for this event's own.
    const runId = `${(deps.now?.() ?? new Date()).toISOString()}#${randomUUID()}`;
    const pairs = deps.accounts.flatMap((account) => deps.regions.map((region) => ({ account, region })));
    const summary: SweepSummary = {
      startedAt: (deps.now?.() ?? new Date()).toISOString(),
      pairs: pairs.length,
      reached: 0,
      functions: 0,
      seeded: 0,
      drifted: 0,
      unchanged: 0,
      unreachable: [],
    };
    // Only listing failures are coverage gaps. A drift alert that cannot be published (or a baseline
    // that cannot be written) fails the run after the report, so that the sweep alarm fires and the
    // next run reports the drift again (its baseline was not moved).
    const failures: Error[] = [];
    const sweepPair = async ({ account, region }: { account: string; region: string }) => {
      const functions = lister.listFunctions(account, region)[Symbol.asyncIterator]();
      for (;;) {
        let next: IteratorResult<Observation>;
        try {
          next = await functions.next();
        } catch (error) {
          const e = error as Error;
          summary.unreachable.push({ account, region, error: `${e.name}: ${e.message}` });
          logger.error('Sweep could not list functions', { account, region, error: e.message });
          return;
        }
        if (next.done) break;
        try {
          await observe(next.value);
        } catch (error) {
          failures.push(error as Error);
          logger.error('Sweep could not report or record a function', {
            functionArn: next.value.fn.arn,
            error: (error as Error).message,
          });
        }
      }
      summary.reached += 1;
    };
    const observe = async (o: Observation) => {
      summary.functions += 1;
      const baseline = await baselines.get(o.fn.arn);
      const known = latestState(baseline);
      if (known && sameLayers(known.layers, o.layers)) {
        summary.unchanged += 1;
        return;
      }
      const event = observationEvent(o, runId);
      const { finding, state } = analyze(event, {
        baseline,
        live: { status: 'ok', layers: o.layers, runtime: o.runtime, role: o.role },
        settings,
      });
      if (finding && !finding.suppression) {
        await publisher.publish(renderAlert(finding));
        logger.info('Drift published', {
          functionArn: o.fn.arn,
          findingId: finding.findingId,
          severity: finding.severity,
        });
      }
      if (state) await baselines.record(o.fn.arn, { ...state, source: 'observed' });
      if (known) summary.drifted += 1;
      else summary.seeded += 1;
    };
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.max(1, Math.min(deps.concurrency ?? 4, pairs.length)) }, async () => {
        for (let i = next++; i < pairs.length; i = next++)
          await sweepPair(pairs[i] as { account: string; region: string });
      }),
    );
    for (const [name, value] of [
      ['SweepFunctions', summary.functions],
      ['SweepSeeded', summary.seeded],
      ['SweepDrifted', summary.drifted],
      ['SweepUnreachable', summary.unreachable.length],
    ] as const) {
      metrics.addMetric(name, MetricUnit.Count, value);
    }
    metrics.publishStoredMetrics();
    logger.info('Sweep done', { ...summary });
    if (summary.unreachable.length > 0) await reporter.publish(renderSweepReport(summary));
    if (failures.length > 0) {
      throw new AggregateError(
        failures,
        `layerwatch sweep: ${failures.length} function(s) could not be reported or recorded`,
      );
    }
    return summary;
  };
}
