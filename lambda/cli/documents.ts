/**
 * Turns parsed JSON into records: CloudTrail log files `{"Records": [...]}`, `aws cloudtrail
 * lookup-events` output `{"Events": [{"CloudTrailEvent": "<json>"}]}` (each string parsed), JSON
 * arrays of records, single records and EventBridge events, and Athena `get-query-results` JSON.
 */
import { athenaJsonRecords, cellsOf, rowsToRecords } from './athena.js';
import { firstNonBlank } from './json-bytes.js';
import type { Piece } from './json-splitter.js';
import { lookupElementMalformed } from './prefilter.js';
import { malformedRecord, type SourceProblem, type SourceRecord } from './source-types.js';

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function looksLikeEvent(v: unknown): boolean {
  return isObject(v) && ('eventSource' in v || 'detail' in v || 'eventName' in v || 'eventID' in v);
}

/**
 * Where a record is, for diagnostics: `Records[3]`, `line 4 Records[0]`, `[2]`, `line 7`; the
 * second and later documents of a line say which (`line 1 document 2 Records[0]`).
 */
export function positionOf(line: number, wrapper: string | null, index: number, docInLine = 0): string {
  const where = docInLine > 0 ? `line ${line} document ${docInLine + 1}` : `line ${line}`;
  if (wrapper === null) return where;
  const inArray = `${wrapper}[${index}]`;
  return where === 'line 1' ? inArray : `${where} ${inArray}`;
}

/** An element of a wrapper array as a record: `lookup-events` elements carry the record as a string. */
export function elementValue(wrapper: string, element: unknown): { value: unknown } | { problem: string } {
  if (wrapper !== 'Events') return { value: element };
  if (!isObject(element) || typeof element.CloudTrailEvent !== 'string')
    return { problem: 'lookup-events element without a CloudTrailEvent string' };
  try {
    return { value: JSON.parse(element.CloudTrailEvent) };
  } catch (error) {
    return { problem: `CloudTrailEvent is not JSON: ${(error as Error).message}` };
  }
}

const ARRAY_WITHOUT_EVENTS = 'an array without events: not a CloudTrail file?';

/**
 * Records of one whole parsed document. `next` gives each record its ordinal. Arrays without any
 * event are skipped with a note (a JSON file that is not a trail); the rest go to the core.
 */
export function recordsOfDocument(
  file: string,
  line: number,
  doc: unknown,
  problems: SourceProblem[],
  next: () => number,
): SourceRecord[] {
  const note = (message: string, position: string | null = null) =>
    problems.push({ file, position, message, kind: 'note' });
  if (Array.isArray(doc)) {
    // Its elements are records all the same, malformed: as when the array is read in pieces.
    if (doc.length > 0 && !doc.some(looksLikeEvent))
      note(ARRAY_WITHOUT_EVENTS, line === 1 ? null : `line ${line}`);
    return doc.map((value, i) => ({ file, position: positionOf(line, '', i), ordinal: next(), value }));
  }
  if (isObject(doc) && isObject(doc.ResultSet)) return athenaJsonRecords(file, doc, problems, next);
  for (const wrapper of ['Records', 'Events'] as const) {
    if (!isObject(doc) || !(wrapper in doc)) continue;
    const elements = doc[wrapper];
    if (!Array.isArray(elements))
      return [malformedRecord(file, wrapper, next(), `${wrapper} is not an array`)];
    const out: SourceRecord[] = [];
    elements.forEach((element, i) => {
      const position = positionOf(line, wrapper, i);
      const ordinal = next();
      const r = elementValue(wrapper, element);
      out.push(
        'value' in r
          ? { file, position, ordinal, value: r.value }
          : malformedRecord(file, position, ordinal, r.problem),
      );
    });
    return out;
  }
  if (looksLikeEvent(doc))
    return [{ file, position: positionOf(line, null, 0), ordinal: next(), value: doc }];
  note('not a CloudTrail file (no Records, no event), skipped', line === 1 ? null : `line ${line}`);
  return [];
}

/** Keys an event, or a document holding events, spells (closing quote included), or a `\u` escape. */
const EVENT_WORDS = [
  'eventSource"',
  'eventName"',
  'eventID"',
  'detail"',
  'Records"',
  'Events"',
  'ResultSet"',
  '\\u',
].map((w) => Buffer.from(w));

/**
 * A piece read even when the pre-filter would drop it, because every path reports it: a
 * lookup-events element without its record as a string, an element of a top-level array that
 * spells no event key (both malformed), and a document that spells no event key nor wrapper (a
 * bare string, `{"a": 1}`: noted as not CloudTrail, not a record).
 */
function mustBeRead(piece: Piece): boolean {
  if (piece.wrapper === 'Events') return lookupElementMalformed(piece.bytes);
  if (piece.wrapper !== null && piece.wrapper !== '') return false;
  const bytes = piece.bytes;
  if (piece.wrapper === null && bytes[firstNonBlank(bytes)] === 0x5b) return false;
  return !EVENT_WORDS.some((w) => bytes.includes(w));
}

/**
 * Up to this size, a file the pre-filter would skip is parsed, to tell one of no record at all
 * (`{"Records": []}`, Athena results of a header row only) from one whose records hold no
 * candidate: CloudTrail writes larger files only with records in them.
 */
const SMALL_FILE = 4096;

/**
 * A small document that is valid JSON, holds no record and says nothing about itself: a file read,
 * of nothing, as when it is read in pieces (which meet no record to drop) or without the pre-filter;
 * not a file without candidates.
 */
export function holdsNoRecord(file: string, bytes: Buffer, line: number): boolean {
  if (bytes.length > SMALL_FILE) return false;
  let doc: unknown;
  try {
    doc = JSON.parse(bytes.toString('utf8'));
  } catch {
    return false;
  }
  const problems: SourceProblem[] = [];
  return recordsOfDocument(file, line, doc, problems, () => 0).length === 0 && problems.length === 0;
}

/**
 * Pieces from the splitter to records. A top-level array whose elements hold no event at all is
 * noted once, like a whole document would be.
 */
export class PieceReader {
  private ordinal = 0;
  /** Records the pre-filter dropped that are not yet counted (see `takeDropped`). */
  private dropped = 0;
  /** A piece passed the pre-filter: the input holds a candidate, its dropped records are skipped ones. */
  private passed = false;
  /** Malformed lookup-events elements held until a piece passes the pre-filter (see `held`). */
  private pending: SourceRecord[] = [];
  private pendingNotes: SourceProblem[] = [];
  private heldPieces = 0;
  private arrayDoc = -1;
  private arrayHasEvent = false;
  /** The header row of the Athena result being streamed, with its document. */
  private athena: { doc: number; header: string[] } | null = null;

  constructor(
    private readonly file: string,
    private readonly problems: SourceProblem[],
    /**
     * May the piece hold a candidate (false is certain)? Judged by what the splitter knows it is
     * from where it stands (`wrapper`): a row of Athena results (`ResultSet.Rows`: cells, whatever
     * keys they spell), an element of an event array, or a whole document (null).
     */
    private readonly prefilter: ((bytes: Buffer, wrapper: string | null) => boolean) | null,
  ) {}

  records(piece: Piece): SourceRecord[] {
    const next = () => this.ordinal++;
    const row = piece.wrapper === 'ResultSet.Rows';
    const header = row && piece.index === 0;
    if (this.prefilter && !header) {
      if (!this.prefilter(piece.bytes, piece.wrapper)) {
        if (mustBeRead(piece)) return this.held(piece, next);
        this.dropped += 1;
        next();
        return [];
      }
      this.passed = true;
      if (this.heldPieces > 0) {
        for (const p of this.pendingNotes) this.problems.push(p);
        const out = this.pending;
        this.pending = [];
        this.pendingNotes = [];
        this.heldPieces = 0;
        for (const r of this.parsed(piece, next)) out.push(r);
        return out;
      }
    }
    return this.parsed(piece, next);
  }

  /**
   * A piece the pre-filter would drop that is read on every path all the same (`mustBeRead`):
   * reported once a piece passes, as a whole read reports it; until then held, and counted with the
   * dropped pieces of an input without candidates (a file not parsed, as read whole) if none does.
   */
  private held(piece: Piece, next: () => number): SourceRecord[] {
    if (this.passed) return this.parsed(piece, next);
    this.heldPieces += 1;
    for (const r of this.parsed(piece, next, this.pendingNotes)) this.pending.push(r);
    return [];
  }

  private parsed(piece: Piece, next: () => number, problems = this.problems): SourceRecord[] {
    let value: unknown;
    const position = positionOf(piece.line, piece.wrapper, piece.index, piece.docInLine);
    try {
      value = JSON.parse(piece.bytes.toString('utf8'));
    } catch (error) {
      problems.push({
        file: this.file,
        position,
        message: `not JSON: ${(error as Error).message}`,
        kind: 'invalid',
      });
      next();
      return [];
    }
    if (piece.wrapper === null) return recordsOfDocument(this.file, piece.line, value, problems, next);
    if (piece.wrapper === '') return this.arrayElement(piece, position, value, next());
    if (piece.wrapper === 'ResultSet.Rows') return this.athenaRow(piece, value, next);
    const r = elementValue(piece.wrapper, value);
    if ('value' in r) return [{ file: this.file, position, ordinal: next(), value: r.value }];
    return [malformedRecord(this.file, position, next(), r.problem)];
  }

  /** Call at the end of the input. */
  finish(): void {
    this.dropped += this.heldPieces;
    this.heldPieces = 0;
    this.pending = [];
    this.pendingNotes = [];
    this.closeArray();
  }

  /**
   * The records the pre-filter dropped since the last call, once a piece has passed it: they are
   * counted as skipped, as the whole file's record-level pass counts them. Until one passes, none:
   * an input in which none does is a file without candidates (`withoutCandidates`), which a whole
   * read skips unparsed, its records uncounted. `all`: take them all the same (part of the input
   * went unread, so it cannot be said to hold no candidate).
   */
  takeDropped(all = false): number {
    if (!this.passed && !all) return 0;
    const n = this.dropped;
    this.dropped = 0;
    return n;
  }

  /** At the end of the input: the pre-filter dropped every record, and passed none. */
  withoutCandidates(): boolean {
    return !this.passed && this.dropped > 0;
  }

  private arrayElement(piece: Piece, position: string, value: unknown, ordinal: number): SourceRecord[] {
    if (piece.doc !== this.arrayDoc) {
      this.closeArray();
      this.arrayDoc = piece.doc;
      this.arrayHasEvent = false;
    }
    if (looksLikeEvent(value)) this.arrayHasEvent = true;
    return [{ file: this.file, position, ordinal, value }];
  }

  private athenaRow(piece: Piece, value: unknown, next: () => number): SourceRecord[] {
    const cells = cellsOf(value);
    if (piece.index === 0) {
      this.athena = { doc: piece.doc, header: cells };
      next();
      return [];
    }
    if (this.athena?.doc !== piece.doc)
      return [malformedRecord(this.file, `row ${piece.index}`, next(), 'an Athena row without a header row')];
    return rowsToRecords(this.file, this.athena.header, [cells], this.problems, next, piece.index);
  }

  private closeArray(): void {
    if (this.arrayDoc >= 0 && !this.arrayHasEvent)
      this.problems.push({
        file: this.file,
        position: null,
        message: ARRAY_WITHOUT_EVENTS,
        kind: 'note',
      });
    this.arrayDoc = -1;
  }
}
