/**
 * Where `layerwatch hunt` gets its records: CloudTrail's 90-day Event history (LookupEvents, for
 * accounts without a trail) or an Athena query over the CloudTrail table (years of history). Each
 * yields records as the scan's readers do, and problems instead of dropping anything.
 */
import type { AthenaProgress, AthenaRow } from '../adapters/athena-query-runner.js';
import type { LookedUpEvent, LookupOptions } from '../adapters/cloudtrail-lookup-events-reader.js';
import { recordOfRow } from './athena.js';
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
}

/** Every candidate event (a layer operation or a tampering call) of the regions' Event history in [since, until]. */
export async function huntLookupEvents(
  sources: ReadonlyMap<string, LookupSource>,
  window: { since: Date | undefined; until: Date | undefined },
  sink: HuntSink,
): Promise<void> {
  for (const [region, source] of sources) {
    const file = `cloudtrail event history ${region}`;
    let ordinal = 0;
    const onPage = (p: { eventName: string; events: number }) =>
      sink.progress(`${region}: ${p.eventName}, ${p.events} event(s) on this page`);
    for await (const e of source.events({ startTime: window.since, endTime: window.until, onPage })) {
      ordinal += 1;
      if (e.status === 'ok') sink.add([{ file, position: `event ${e.eventId}`, ordinal, value: e.record }]);
      else sink.problem({ file, position: `event ${e.eventId}`, message: e.message, kind: 'invalid' });
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
    const cells = Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v ?? '']));
    sink.add([{ file: 'athena', position: `row ${ordinal}`, ordinal, value: recordOfRow(cells) }]);
  }
}
