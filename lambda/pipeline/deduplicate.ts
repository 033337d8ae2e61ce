/**
 * Step 2, deduplicate: exactly one handling per CloudTrail event, whatever EventBridge or Lambda
 * retries deliver. The key is the event's own identity (account, region, eventID), not the
 * EventBridge envelope: a re-drive or a second rule delivers the same event in a new envelope.
 */
import type { IdempotencyStore, OnceKey } from '../adapters/ports.js';
import type { EventMeta } from '../domain/model.js';
import type { HandledResult, HandlerResult } from './outcome.js';
import type { Telemetry } from './telemetry.js';

export function eventKey(meta: Pick<EventMeta, 'account' | 'region' | 'id'>): OnceKey {
  return { event: `${meta.account}|${meta.region}|${meta.id}` };
}

/**
 * Runs `handle` once for the event. A duplicate answers the stored result as `original`; an event
 * another invocation holds throws `IdempotencyAlreadyInProgressError` (Lambda retries it later);
 * when `handle` throws, the event is released so that the retry handles it again.
 */
export async function deduplicate(
  store: IdempotencyStore,
  meta: EventMeta,
  t: Telemetry,
  handle: () => Promise<HandledResult>,
): Promise<HandlerResult> {
  const { result, replayed } = await store.once(eventKey(meta), handle);
  if (!replayed) return result;
  t.logger.info('Duplicate event skipped', { originalOutcome: result.outcome });
  t.count('DuplicateEvents');
  return { outcome: 'duplicate', eventId: meta.id, original: result };
}
