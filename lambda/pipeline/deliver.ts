/**
 * Step 5, deliver: a finding goes to every sink (see sinks.ts), unless the settings suppress it, in
 * which case it is logged and counted instead. Delivery failures throw, so that Lambda retries.
 */
import type { FindingSink, IdempotencyStore, OnceKey } from '../adapters/ports.js';
import type { Analysis } from '../domain/engine.js';
import type { LambdaEvent } from '../domain/model.js';
import type { HandledResult } from './outcome.js';
import { type DeliveryGuard, deliverToSinks, throwIfFailed } from './sinks.js';
import type { Telemetry } from './telemetry.js';

/** Each sink's delivery of an event's finding happens once, under the event's key plus the sink. */
export function perSink(store: IdempotencyStore, key: OnceKey): DeliveryGuard {
  return (sink, work) => store.once({ ...key, sink }, work);
}

export async function deliver(
  event: LambdaEvent,
  analysis: Pick<Analysis, 'finding' | 'verdicts'>,
  sinks: readonly FindingSink[],
  guard: DeliveryGuard,
  t: Telemetry,
): Promise<HandledResult> {
  const { finding } = analysis;
  const eventId = event.meta.id;
  if (!finding) {
    t.logger.info('No finding', { verdicts: analysis.verdicts });
    return { outcome: 'no-finding', eventId };
  }
  const { findingId, detectionId, severity } = finding;
  if (finding.suppression) {
    const { rule, match } = finding.suppression;
    t.logger.info('Finding suppressed', { findingId, detectionId, severity, rule, match });
    t.count('FindingsSuppressed', { detectionId });
    return { outcome: 'suppressed', eventId, findingId, detectionId, rule };
  }
  const settled = await deliverToSinks(finding, sinks, guard, t);
  const alert = settled.deliveries.find((d) => d.sink === sinks[0]?.name);
  if (alert) {
    t.logger.info('Finding published', {
      findingId,
      detectionId,
      severity,
      riskScore: finding.riskScore,
      // What the dashboard's latest-findings query shows (lib/constructs/dashboard.ts).
      functionArn: finding.function?.arn ?? null,
      layers: finding.layers?.added ?? [],
      actor: finding.actor.arn,
      messageId: alert.id,
      deliveries: settled.deliveries,
    });
    // Once per finding: a retry that re-delivers only to a failed secondary sink does not count.
    if (!alert.replayed) t.count('FindingsPublished', { detectionId, severity });
  }
  throwIfFailed(settled, findingId);
  return { outcome: 'published', eventId, findingId, detectionId, messageId: alert?.id ?? '' };
}
