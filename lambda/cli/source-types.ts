/**
 * What every reader hands to the scan: records with where they came from, and the problems met on
 * the way. Its own module so that the readers (JSON, Athena CSV, S3) depend on it and not on each other.
 */

export interface SourceRecord {
  file: string;
  /** For diagnostics: `Records[3]`, `line 12`, `line 4 Records[0]`, `row 7`. */
  position: string;
  /** Increases with the record's place in its file: ties in event time keep file order. */
  ordinal: number;
  value: unknown;
  /**
   * Why the reader could not make a record of it (a lookup-events element without its
   * CloudTrailEvent string, `Records` that is not an array): counted as a record and as malformed,
   * as the detection core's own malformed records are, whichever way the input was read.
   */
  malformed?: string;
}

/** A record the reader could not make: counted and reported as malformed (see `malformed`). */
export function malformedRecord(
  file: string,
  position: string,
  ordinal: number,
  reason: string,
): SourceRecord {
  return { file, position, ordinal, value: null, malformed: reason };
}

/**
 * `unreadable`: part of an input could not be read (I/O error, truncated gzip, a record over the
 * size limit); `invalid`: bytes that are not JSON (or not CSV); `ambiguous`: a JSON document that
 * names its event arrays more than once (`Records` twice, `Records` with `ResultSet`), which
 * CloudTrail and Athena never write and the scan will not guess about. All three make the input
 * partial. `malformed`: a JSON record the detection core cannot use. `note`: something skipped on purpose.
 */
export type ProblemKind = 'unreadable' | 'invalid' | 'ambiguous' | 'malformed' | 'note';

export interface SourceProblem {
  file: string;
  position: string | null;
  message: string;
  kind: ProblemKind;
}

/** True when the problem means an input was not read completely (exit 2 unless --allow-partial). */
export function isPartial(problem: SourceProblem): boolean {
  return problem.kind === 'unreadable' || problem.kind === 'invalid' || problem.kind === 'ambiguous';
}

/** Receives records in batches, in file order; a reader never keeps a whole file's records. */
export type RecordSink = (records: SourceRecord[]) => void;

export interface ReadOptions {
  prefilter: boolean;
  /** Largest record (and largest file read in one piece), in bytes of JSON. */
  maxRecordBytes: number;
  /** Called for a file skipped unparsed by the pre-filter. */
  onSkipped?: (file: string) => void;
  /** Called with the number of records of a file that were counted but not parsed (no watched call). */
  onUnparsed?: (records: number) => void;
  /** Called with uncompressed bytes as they are read. */
  onBytes?: (bytes: number) => void;
}

/**
 * CloudTrail records are at most a few hundred KB. Files up to this size are parsed whole (fast),
 * larger ones streamed: with four reader threads each parsing one such file, memory stays bounded.
 */
export const DEFAULT_MAX_RECORD_BYTES = 8 * 1024 * 1024;
