/**
 * The offline scan: the same core as the Lambda over records from files. Records are processed in
 * event-time order, duplicates (CloudTrail may deliver an event twice) once, and the baseline is
 * built from the records themselves (CreateFunction and UpdateFunctionConfiguration layer lists).
 */
import type { Finding } from '../domain/finding.js';
import { History } from '../domain/history.js';
import type { LambdaEvent } from '../domain/model.js';
import { DEFAULT_SETTINGS, type DetectionSettings } from '../domain/settings.js';
import { type Classified, classify, type KeptEvent } from './classify.js';
import type { SourceProblem, SourceRecord } from './source-types.js';

export interface ScanStats {
  files: number;
  records: number;
  relevant: number;
  ignored: number;
  malformed: number;
  duplicates: number;
  findings: number;
  suppressed: number;
  /** Files the pre-filter skipped without parsing (no Lambda event in them). */
  unparsedFiles: number;
  /** Bytes (uncompressed) read. */
  bytes: number;
}

export function emptyStats(): ScanStats {
  return {
    files: 0,
    records: 0,
    relevant: 0,
    ignored: 0,
    malformed: 0,
    duplicates: 0,
    findings: 0,
    suppressed: 0,
    unparsedFiles: 0,
    bytes: 0,
  };
}

/** Collects the relevant events of a batch of records; everything else is counted and dropped. */
export class EventCollector {
  private readonly events = new Map<string, KeptEvent>();

  constructor(
    private readonly stats: ScanStats,
    private readonly problems: SourceProblem[],
  ) {}

  /** Records read past without parsing (they name no watched call): counted as skipped. */
  skip(records: number): void {
    this.stats.records += records;
    this.stats.ignored += records;
  }

  add(records: readonly SourceRecord[]): void {
    this.addClassified(classify(records));
  }

  /** Records classified already (by a reader thread, or by `add`), in their order. */
  addClassified(batch: Classified): void {
    this.stats.records += batch.records;
    this.stats.ignored += batch.ignored;
    this.stats.malformed += batch.malformed.length;
    for (const m of batch.malformed)
      this.problems.push({ file: m.file, position: m.position, message: m.reason, kind: 'malformed' });
    for (const kept of batch.events) {
      const seen = this.events.get(kept.key);
      if (!seen) {
        this.stats.relevant += 1;
        this.events.set(kept.key, kept);
        continue;
      }
      this.stats.duplicates += 1;
      // Keep the first copy in (file, position) order, whatever order files were read in.
      if (kept.file < seen.file || (kept.file === seen.file && kept.ordinal < seen.ordinal))
        this.events.set(kept.key, kept);
    }
  }

  /** Events oldest first; ties by file name and position, so the result does not depend on read order. */
  sorted(): LambdaEvent[] {
    return [...this.events.values()]
      .sort(
        (a, b) =>
          a.event.meta.timeMs - b.event.meta.timeMs ||
          (a.file < b.file ? -1 : a.file > b.file ? 1 : a.ordinal - b.ordinal),
      )
      .map((x) => x.event);
  }
}

/** Runs the core over events in order (see History); suppressed findings carry `suppression`. */
export function detect(
  events: readonly LambdaEvent[],
  settings: DetectionSettings = DEFAULT_SETTINGS,
): Finding[] {
  const history = new History(settings);
  return events.map((event) => history.next(event).finding).filter((f): f is Finding => f !== null);
}
