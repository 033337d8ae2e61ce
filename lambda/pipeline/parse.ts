/** Step 1, parse: untrusted input in, a typed event out; bad or irrelevant input is logged, counted, done. */
import { normalize } from '../domain/cloudtrail.js';
import type { LambdaEvent } from '../domain/model.js';
import type { HandlerResult } from './outcome.js';
import type { Telemetry } from './telemetry.js';

export type Parsed =
  | { status: 'relevant'; event: LambdaEvent }
  /** Nothing to do; the invocation succeeds (retrying bad input would loop). */
  | { status: 'done'; result: Extract<HandlerResult, { outcome: 'malformed' | 'ignored' }> };

export function parse(input: unknown, t: Telemetry): Parsed {
  const normalized = normalize(input);
  if (normalized.status === 'malformed') {
    t.logger.error('Malformed event skipped', { reason: normalized.reason, envelopeId: envelopeId(input) });
    t.count('MalformedEvents');
    return { status: 'done', result: { outcome: 'malformed', reason: normalized.reason } };
  }
  if (normalized.status === 'ignored') {
    t.logger.info('Event ignored', { reason: normalized.reason });
    t.count('IgnoredEvents');
    return { status: 'done', result: { outcome: 'ignored', reason: normalized.reason } };
  }
  return { status: 'relevant', event: normalized.event };
}

/** The EventBridge envelope's id, if any, to find a malformed event in the logs. */
function envelopeId(input: unknown): string | null {
  if (typeof input === 'object' && input !== null && 'id' in input && typeof input.id === 'string')
    return input.id.slice(0, 128);
  return null;
}
