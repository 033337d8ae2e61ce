/**
 * Record-level reading of a file that passed the pre-filter: when busy accounts make watched calls
 * all day, nearly every log file holds one or two among a hundred records, and parsing the file
 * whole costs more than decompressing it. CloudTrail writes a log file as one object holding one
 * array (`{"Records": [...]}`; `aws cloudtrail lookup-events` writes `{"Events": [...]}`), each
 * element an object. One pass over the bytes follows the structure (brackets and strings, one byte
 * at a time: a native search per string costs more, strings being short) and notes where each
 * element starts and ends, and whether it names a watched call; only those elements are parsed. The
 * rest are counted, never parsed: they cannot be candidates, exactly as the pre-filter's skipped
 * files cannot. Depth is known only by following every bracket from the start: a search for where
 * records begin (`{"eventVersion":`) would also find a record's copy nested in its own request
 * parameters, which a caller can fill with any JSON. The pass runs in WebAssembly
 * (structure-pass.ts, 16 bytes at a time, about 3x faster); the loop here is its reference (a test
 * runs both) and decides the files the module leaves undecided.
 *
 * Any other shape (a document with more keys, an element that is not an object, brackets that do
 * not match, a truncated file, an element that is not JSON, a byte below 0x20 inside a string, a
 * backslash outside strings) answers `null`: the caller parses the file whole and reports what it
 * finds, so the findings are the same either way. So does a file whose unparsed elements a reader
 * could take otherwise, were the file not JSON (record-level-guards.ts).
 */
import { elementValue, positionOf } from './documents.js';
import { isSpace } from './json-bytes.js';
import { lookupElementMalformed, recordMayBeCandidate, watchedKeys } from './prefilter.js';
import { keysInCandidates, lineStartElements, readsAsItsDocument } from './record-level-guards.js';
import { malformedRecord, type SourceRecord } from './source-types.js';
import { closesDocument, type Elements, wasmElementSpans, watchedEventName } from './structure-pass.js';

/** Deeper than CloudTrail ever nests; a deeper file is read the usual way. */
const MAX_DEPTH = 256;
/** `{"Records": [` or `{"Events": [`, with JSON whitespace only. */
const HEAD = /^\{[ \t\n\r]*"(Records|Events)"[ \t\n\r]*:[ \t\n\r]*\[/;

/** What an element holds, as bits: a watched event name or a `\u` escape; another escape. */
const WATCHED = 1;
const ESCAPED = 2;

export interface CandidateRecords {
  records: SourceRecord[];
  /** Elements that were not parsed: they hold no watched event name. */
  unparsed: number;
}

/** The bytes as 32-bit words, so that string bytes are tested four at a time. */
interface Words {
  words: Int32Array;
  /** The offset of `bytes[0]` in the words' buffer. */
  base: number;
}

/**
 * Any byte of the word is `"`, a backslash or below 0x20 (the classic tests for a zero byte, after
 * an exclusive or, and for a byte below a bound).
 */
function holdsStringStop(v: number): boolean {
  const q = v ^ 0x22222222;
  const b = v ^ 0x5c5c5c5c;
  const zeroInQ = ((q - 0x01010101) | 0) & ~q;
  const zeroInB = ((b - 0x01010101) | 0) & ~b;
  const control = ((v - 0x20202020) | 0) & ~v;
  return ((zeroInQ | zeroInB | control) & 0x80808080) !== 0;
}

/** A byte that stops a string's bytes: `"`, a backslash, or one JSON never has raw in a string. */
function stopsString(s: number): boolean {
  return s === 0x22 || s === 0x5c || s < 0x20;
}

/** The first byte at or after `from` that stops a string, or `n`: bytes to a word boundary, whole words, bytes. */
function stringStop(bytes: Buffer, { words, base }: Words, from: number, n: number): number {
  let i = from;
  for (; i < n && ((base + i) & 3) !== 0; i += 1) if (stopsString(bytes[i] as number)) return i;
  while (i + 4 <= n && !holdsStringStop(words[(base + i) >> 2] as number)) i += 4;
  for (; i < n; i += 1) if (stopsString(bytes[i] as number)) return i;
  return n;
}

/**
 * The end (exclusive) of the object whose `{` is at `open`, or -1 when its brackets do not match
 * or the bytes end first; `found[0]` gets what it holds (WATCHED, ESCAPED). A loop the JIT
 * compiles tight, over bytes and, inside strings, words: strings are short, so a native search per
 * string costs more. `stack` holds the open brackets (their byte).
 */
function objectEnd(bytes: Buffer, words: Words, open: number, stack: Uint8Array, found: Uint8Array): number {
  const n = bytes.length;
  let depth = 1;
  let bits = 0;
  stack[0] = 0x7b;
  for (let i = open + 1; i < n; i += 1) {
    const c = bytes[i] as number;
    if (c === 0x22) {
      const from = i + 1;
      for (i = stringStop(bytes, words, from, n); bytes[i] === 0x5c; ) {
        const escaped = bytes[i + 1] as number;
        if (escaped < 0x20) return -1;
        bits |= escaped === 0x75 ? WATCHED : ESCAPED;
        i = stringStop(bytes, words, i + 2, n);
      }
      // A raw control byte or line break in a string is not JSON, and a reader that starts again at
      // the next line (the splitter's recovery) would see other strings than this pass.
      if (i < n && (bytes[i] as number) < 0x20) return -1;
      if (i - from === 9 && bytes[from] === 0x65 && bytes[from + 5] === 0x4e && watchedEventName(bytes, i))
        bits |= WATCHED;
    } else if ((c | 0x20) === 0x7b) {
      // `{` or `[`
      if (depth === MAX_DEPTH) return -1;
      stack[depth] = c;
      depth += 1;
    } else if (c === 0x5c) {
      // A backslash outside strings is not JSON: what a `\u` there spells is not judged here.
      return -1;
    } else if ((c | 0x20) === 0x7d) {
      // `}` or `]`: closes the bracket two bytes before it
      depth -= 1;
      if (stack[depth] !== c - 2) return -1;
      if (depth === 0) {
        found[0] = bits;
        return i + 1;
      }
    }
  }
  return -1;
}

/**
 * The elements of the array whose `[` is at `open`, when that array is the document's only value
 * and each element is an object, with those that may hold a watched call: an `eventName` key whose
 * value starts with a watched name, a `\u` escape (which could spell one), or, in an element with
 * other escapes (JSON inside a string, as lookup-events writes, where `\\u` is a `\u` once the
 * string is parsed), whatever the pre-filter's byte search for a record finds. Null for anything else.
 */
export function jsElementSpans(bytes: Buffer, open: number): Elements | null {
  const spans: Elements = { starts: [], ends: [], candidates: [], watched: 0 };
  const stack = new Uint8Array(MAX_DEPTH);
  const found = new Uint8Array(1);
  const words = {
    words: new Int32Array(bytes.buffer, 0, bytes.buffer.byteLength >> 2),
    base: bytes.byteOffset,
  };
  let expectElement = true;
  let i = open + 1;
  for (; i < bytes.length; i += 1) {
    const c = bytes[i] as number;
    if (isSpace(c)) continue;
    if (expectElement && c === 0x7b) {
      const end = objectEnd(bytes, words, i, stack, found);
      if (end === -1) return null;
      const bits = found[0] as number;
      if ((bits & WATCHED) !== 0 || ((bits & ESCAPED) !== 0 && recordMayBeCandidate(bytes.subarray(i, end))))
        spans.candidates.push(spans.starts.length);
      spans.starts.push(i);
      spans.ends.push(end);
      i = end - 1;
      expectElement = false;
    } else if (!expectElement && c === 0x2c) expectElement = true;
    else if (c === 0x5d && expectElement === (spans.starts.length === 0)) break;
    else return null;
  }
  if (i >= bytes.length || !closesDocument(bytes, i)) return null;
  spans.watched = watchedKeys(bytes.subarray(open + 1)).length;
  return spans;
}

/** The WebAssembly pass (structure-pass.ts), or the loop above where it cannot decide. */
export function elementSpans(bytes: Buffer, open: number): Elements | null {
  const fast = wasmElementSpans(bytes, open);
  return fast === undefined ? jsElementSpans(bytes, open) : fast;
}

/**
 * The candidates of a lookup-events file, and the elements that cannot hold a record as a string
 * (malformed, named as every other path names them, not skipped), in order.
 */
function withMalformedElements(bytes: Buffer, spans: Elements): number[] {
  const parsed = new Set(spans.candidates);
  for (let i = 0; i < spans.starts.length; i += 1)
    if (lookupElementMalformed(bytes.subarray(spans.starts[i], spans.ends[i]))) parsed.add(i);
  return [...parsed].sort((a, b) => a - b);
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
  const open = at + head[0].length - 1;
  const spans = elementSpans(bytes, open);
  if (!spans || !keysInCandidates(bytes, spans)) return null;
  const lineStarts = lineStartElements(bytes, open, spans);
  if (!lineStarts) return null;
  const out: CandidateRecords = { records: [], unparsed: spans.starts.length };
  const parsed = wrapper === 'Events' ? withMalformedElements(bytes, spans) : spans.candidates;
  for (const i of parsed) {
    let element: unknown;
    try {
      element = JSON.parse(bytes.toString('utf8', spans.starts[i], spans.ends[i]));
    } catch {
      return null;
    }
    if (lineStarts.has(i) && !readsAsItsDocument(wrapper, element)) return null;
    out.unparsed -= 1;
    const position = positionOf(line, wrapper, i);
    const r = elementValue(wrapper, element);
    out.records.push(
      'value' in r
        ? { file, position, ordinal: i, value: r.value }
        : malformedRecord(file, position, i, r.problem),
    );
  }
  return out;
}
