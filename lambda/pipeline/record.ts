/**
 * Step 6, record: the state the event established, written after delivery. If a write fails, the
 * invocation fails and its retry finds the same change again: the alert is never lost (and, its
 * delivery being recorded per sink, not sent twice).
 */
import type { BaselineStore, CorrelationStore } from '../adapters/ports.js';
import type { Analysis } from '../domain/engine.js';
import { isFunctionEvent, type LambdaEvent, qualifierFunctionOf } from '../domain/model.js';

export interface RecordPorts {
  readonly baselines: BaselineStore;
  readonly correlations: CorrelationStore;
}

export async function record(
  event: LambdaEvent,
  analysis: Pick<Analysis, 'state' | 'publish'> & Partial<Pick<Analysis, 'qualifier'>>,
  ports: RecordPorts,
): Promise<void> {
  if (analysis.publish) await ports.correlations.recordPublish(analysis.publish);
  if (isFunctionEvent(event) && analysis.state) await ports.baselines.record(event.fn.arn, analysis.state);
  const fn = qualifierFunctionOf(event);
  if (fn && analysis.qualifier) await ports.baselines.recordQualifier(fn.arn, analysis.qualifier);
}
