/**
 * A record turned into what the scan keeps of it: the core's event with its duplicate key, the
 * reason it is malformed, or only a count when the core ignores it. Order-independent, so a reader
 * thread does it for its own files while the others are still read, and the main thread is left
 * with the order-dependent replay; the single-threaded path calls the same function.
 */
import { createHash } from 'node:crypto';
import { normalize } from '../domain/cloudtrail.js';
import type { LambdaEvent } from '../domain/model.js';
import type { SourceRecord } from './source-types.js';

export interface KeptEvent {
  /** A redelivered event is identical; distinct events that reuse an id (synthetic data) are kept. */
  key: string;
  event: LambdaEvent;
  file: string;
  ordinal: number;
}

export interface MalformedRecord {
  file: string;
  position: string;
  reason: string;
}

/** A batch of records, classified in their order. */
export interface Classified {
  records: number;
  ignored: number;
  malformed: MalformedRecord[];
  events: KeptEvent[];
}

export function emptyClassified(): Classified {
  return { records: 0, ignored: 0, malformed: [], events: [] };
}

/** Adds `records` to `into` (in order) and returns it. */
export function classify(records: readonly SourceRecord[], into: Classified = emptyClassified()): Classified {
  for (const record of records) {
    into.records += 1;
    if (record.malformed !== undefined) {
      into.malformed.push({ file: record.file, position: record.position, reason: record.malformed });
      continue;
    }
    const result = normalize(record.value);
    if (result.status === 'ignored') into.ignored += 1;
    else if (result.status === 'malformed')
      into.malformed.push({ file: record.file, position: record.position, reason: result.reason });
    else {
      const digest = createHash('sha1').update(JSON.stringify(result.event)).digest('hex');
      into.events.push({
        key: `${result.event.meta.id}|${digest}`,
        event: result.event,
        file: record.file,
        ordinal: record.ordinal,
      });
    }
  }
  return into;
}
