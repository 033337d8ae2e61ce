/**
 * The Lambda host: EventBridge delivers one CloudTrail event per invocation. Outcomes:
 * - malformed or ignored input: logged with the reason and counted; the invocation succeeds
 *   (retrying bad input would loop);
 * - a finding: published, then the baseline is updated;
 * - an adapter failure (publish, baseline store): thrown, so that Lambda retries the async
 *   invocation and finally sends it to the on-failure destination, where an alarm fires.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { AlertPublisher, BaselineStore, FunctionReader } from './adapters/ports.js';
import { normalize } from './domain/cloudtrail.js';
import { analyze, type LiveConfiguration } from './domain/engine.js';
import { isFunctionEvent } from './domain/model.js';
import { renderAlert } from './domain/render/alert.js';

export interface HandlerDeps {
  reader: FunctionReader;
  baselines: BaselineStore;
  publisher: AlertPublisher;
  logger: Logger;
  metrics: Metrics;
}

export type HandlerResult =
  | { outcome: 'malformed'; reason: string }
  | { outcome: 'ignored'; reason: string }
  | { outcome: 'no-finding'; eventId: string }
  | { outcome: 'published'; eventId: string; findingId: string; detectionId: string; messageId: string };

export function createHandler(deps: HandlerDeps): (event: unknown) => Promise<HandlerResult> {
  const { reader, baselines, publisher, logger, metrics } = deps;

  return async (input: unknown) => {
    const normalized = normalize(input);
    try {
      if (normalized.status === 'malformed') {
        logger.error('Malformed event skipped', { reason: normalized.reason, envelopeId: envelopeId(input) });
        metrics.addMetric('MalformedEvents', MetricUnit.Count, 1);
        return { outcome: 'malformed', reason: normalized.reason };
      }
      if (normalized.status === 'ignored') {
        logger.info('Event ignored', { reason: normalized.reason });
        metrics.addMetric('IgnoredEvents', MetricUnit.Count, 1);
        return { outcome: 'ignored', reason: normalized.reason };
      }
      const { event } = normalized;
      logger.appendKeys({ eventId: event.meta.id });

      let baseline = null;
      let live: LiveConfiguration = { status: 'not-read' };
      if (isFunctionEvent(event)) {
        [baseline, live] = await Promise.all([
          baselines.get(event.fn.arn),
          reader.readConfiguration(event.fn),
        ]);
        if (live.status !== 'ok') {
          logger.warn('Function configuration not read', {
            status: live.status,
            detail: 'message' in live ? live.message : null,
          });
          metrics.addMetric('EnrichmentFailures', MetricUnit.Count, 1);
        }
      }

      const analysis = analyze(event, { baseline, live });
      for (const v of analysis.verdicts.filter((x) => x.status === 'error')) {
        logger.error('Detection failed', { detectionId: v.detectionId, error: v.error });
        metrics.addMetric('DetectionErrors', MetricUnit.Count, 1);
      }

      let result: HandlerResult = { outcome: 'no-finding', eventId: event.meta.id };
      if (analysis.finding) {
        const { finding } = analysis;
        const messageId = await publisher.publish(renderAlert(finding));
        logger.info('Finding published', {
          findingId: finding.findingId,
          detectionId: finding.detectionId,
          severity: finding.severity,
          riskScore: finding.riskScore,
          messageId,
        });
        const single = metrics.singleMetric();
        single.addDimension('detectionId', finding.detectionId);
        single.addDimension('severity', finding.severity);
        single.addMetric('FindingsPublished', MetricUnit.Count, 1);
        result = {
          outcome: 'published',
          eventId: event.meta.id,
          findingId: finding.findingId,
          detectionId: finding.detectionId,
          messageId,
        };
      } else {
        logger.info('No finding', { verdicts: analysis.verdicts });
      }
      // After the publish: if this write fails, the retry re-publishes rather than losing the alert.
      if (isFunctionEvent(event) && analysis.state) await baselines.record(event.fn.arn, analysis.state);
      return result;
    } finally {
      metrics.publishStoredMetrics();
      logger.removeKeys(['eventId']);
    }
  };
}

function envelopeId(input: unknown): string | null {
  if (typeof input === 'object' && input !== null && 'id' in input && typeof input.id === 'string')
    return input.id.slice(0, 128);
  return null;
}
