/**
 * What decides whether a rule's pattern or a trail's selectors still feed layerwatch: the digest of
 * an event pattern (by content), and the event sources whose write management events a trail drops.
 */
import { createHash } from 'node:crypto';
import { type EventSelectors, TAMPER_EVENT_SOURCES, TAMPER_SERVICES, type TamperEvent } from '../model.js';

/** Event sources whose write management events layerwatch needs: Lambda's, and those of the tamper watch. */
const NEEDED_SOURCES = [
  ...new Set(['lambda.amazonaws.com', ...TAMPER_SERVICES.map((s) => TAMPER_EVENT_SOURCES[s])]),
];

/** The JSON value with every object's keys sorted: the same pattern, however it was written. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (typeof value !== 'object' || value === null) return value;
  const o = value as Record<string, unknown>;
  return Object.fromEntries(
    Object.keys(o)
      .sort()
      .map((k) => [k, canonical(o[k])]),
  );
}

/** A short digest of an event pattern (JSON text or value), by content; null when it is not JSON. */
export function patternDigest(pattern: unknown): string | null {
  let value = pattern;
  if (typeof pattern === 'string') {
    try {
      value = JSON.parse(pattern);
    } catch {
      return null;
    }
  }
  return createHash('sha256')
    .update(JSON.stringify(canonical(value)))
    .digest('hex')
    .slice(0, 16);
}

/** The remote alarm relays' patterns name alarms of other stacks: not listed, and not a detection path. */
function isAlarmRelay(pattern: string): boolean {
  return pattern.includes('"aws.cloudwatch"') && pattern.includes('layerwatch-remote-');
}

/** PutRule: DISABLED, or another pattern than the ones layerwatch deploys (when they are known). */
export function putRuleHarm(event: TamperEvent, known: readonly string[]): string | null {
  const { state, eventPattern } = event.parameters;
  if (state === 'DISABLED') return 'a layerwatch rule was set to DISABLED';
  if (typeof eventPattern !== 'string' || known.length === 0 || isAlarmRelay(eventPattern)) return null;
  const digest = patternDigest(eventPattern);
  return digest !== null && known.includes(digest)
    ? null
    : "a layerwatch rule's event pattern was replaced: it no longer selects the events layerwatch needs";
}

/**
 * The needed event sources whose write management events the selectors no longer log. Basic
 * selectors: a selector with management events, not read-only, not excluding the source. Advanced
 * selectors: one of category Management whose readOnly and eventSource conditions admit writes of it.
 */
export function droppedSources(selectors: EventSelectors | null): string[] {
  if (!selectors) return [];
  return NEEDED_SOURCES.filter((source) => {
    const basic = selectors.basic.some(
      (s) =>
        s.includeManagementEvents !== false &&
        (s.readWriteType === null || ['All', 'WriteOnly'].includes(s.readWriteType)) &&
        !s.excludeManagementEventSources.includes(source),
    );
    const advanced = selectors.advanced.some((s) => {
      const field = (name: string) => s.fieldSelectors.filter((f) => f.field === name);
      const management = field('eventCategory').some((f) => f.equals.includes('Management'));
      const writes = field('readOnly').every(
        (f) => !f.equals.includes('true') && !f.notEquals.includes('false'),
      );
      const sourceOk = field('eventSource').every(
        (f) =>
          (f.equals.length === 0 || f.equals.includes(source)) &&
          !f.notEquals.includes(source) &&
          (f.startsWith.length === 0 || f.startsWith.some((x) => source.startsWith(x))) &&
          !f.notStartsWith.some((x) => source.startsWith(x)),
      );
      return management && writes && sourceOk;
    });
    return !basic && !advanced;
  });
}
