/**
 * The record-level structure pass in WebAssembly (structure-pass.wat, 128-bit vectors, after
 * simdjson's first stage): the bounds of the top array's elements and their escapes come from the
 * module; which elements may hold a watched call is decided here exactly as the JavaScript pass in
 * record-level.ts decides it (the reference: a test runs both over generated files and compares).
 * The module lists the quotes that open an `eventName` key with a watched name after the colon (the
 * names and their table as the pre-filter's `judge` reads them; `watchedEventName` is the reference).
 */
import { firstNonBlank, isSpace } from './json-bytes.js';
import { JUDGE_TABLE, recordMayBeCandidate, watchedAt } from './prefilter.js';
import { heap, instance } from './structure-wasm.js';

export interface Elements {
  starts: number[];
  /** Exclusive. */
  ends: number[];
  /** Indices of the elements that may hold a watched call, ascending. */
  candidates: number[];
  /** The `eventName` keys after the array's `[` that the pre-filter's byte search takes for a watched call. */
  watched: number;
}

const EVENT_NAME = Buffer.from('eventName');
/** What an element holds, as the module writes it: a `\u` escape; another escape. */
const UNICODE_ESCAPE = 1;
const OTHER_ESCAPE = 2;

/** The string that closed at `quote` is `eventName`, followed by a colon and a watched name. */
export function watchedEventName(bytes: Buffer, quote: number): boolean {
  for (let k = 0; k < 9; k += 1) if (bytes[quote - 9 + k] !== EVENT_NAME[k]) return false;
  let j = quote + 1;
  while (isSpace(bytes[j] as number)) j += 1;
  if (bytes[j] !== 0x3a) return false;
  j += 1;
  while (isSpace(bytes[j] as number)) j += 1;
  return bytes[j] === 0x22 && watchedAt(bytes, j + 1);
}

/** After the array's `]` at `close`, only the document's closing brace (and blanks) may follow. */
export function closesDocument(bytes: Buffer, close: number): boolean {
  let k = firstNonBlank(bytes, close + 1);
  if (bytes[k] !== 0x7d) return false;
  for (k += 1; k < bytes.length; k += 1) if (!isSpace(bytes[k] as number)) return false;
  return true;
}

/**
 * The elements of the array whose `[` is at `open`, as record-level.ts's `elementSpans` answers
 * them; null for another shape, or bytes that are not JSON as the reference refuses them (a byte
 * below 0x20 inside a string, a backslash outside strings); undefined when the module cannot decide
 * (more elements or watched keys than it has room for): the reference pass decides then.
 */
export function wasmElementSpans(bytes: Buffer, open: number): Elements | null | undefined {
  const from = open + 1;
  const len = Math.max(0, bytes.length - from);
  const padded = ((len + 63) & ~63) + 64;
  const max = (len >> 4) + 16;
  const masks = padded;
  const out = masks + (padded >> 3);
  const p = instance();
  const list = out + max * 12 + 256;
  const table = list + ((len >> 3) + 16) * 4;
  const memory = heap(p, table + JUDGE_TABLE.length);
  memory.set(bytes.subarray(from), 0);
  memory.fill(0, len, padded);
  memory.set(JUDGE_TABLE, table);
  const count = p.scan(len, masks, out, max, table);
  if (count === -2) return undefined;
  if (count < 0 || !closesDocument(bytes, from + p.closeAt())) return null;
  const words = new Int32Array(memory.buffer, out, max * 3);
  // The same bytes, already in place with the zeros and the table after them, counted before the
  // candidate test below reuses the memory.
  const watched = p.judge(len, table, 1);
  const spans: Elements = { starts: new Array(count), ends: new Array(count), candidates: [], watched };
  for (let k = 0; k < count; k += 1) {
    spans.starts[k] = from + (words[k] as number);
    spans.ends[k] = from + (words[max + k] as number);
  }
  const watchedAt = watchedElements(from, new Int32Array(memory.buffer, list, p.hits()), spans);
  // Copied out of the module's memory before the loop: the candidate test below may run the
  // pre-filter's key search on a large element, in the same memory (today below these offsets, an
  // element being smaller than its file; the copy keeps that from mattering).
  const escapes = words.slice(2 * max, 2 * max + count);
  for (let k = 0; k < count; k += 1) {
    const flags = escapes[k] as number;
    if (
      (flags & UNICODE_ESCAPE) !== 0 ||
      watchedAt.has(k) ||
      ((flags & OTHER_ESCAPE) !== 0 &&
        recordMayBeCandidate(bytes.subarray(spans.starts[k] as number, spans.ends[k] as number)))
    )
      spans.candidates.push(k);
  }
  return spans;
}

/**
 * The elements holding an `eventName` key with a watched name: the module lists the quotes that
 * open one (as `watchedEventName` tests it), in order.
 */
function watchedElements(from: number, hits: Int32Array, { starts, ends }: Elements): Set<number> {
  const watched = new Set<number>();
  const last = ends.length === 0 ? from : (ends[ends.length - 1] as number);
  let k = 0;
  for (const rel of hits) {
    const at = from + rel;
    if (at >= last) break;
    while ((ends[k] as number) <= at) k += 1;
    if ((starts[k] as number) < at) watched.add(k);
  }
  return watched;
}
