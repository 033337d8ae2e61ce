/**
 * The drift sweep (scheduled): lists every function of every covered account and region, seeds
 * baselines for functions never seen, and reports `lambda-layer-drift` for layer lists that changed
 * without an event. Pairs are swept a few at a time; one that cannot be listed is reported to the
 * operations topic, never passed over in silence.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { AlertPublisher, BaselineStore, FunctionLister } from './adapters/ports.js';
import { latestState } from './domain/baseline.js';
import { analyze } from './domain/engine.js';
import { sameLayers } from './domain/layers.js';
import { observationEvent } from './domain/observation.js';
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
    const sweepPair = async ({ account, region }: { account: string; region: string }) => {
      try {
        for await (const o of lister.listFunctions(account, region)) {
          summary.functions += 1;
          const baseline = await baselines.get(o.fn.arn);
          const known = latestState(baseline);
          if (known && sameLayers(known.layers, o.layers)) {
            summary.unchanged += 1;
            continue;
          }
          const event = observationEvent(o, summary.startedAt);
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
          if (known) summary.drifted += 1;
          else summary.seeded += 1;
          if (state) await baselines.record(o.fn.arn, { ...state, source: 'observed' });
        }
        summary.reached += 1;
      } catch (error) {
        const e = error as Error;
        summary.unreachable.push({ account, region, error: `${e.name}: ${e.message}` });
        logger.error('Sweep could not list functions', { account, region, error: e.message });
      }
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
    return summary;
  };
}
