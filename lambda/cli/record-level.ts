/**
 * Record-level reading of a file that passed the pre-filter: when busy accounts make watched calls
 * all day, nearly every log file holds one or two among a hundred records, and parsing the file
 * whole costs more than decompressing it. CloudTrail writes a log file as one object holding one
 * array (`{"Records": [...]}`; `aws cloudtrail lookup-events` writes `{"Events": [...]}`), each
 * element an object. One pass follows the structure (brackets and strings, with native searches for
 * the ends of strings) and notes where each element starts and ends; only the elements that hold a
 * watched event name, or a `\u` escape that could spell one, are parsed. The rest are counted, never
 * parsed: they cannot be candidates, exactly as the pre-filter's skipped files cannot.
 *
 * Any other shape (a document with more keys, an element that is not an object, brackets that do
 * not match, a truncated file, an element that is not JSON) answers `null`: the caller parses the
 * file whole and reports what it finds, so the findings are the same either way.
 */
import { elementValue, positionOf } from './documents.js';
import { unicodeEscapePositions, watchedNamePositions } from './prefilter.js';
import type { SourceProblem, SourceRecord } from './source-types.js';

/** Deeper than CloudTrail ever nests; a deeper file is read the usual way. */
const MAX_DEPTH = 256;
const OBJECT = 1;
const ARRAY = 2;
/** `{"Records": [` or `{"Events": [`, with JSON whitespace only. */
const HEAD = /^\{[ \t\n\r]*"(Records|Events)"[ \t\n\r]*:[ \t\n\r]*\[/;

export interface CandidateRecords {
  records: SourceRecord[];
  problems: SourceProblem[];
  /** Elements that were not parsed: they hold no watched event name. */
  unparsed: number;
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/** The quote that closes the string opened at `open`, or -1 (native searches for the quotes). */
function closingQuote(bytes: Buffer, open: number): number {
  for (let q = bytes.indexOf(0x22, open + 1); q !== -1; q = bytes.indexOf(0x22, q + 1)) {
    let k = q - 1;
    while (bytes[k] === 0x5c) k -= 1;
    if ((q - 1 - k) % 2 === 0) return q;
  }
  return -1;
}

interface Spans {
  starts: number[];
  /** Exclusive. */
  ends: number[];
}

/**
 * The elements of the array whose `[` is at `open`, when that array is the document's only value
 * and each element is an object; null for anything else.
 */
export function elementSpans(bytes: Buffer, open: number): Spans | null {
  const spans: Spans = { starts: [], ends: [] };
  const stack = new Uint8Array(MAX_DEPTH);
  let depth = 0;
  let expectElement = true;
  let i = open + 1;
  for (; i < bytes.length; i += 1) {
    const c = bytes[i] as number;
    if (c === 0x22) {
      if (depth === 0) return null;
      i = closingQuote(bytes, i);
      if (i === -1) return null;
    } else if (depth > 0) {
      if (c === 0x7b || c === 0x5b) {
        if (depth === MAX_DEPTH) return null;
        stack[depth] = c === 0x7b ? OBJECT : ARRAY;
        depth += 1;
      } else if (c === 0x7d || c === 0x5d) {
        depth -= 1;
        if (stack[depth] !== (c === 0x7d ? OBJECT : ARRAY)) return null;
        if (depth === 0) spans.ends.push(i + 1);
      }
    } else if (isSpace(c)) {
    } else if (expectElement && c === 0x7b) {
      spans.starts.push(i);
      stack[0] = OBJECT;
      depth = 1;
      expectElement = false;
    } else if (!expectElement && c === 0x2c) expectElement = true;
    else if (c === 0x5d && expectElement === (spans.starts.length === 0)) break;
    else return null;
  }
  if (i >= bytes.length) return null;
  // The array closed: only the document's closing brace may follow.
  let k = i + 1;
  while (k < bytes.length && isSpace(bytes[k] as number)) k += 1;
  if (bytes[k] !== 0x7d) return null;
  for (k += 1; k < bytes.length; k += 1) if (!isSpace(bytes[k] as number)) return null;
  return spans;
}

/** Indices of the elements that hold one of the positions (both lists ascending). */
function holding(spans: Spans, positions: readonly number[]): number[] {
  const out: number[] = [];
  let e = 0;
  for (const p of positions) {
    while (e < spans.ends.length && (spans.ends[e] as number) <= p) e += 1;
    if (e === spans.ends.length) break;
    if ((spans.starts[e] as number) <= p && out[out.length - 1] !== e) out.push(e);
  }
  return out;
}

/**
 * The candidate records of a whole file (`at`: its first byte, on `line`), or null when its shape
 * does not allow reading them alone. Positions and ordinals are those of the whole-file parse.
 */
export function candidateRecords(
  file: string,
  bytes: Buffer,
  at: number,
  line: number,
): CandidateRecords | null {
  const head = HEAD.exec(bytes.toString('latin1', at, at + 64));
  if (!head) return null;
  const wrapper = head[1] as 'Records' | 'Events';
  const spans = elementSpans(bytes, at + head[0].length - 1);
  if (!spans) return null;
  const names = watchedNamePositions(bytes);
  const escaped = unicodeEscapePositions(bytes);
  const positions = escaped.length === 0 ? names : [...names, ...escaped].sort((a, b) => a - b);
  const out: CandidateRecords = { records: [], problems: [], unparsed: spans.starts.length };
  for (const i of holding(spans, positions)) {
    let element: unknown;
    try {
      element = JSON.parse(bytes.toString('utf8', spans.starts[i], spans.ends[i]));
    } catch {
      return null;
    }
    out.unparsed -= 1;
    const position = positionOf(line, wrapper, i);
    const r = elementValue(wrapper, element);
    if ('value' in r) out.records.push({ file, position, ordinal: i, value: r.value });
    else out.problems.push({ file, position, message: r.problem, kind: 'malformed' });
  }
  return out;
}
