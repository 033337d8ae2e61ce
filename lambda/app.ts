/**
 * The Lambda host: EventBridge delivers one CloudTrail event per invocation. Outcomes:
 * - malformed or ignored input: logged with the reason and counted; the invocation succeeds
 *   (retrying bad input would loop);
 * - a finding: published (or, when settings suppress it, logged and counted), then state recorded;
 * - an adapter failure on the alert path (publish, baseline store): thrown, so that Lambda retries
 *   the async invocation and finally sends it to the on-failure destination, where an alarm fires.
 * Enrichment (function configuration, layer lookups, correlation) never blocks an alert: what
 * cannot be read is named in the finding's `gaps`.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { EventInProgressError } from './adapters/errors.js';
import type {
  AlertPublisher,
  BaselineStore,
  CorrelationStore,
  FunctionReader,
  IdempotencyStore,
  LayerReader,
} from './adapters/ports.js';
import type { Baseline } from './domain/baseline.js';
import { normalize } from './domain/cloudtrail.js';
import type { PublishRecord } from './domain/correlation.js';
import { analyze, type LiveConfiguration, layersToLookUp } from './domain/engine.js';
import { isFunctionEvent, type LambdaEvent } from './domain/model.js';
import type { LayerLookup } from './domain/provenance.js';
import { renderAlert } from './domain/render/alert.js';
import type { DetectionSettings } from './domain/settings.js';

export interface HandlerDeps {
  reader: FunctionReader;
  layers: LayerReader;
  baselines: BaselineStore;
  correlations: CorrelationStore;
  idempotency: IdempotencyStore;
  publisher: AlertPublisher;
  settings: DetectionSettings;
  logger: Logger;
  metrics: Metrics;
}

export type HandlerResult =
  | { outcome: 'malformed'; reason: string }
  | { outcome: 'ignored'; reason: string }
  | { outcome: 'duplicate'; eventId: string }
  | { outcome: 'no-finding'; eventId: string }
  | { outcome: 'suppressed'; eventId: string; findingId: string; detectionId: string; rule: string }
  | { outcome: 'published'; eventId: string; findingId: string; detectionId: string; messageId: string };

export function createHandler(deps: HandlerDeps): (event: unknown) => Promise<HandlerResult> {
  const { reader, layers, baselines, correlations, idempotency, publisher, settings, logger, metrics } = deps;

  // Metrics with dimensions go out at once (single metrics); the others are flushed at the end of
  // the invocation, and only if there are any (an empty flush logs a warning on every event).
  let stored = false;
  const count = (name: string, dimensions: Record<string, string> = {}) => {
    if (Object.keys(dimensions).length === 0) {
      metrics.addMetric(name, MetricUnit.Count, 1);
      stored = true;
      return;
    }
    const single = metrics.singleMetric();
    for (const [k, v] of Object.entries(dimensions)) single.addDimension(k, v);
    single.addMetric(name, MetricUnit.Count, 1);
  };

  const readLayers = async (
    arns: readonly string[],
    viaAccount: string,
  ): Promise<Record<string, LayerLookup>> => {
    const entries = await Promise.all(
      arns.map(async (arn) => [arn, await layers.readLayer(arn, viaAccount)] as const),
    );
    for (const [arn, lookup] of entries) {
      if (lookup.status !== 'ok') {
        logger.warn('Layer not read', {
          layerVersionArn: arn,
          status: lookup.status,
          detail: lookup.message,
        });
        count('EnrichmentFailures');
      }
    }
    return Object.fromEntries(entries);
  };

  const readPublishes = async (arns: readonly string[]): Promise<PublishRecord[]> => {
    if (arns.length === 0) return [];
    try {
      return await correlations.publishesOf(arns);
    } catch (error) {
      logger.warn('Correlation state not read', {
        error: error instanceof Error ? error.message : String(error),
      });
      count('EnrichmentFailures');
      return [];
    }
  };

  const handle = async (event: LambdaEvent): Promise<HandlerResult> => {
    let baseline: Baseline | null = null;
    let live: LiveConfiguration = { status: 'not-read' };
    if (isFunctionEvent(event)) {
      [baseline, live] = await Promise.all([baselines.get(event.fn.arn), reader.readConfiguration(event.fn)]);
      if (live.status !== 'ok') {
        logger.warn('Function configuration not read', {
          status: live.status,
          detail: 'message' in live ? live.message : null,
        });
        count('EnrichmentFailures');
      }
    }
    const subjects = layersToLookUp(event, { baseline, live });
    const [lookups, publishes] = await Promise.all([
      readLayers(subjects, isFunctionEvent(event) ? event.fn.account : event.meta.account),
      readPublishes(subjects),
    ]);

    const analysis = analyze(event, { baseline, live, layers: lookups, publishes, settings });
    for (const v of analysis.verdicts.filter((x) => x.status === 'error')) {
      logger.error('Detection failed', { detectionId: v.detectionId, error: v.error });
      count('DetectionErrors');
    }

    let result: HandlerResult = { outcome: 'no-finding', eventId: event.meta.id };
    const { finding } = analysis;
    if (finding?.suppression) {
      logger.info('Finding suppressed', {
        findingId: finding.findingId,
        detectionId: finding.detectionId,
        severity: finding.severity,
        rule: finding.suppression.rule,
        match: finding.suppression.match,
      });
      count('FindingsSuppressed', { detectionId: finding.detectionId });
      result = {
        outcome: 'suppressed',
        eventId: event.meta.id,
        findingId: finding.findingId,
        detectionId: finding.detectionId,
        rule: finding.suppression.rule,
      };
    } else if (finding) {
      const messageId = await publisher.publish(renderAlert(finding));
      logger.info('Finding published', {
        findingId: finding.findingId,
        detectionId: finding.detectionId,
        severity: finding.severity,
        riskScore: finding.riskScore,
        messageId,
      });
      count('FindingsPublished', { detectionId: finding.detectionId, severity: finding.severity });
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
    // After the publish: if a write fails, the retry re-publishes rather than losing the alert.
    if (analysis.publish) await correlations.recordPublish(analysis.publish);
    if (isFunctionEvent(event) && analysis.state) await baselines.record(event.fn.arn, analysis.state);
    return result;
  };

  return async (input: unknown) => {
    const normalized = normalize(input);
    try {
      if (normalized.status === 'malformed') {
        logger.error('Malformed event skipped', { reason: normalized.reason, envelopeId: envelopeId(input) });
        count('MalformedEvents');
        return { outcome: 'malformed', reason: normalized.reason };
      }
      if (normalized.status === 'ignored') {
        logger.info('Event ignored', { reason: normalized.reason });
        count('IgnoredEvents');
        return { outcome: 'ignored', reason: normalized.reason };
      }
      const { event } = normalized;
      logger.appendKeys({ eventId: event.meta.id });
      // Exactly one alert per CloudTrail event, whatever EventBridge or Lambda retries deliver.
      const key = `${event.meta.account}|${event.meta.region}|${event.meta.id}`;
      const claim = await idempotency.claim(key);
      if (claim === 'done') {
        logger.info('Duplicate event skipped');
        count('DuplicateEvents');
        return { outcome: 'duplicate', eventId: event.meta.id };
      }
      if (claim === 'in-progress')
        throw new EventInProgressError(`event ${key} is being handled by another invocation`);
      let result: HandlerResult;
      try {
        result = await handle(event);
      } catch (error) {
        await idempotency.release(key);
        throw error;
      }
      await idempotency.complete(key, result.outcome);
      return result;
    } finally {
      if (stored) metrics.publishStoredMetrics();
      stored = false;
      logger.removeKeys(['eventId']);
    }
  };
}

function envelopeId(input: unknown): string | null {
  if (typeof input === 'object' && input !== null && 'id' in input && typeof input.id === 'string')
    return input.id.slice(0, 128);
  return null;
}
