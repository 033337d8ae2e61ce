/**
 * The byte-level pre-filter. Every record we act on names, right after its `eventName` key, one of
 * the layer operations or one of the calls that can tamper with layerwatch, and CloudTrail writes
 * both literally (so does lookup-events, escaped inside its CloudTrailEvent strings): bytes where no
 * `eventName` value starts with one of them cannot hold a candidate record and need not be parsed.
 * The keys are found at once and only the few bytes after each are looked at, in one pass of the
 * WebAssembly module (a vector search, 16 bytes a step; in small inputs, a native search per key
 * and the same test here, the reference a test holds the module to). Bytes without any `eventName` key
 * and Athena results (rows of values: a CSV, `get-query-results` JSON, known by a `ResultSet` key the
 * same pass notes wherever it stands; a row read as a piece, known by where the splitter found it),
 * whatever keys a cell holds, are searched for the operation names anywhere instead. A name, the key, or the quotes and blanks
 * between them can also be spelled with `\u` escapes, which CloudTrail never writes but a crafted
 * file can: bytes holding an escaped ASCII character are never skipped (one more native search,
 * rarely matched, so about as fast as memchr). The plain path
 * (`--no-prefilter`) parses everything; both give the same findings.
 */
import { TAMPER_CALLS } from '../domain/model.js';
import { firstNonBlank } from './json-bytes.js';
import { judgeKeys } from './structure-wasm.js';

export const LAMBDA_MARKER = 'lambda.amazonaws.com';
const OPERATION_MARKERS = [
  'UpdateFunctionConfiguration',
  'CreateFunction',
  'PublishLayerVersion',
  'AddLayerVersionPermission',
  'PublishVersion',
  'CreateAlias',
  'UpdateAlias',
  'DeleteAlias',
];
/**
 * The watched calls (Lambda's carry an API version after them: a prefix is enough), but the layer
 * operations (UpdateFunctionConfiguration is both): those are searched with Lambda's source.
 */
const TAMPER_NAMES = [...new Set(Object.values(TAMPER_CALLS).flat())].filter(
  (name) => !OPERATION_MARKERS.includes(name),
);

/** Every name, as bytes, grouped by its first byte (an array indexed by the byte: read once a key). */
const BY_FIRST_BYTE: (Buffer[] | undefined)[] = new Array(256).fill(undefined);
for (const name of [...OPERATION_MARKERS, ...TAMPER_NAMES]) {
  const bytes = Buffer.from(name, 'latin1');
  const first = bytes[0] as number;
  BY_FIRST_BYTE[first] = [...(BY_FIRST_BYTE[first] ?? []), bytes];
}
const EVENT_NAME = Buffer.from('eventName');
/**
 * From this size on, the keys are judged by the WebAssembly module's pass (a byte in 16 compared at
 * once) rather than one native search per key: a log file holds a key per record, and each native
 * search costs more to start than the bytes it reads.
 */
const KEY_SEARCH_FROM = 4096;
const UNICODE_ESCAPE = Buffer.from('\\u');
const ESCAPED_ASCII = Buffer.from('\\u00');
const RESULT_SET = Buffer.from('ResultSet');
/**
 * Between the key and its value: quotes, backslashes (escaped JSON), colon, blanks, and the letters
 * of escaped blanks (`\r\n\t` in JSON inside a string). Every watched name starts with a capital,
 * so skipping these letters never skips into one.
 */
const SEPARATOR = new Uint8Array(256);
for (const c of [0x22, 0x5c, 0x3a, 0x20, 0x09, 0x0a, 0x0d, 0x72, 0x6e, 0x74]) SEPARATOR[c] = 1;

/**
 * The key test's verdicts: no `eventName` key; keys, none followed by a watched name; one is. Unless
 * one is, a `ResultSet` key adds RESULTS_KEY.
 */
const NO_KEY = 0;
const KEYS = 1;
const WATCHED_KEY = 2;
const RESULTS_KEY = 4;

/**
 * The separators and the names as the module's `judge` reads them: 256 separator flags, 256 16-bit
 * offsets (little-endian, from the table's start) of the names that start with each byte (0: none),
 * then each group of names: a length byte and the name's bytes, a length 0 after the group.
 */
export const JUDGE_TABLE = judgeTable();

function judgeTable(): Uint8Array {
  const groups: number[] = [];
  const offsets = new Uint16Array(256);
  BY_FIRST_BYTE.forEach((names, first) => {
    if (!names) return;
    offsets[first] = 768 + groups.length;
    for (const name of names) groups.push(name.length, ...name);
    groups.push(0);
  });
  const table = new Uint8Array(768 + groups.length);
  table.set(SEPARATOR, 0);
  offsets.forEach((offset, first) => {
    table[256 + 2 * first] = offset & 0xff;
    table[257 + 2 * first] = offset >> 8;
  });
  table.set(groups, 768);
  return table;
}

/**
 * True when the bytes may hold a candidate record (a cheap test; false is certain): an `eventName`
 * key whose value starts with a watched name, however many separators stand between them (a
 * pretty-printed record may align its values far to the right).
 */
export function mayHoldCandidate(input: Buffer | string): boolean {
  const bytes = typeof input === 'string' ? Buffer.from(input) : input;
  const verdict = keysOf(bytes);
  if (verdict === WATCHED_KEY) return true;
  return (
    escapedAscii(bytes) ||
    (((verdict & KEYS) === NO_KEY || mayHoldRows(bytes, verdict)) && withoutKeys(bytes))
  );
}

/**
 * The key test's verdict: by the module's pass in larger inputs, by native searches in small ones
 * (there, without the search for a `ResultSet` key unless `results`: a caller that asks only whether
 * a key is watched need not pay for it).
 */
function keysOf(bytes: Buffer, results = true): number {
  return bytes.length >= KEY_SEARCH_FROM ? judgeKeys(bytes, JUDGE_TABLE) : keyVerdict(bytes, results);
}

/**
 * The offsets of the `eventName` keys, by native search: the word, then a quote or a backslash (the
 * key's closing quote, escaped when the JSON is inside a string). The module's vector search finds
 * the same places (and a few that are not the word, which it passes over).
 */
function nativeKeys(bytes: Buffer, word: Buffer = EVENT_NAME): number[] {
  const keys: number[] = [];
  for (let at = bytes.indexOf(word); at !== -1; at = bytes.indexOf(word, at + 1)) {
    const after = bytes[at + word.length];
    if (after === 0x22 || after === 0x5c) keys.push(at);
  }
  return keys;
}

/** Whether `word` stands as a key in the bytes (as `nativeKeys` finds one), stopping at the first. */
function hasKey(bytes: Buffer, word: Buffer): boolean {
  for (let at = bytes.indexOf(word); at !== -1; at = bytes.indexOf(word, at + 1)) {
    const after = bytes[at + word.length];
    if (after === 0x22 || after === 0x5c) return true;
  }
  return false;
}

/**
 * The verdict on the keys (the module's `judge` answers the same): a watched name after one of them
 * (past the separators), or else whether there is any, and whether a `ResultSet` key is (looked for
 * only when `results`: without it, RESULTS_KEY is never added).
 */
export function keyVerdict(bytes: Buffer, results = true): number {
  let verdict = NO_KEY;
  for (const at of nativeKeys(bytes)) {
    verdict = KEYS;
    if (watchedAt(bytes, valueAt(bytes, at + EVENT_NAME.length))) return WATCHED_KEY;
  }
  return results && hasKey(bytes, RESULT_SET) ? verdict | RESULTS_KEY : verdict;
}

/**
 * The offsets of the `eventName` keys that the verdict above takes for a watched call (the key test
 * looks at bytes, whatever a JSON reader takes for a string): the record-level pass must find each
 * inside an element it parses (record-level-guards.ts).
 */
export function watchedKeys(bytes: Buffer): number[] {
  return nativeKeys(bytes).filter((at) => watchedAt(bytes, valueAt(bytes, at + EVENT_NAME.length)));
}

/** How many `watchedKeys` there are, by the module's pass (`watchedKeys` is the reference). */
export function watchedKeyCount(bytes: Buffer): number {
  return judgeKeys(bytes, JUDGE_TABLE, true);
}

/**
 * Athena results: a CSV (bytes that do not open an object or an array), or `get-query-results` JSON
 * (a `ResultSet` key anywhere, which the key test notes in the same pass: results may follow other
 * documents in a file, or other keys in theirs). Their events are rows of values, so an `eventName`
 * key that a cell holds (a caller's own request or user agent can write one) must not stand for the
 * file.
 */
function mayHoldRows(bytes: Buffer, verdict: number): boolean {
  const first = bytes[firstNonBlank(bytes)];
  return (first !== 0x7b && first !== 0x5b) || (verdict & RESULTS_KEY) !== 0;
}

/**
 * A `\u` escape of an ASCII character (`\u0000` to `\u007f`): a name, or the quotes, colon and
 * blanks between a key and its value (JSON inside a string may escape them so), spelled otherwise
 * than literally. CloudTrail writes none; non-ASCII escapes (`\u00e9`) spell neither.
 */
function escapedAscii(bytes: Buffer): boolean {
  for (let at = bytes.indexOf(ESCAPED_ASCII); at !== -1; at = bytes.indexOf(ESCAPED_ASCII, at + 4)) {
    const digit = bytes[at + 4] as number;
    if (digit >= 0x30 && digit <= 0x37) return true;
  }
  return false;
}

/**
 * One record among many (an element of a log file that passed the test above, a piece of a streamed
 * file): may it be a candidate? A watched name after an `eventName` key, or any `\u` escape (the one
 * escape that can spell a letter of an event name, or the key). A record without such a key cannot
 * be a candidate, whatever names its values hold: it is skipped, as the record-level pass skips it,
 * so that a file counts the same read whole or in pieces. (Athena rows, whose cells hold no keys,
 * are judged by `rowMayBeCandidate`.)
 */
export function recordMayBeCandidate(bytes: Buffer): boolean {
  return keysOf(bytes, false) === WATCHED_KEY || bytes.includes(UNICODE_ESCAPE);
}

/**
 * One row of Athena `get-query-results` JSON (`{"Data": [{"VarCharValue": ...}]}`), known to be one
 * by where the splitter found it (`ResultSet.Rows`), not by its bytes: a list of cell values, never
 * an object with CloudTrail's keys, so its `eventName` keys (a cell the caller fills can spell one,
 * `eventName\"` in Athena's JSON) say nothing. The names are searched anywhere, as in a results
 * file, and a `\u` escape (which could spell one) keeps it too.
 */
function rowMayBeCandidate(bytes: Buffer): boolean {
  return withoutKeys(bytes) || bytes.includes(UNICODE_ESCAPE);
}

/**
 * A piece of an input read in pieces, judged as the same bytes are when read whole: a row of Athena
 * results (`ResultSet.Rows`) by its cells, an element of an event array (`Records`, `Events`, a
 * top-level array) as the record-level pass judges it, and a whole document (no wrapper) as a file
 * of that one document is judged.
 */
export function pieceMayBeCandidate(bytes: Buffer, wrapper: string | null): boolean {
  if (wrapper === null) return mayHoldCandidate(bytes);
  return wrapper === 'ResultSet.Rows' ? rowMayBeCandidate(bytes) : recordMayBeCandidate(bytes);
}

/** The `CloudTrailEvent` key, quotes included. */
const LOOKUP_KEY = Buffer.from('"CloudTrailEvent"');

/**
 * An element of a lookup-events `Events` array that cannot hold its record as a string: no
 * `CloudTrailEvent` key with a string value in its bytes. It is malformed whatever names it holds,
 * so it is parsed (and reported) on every path rather than skipped as a record without a watched
 * call. (An element whose key sits deeper than its top level passes this test and is skipped.)
 */
export function lookupElementMalformed(bytes: Buffer): boolean {
  // The key, JSON blanks, a colon, blanks and a quote; searched in the bytes, not in a copy of them.
  for (let at = bytes.indexOf(LOOKUP_KEY); at !== -1; at = bytes.indexOf(LOOKUP_KEY, at + 1)) {
    const colon = firstNonBlank(bytes, at + LOOKUP_KEY.length);
    if (bytes[colon] !== 0x3a) continue;
    if (bytes[firstNonBlank(bytes, colon + 1)] === 0x22) return false;
  }
  return true;
}

/** The first byte after the separators that follow a key. */
function valueAt(bytes: Buffer, from: number): number {
  let start = from;
  while (start < bytes.length && SEPARATOR[bytes[start] as number] === 1) start += 1;
  return start;
}

/** A watched name starts at `start`. */
export function watchedAt(bytes: Uint8Array, start: number): boolean {
  const group = BY_FIRST_BYTE[bytes[start] as number];
  return group?.some((name) => startsAt(bytes, start, name)) === true;
}

function startsAt(bytes: Uint8Array, start: number, name: Buffer): boolean {
  if (start + name.length > bytes.length) return false;
  for (let i = 1; i < name.length; i += 1) if (bytes[start + i] !== name[i]) return false;
  return true;
}

/** Values without keys: a layer operation with Lambda's source, or a watched call, anywhere. */
function withoutKeys(bytes: Buffer): boolean {
  if (bytes.includes(LAMBDA_MARKER) && OPERATION_MARKERS.some((m) => bytes.includes(m))) return true;
  return TAMPER_NAMES.some((name) => bytes.includes(name));
}
