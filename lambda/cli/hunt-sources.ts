/**
 * Where `layerwatch hunt` gets its records: CloudTrail's 90-day Event history (LookupEvents, for
 * accounts without a trail) or an Athena query over the CloudTrail table (years of history). Each
 * yields records as the scan's readers do, and problems instead of dropping anything.
 */
import type { AthenaProgress, AthenaRow } from '../adapters/athena-query-runner.js';
import type { LookedUpEvent, LookupOptions } from '../adapters/cloudtrail-lookup-events-reader.js';
import { LOOKUP_EVENT_NAMES } from '../adapters/cloudtrail-lookup-events-reader.js';
import { rowRecord } from './athena.js';
import { isolate, type PartOutcome } from './parts.js';
import type { SourceProblem, SourceRecord } from './source-types.js';

export interface LookupSource {
  events(options: LookupOptions): AsyncIterable<LookedUpEvent>;
}

export interface AthenaSource {
  rows(onProgress: (p: AthenaProgress) => void): AsyncIterable<AthenaRow>;
}

export interface HuntSink {
  add(records: SourceRecord[]): void;
  problem(p: SourceProblem): void;
  progress(text: string): void;
  /** How each part (a region's event name) ended, for the summary. */
  part?(outcome: PartOutcome): void;
}

/** After this many names of a region failed in a row with the same error, the region's others are skipped. */
export const REGION_GIVE_UP_AFTER = 2;

/**
 * Every candidate event (a layer operation or a tampering call) of the regions' Event history in
 * [since, until]. Each region and each event name is a part of its own: one that fails is reported
 * with AWS's error, the region and the name, and the others are still looked up, so the order of
 * --region never decides what is found. A region whose names keep failing with the same error (not
 * enabled, no access) has its remaining names reported as skipped rather than tried one by one.
 */
export async function huntLookupEvents(
  sources: ReadonlyMap<string, LookupSource>,
  window: { since: Date | undefined; until: Date | undefined },
  sink: HuntSink,
  names: readonly string[] = LOOKUP_EVENT_NAMES,
): Promise<void> {
  for (const [region, source] of sources) {
    const file = `cloudtrail event history ${region}`;
    let ordinal = 0;
    let streak: { error: string; count: number } = { error: '', count: 0 };
    for (const [i, eventName] of names.entries()) {
      const looked = await isolate(
        eventName,
        async () => {
          const onPage = (p: { eventName: string; events: number }) =>
            sink.progress(`${region}: ${p.eventName}, ${p.events} event(s) on this page`);
          const options = { startTime: window.since, endTime: window.until, eventNames: [eventName], onPage };
          for await (const e of source.events(options)) {
            ordinal += 1;
            if (e.status === 'ok')
              sink.add([{ file, position: `event ${e.eventId}`, ordinal, value: e.record }]);
            else sink.problem({ file, position: `event ${e.eventId}`, message: e.message, kind: 'invalid' });
          }
        },
        region,
      );
      const part = `${region} ${eventName}`;
      if (looked.ok) {
        sink.part?.({ part, status: 'done', where: region, detail: 'looked up' });
        streak = { error: '', count: 0 };
        continue;
      }
      sink.part?.({ ...looked.outcome, part });
      const error = looked.outcome.error ?? 'Error';
      sink.problem({
        file,
        position: eventName,
        message: `not looked up: ${looked.outcome.detail}`,
        kind: 'unreadable',
      });
      streak = { error, count: streak.error === error ? streak.count + 1 : 1 };
      const rest = names.slice(i + 1);
      if (streak.count >= REGION_GIVE_UP_AFTER && rest.length > 0) {
        for (const name of rest)
          sink.part?.({
            part: `${region} ${name}`,
            status: 'skipped',
            where: region,
            detail: `after ${error}`,
          });
        sink.problem({
          file,
          position: null,
          message: `skipped: ${rest.length} more event name(s) not looked up after ${streak.count} in a row failed with ${error} (${rest.join(', ')})`,
          kind: 'unreadable',
        });
        break;
      }
    }
  }
}

/** Every row of the Athena query, as CloudTrail records again. */
export async function huntAthena(source: AthenaSource, sink: HuntSink): Promise<void> {
  let ordinal = 0;
  const onProgress = (p: AthenaProgress) =>
    sink.progress(
      `athena ${p.executionId}: ${p.state}, ${(p.elapsedMs / 1000).toFixed(0)} s${p.dataScannedBytes === null ? '' : `, ${(p.dataScannedBytes / 1e6).toFixed(1)} MB scanned`}`,
    );
  for await (const row of source.rows(onProgress)) {
    ordinal += 1;
    const cells = Object.fromEntries(Object.entries(row).map(([k, v]) => [k.toLowerCase(), v ?? '']));
    // Each row alone: one whose JSON does not parse is named with its column, the next rows still read.
    const r = rowRecord('athena', cells, ordinal, ordinal);
    if ('record' in r) sink.add([r.record]);
    else sink.problem(r.problem);
  }
}
