/**
 * When a file that passed the pre-filter may be read element by element (record-level.ts) and still
 * give what the plain path gives. The structure pass checks brackets and strings, not the rest of
 * JSON (colons, commas, values): the elements it does not parse may hold bytes that are not JSON.
 * The plain path then fails to parse the file whole and cuts it apart with the splitter, which, at
 * a syntax error, skips to the next line and resumes at a line that opens a document (`{` or `[`
 * after blanks): from there it reads documents the structure pass never saw as such. So the file is
 * read whole (and a file that is not JSON is reported as the plain path reports it) unless:
 *
 * - every `eventName` key that the pre-filter's byte search takes for a watched call (it looks at
 *   bytes, whatever a reader takes for a string) lies inside an element that is parsed: an element
 *   left unparsed holds none, whatever its bytes mean to a reader resuming in it;
 * - a line of the array that opens a bracket is read, as a document, as the pass reads it: a parsed
 *   element that starts there names no event array (`Records`, `Events`, `ResultSet`) and, in
 *   lookup-events output, is not itself an event; inside a parsed element, the object or array
 *   that opens there holds no watched key, `\u` escape or `ResultSet` (a record nested there, or a whole log
 *   file, would be read as one of its own); an unparsed element holds no `ResultSet` (Athena
 *   results, whose cells name calls without any key).
 *
 * The structure pass itself refuses the bytes that would put it out of step with a reader about what
 * is a string: a byte below 0x20 inside one (a raw line break), a backslash outside strings.
 *
 * What these guards do not give: a syntax error outside strings inside an unparsed element (two
 * values without a comma, `tru`, a key without its value) goes unnoticed, so the file is not
 * reported, and the elements after it on its line are read, where the plain path loses them at the
 * error. CloudTrail cannot write such an element (it escapes every field a caller sets); a writer of
 * the files could, and could as well write a valid file with a false earlier record (README, scan).
 */
import { isObject, looksLikeEvent } from './documents.js';
import { firstNonBlank } from './json-bytes.js';
import { watchedKeyCount, watchedKeys } from './prefilter.js';
import type { Elements } from './structure-pass.js';

const RESULT_SET = Buffer.from('ResultSet');
const UNICODE_ESCAPE = Buffer.from('\\u');

/**
 * Each watched key the byte search finds lies in a candidate element: the candidates hold as many
 * as the array (counted by the module's pass, one vector search, in the structure pass's memory; a
 * key and the name after it lie in one element, brackets and commas standing in no name or separator).
 */
export function keysInCandidates(bytes: Buffer, { starts, ends, candidates, watched }: Elements): boolean {
  let inCandidates = 0;
  for (const c of candidates)
    inCandidates += watchedKeyCount(bytes.subarray(starts[c] as number, ends[c] as number));
  return inCandidates === watched;
}

/**
 * The offsets in the array at `open` where a line opens a bracket (after blanks): where a reader
 * resuming after a syntax error starts a document. Strings hold no line break (the structure pass
 * refuses one), so each is an element's start or a bracket inside an element. One at a time: the
 * caller walks them once and may stop early.
 */
function* lineStarts(bytes: Buffer, open: number): Generator<number> {
  for (let nl = bytes.indexOf(0x0a, open); nl !== -1; ) {
    const first = firstNonBlank(bytes, nl + 1);
    // The next line feed after the blanks (a run of blank lines is read once).
    nl = bytes.indexOf(0x0a, first);
    const c = bytes[first];
    if (c === 0x7b || c === 0x5b) yield first;
  }
}

/**
 * The end (exclusive) of the object or array whose bracket is at `open`, before `end`: strings (no
 * line break, no raw control byte, as the structure pass checked) and brackets followed.
 */
function valueEnd(bytes: Buffer, open: number, end: number): number {
  let depth = 0;
  for (let i = open; i < end; i += 1) {
    const c = bytes[i] as number;
    if (c === 0x22) {
      for (i += 1; i < end && bytes[i] !== 0x22; i += 1) if (bytes[i] === 0x5c) i += 1;
    } else if ((c | 0x20) === 0x7b) depth += 1;
    else if ((c | 0x20) === 0x7d) {
      depth -= 1;
      if (depth === 0) return i + 1;
    }
  }
  return end;
}

/**
 * A document read from a line inside a parsed element can give no finding the element does not:
 * it holds no watched key, no `\u` escape, no Athena results.
 */
function nothingToFind(bytes: Buffer): boolean {
  return !bytes.includes(UNICODE_ESCAPE) && !bytes.includes(RESULT_SET) && watchedKeys(bytes).length === 0;
}

/**
 * The parsed elements that start a line, to be read as documents too (`readsAsItsDocument`), or
 * null when a line starting elsewhere could be read as a document that gives another finding: in
 * a parsed element, a line inside it (a record nested there, a whole log file) before any watched
 * key, `\u` escape or Athena results; in an unparsed one (which holds no watched key, no `\u`),
 * Athena results anywhere (their cells name calls without any key).
 */
export function lineStartElements(bytes: Buffer, open: number, spans: Elements): Set<number> | null {
  const { starts, ends, candidates } = spans;
  const parsed = new Set(candidates);
  const out = new Set<number>();
  let k = 0;
  /** Bytes before this were judged: an unparsed element's, or a document's read from a line. */
  let judged = 0;
  for (const at of lineStarts(bytes, open)) {
    while (k < starts.length && (ends[k] as number) <= at) k += 1;
    if (k === starts.length || at < judged) continue;
    const start = starts[k] as number;
    const end = ends[k] as number;
    if (!parsed.has(k)) {
      if (bytes.subarray(start, end).includes(RESULT_SET)) return null;
      judged = end;
    } else if (at === start) out.add(k);
    else {
      // A document from this line: it holds those of the lines inside it.
      judged = valueEnd(bytes, at, end);
      if (!nothingToFind(bytes.subarray(at, judged))) return null;
    }
  }
  return out;
}

/** A parsed element, read as a document of its own, gives the same record it gives as an element. */
export function readsAsItsDocument(wrapper: 'Records' | 'Events', element: unknown): boolean {
  if (!isObject(element)) return false;
  if ('Records' in element || 'Events' in element || 'ResultSet' in element) return false;
  return wrapper === 'Records' || !looksLikeEvent(element);
}
