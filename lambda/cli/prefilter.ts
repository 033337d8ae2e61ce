/**
 * The byte-level pre-filter. Every record we act on names, right after its `eventName` key, one of
 * the layer operations or one of the calls that can tamper with layerwatch, and CloudTrail writes
 * both literally (so does lookup-events, escaped inside its CloudTrailEvent strings): bytes where no
 * `eventName` value starts with one of them cannot hold a candidate record and need not be parsed.
 * One pass, from one `eventName` key to the next, looking only at the few bytes after each. Bytes
 * without any `eventName` key (Athena results: rows of values, a CSV) are searched for the
 * operation names anywhere instead. A name (or the key) can also be spelled with `\u` escapes, which
 * CloudTrail never writes but a crafted file can: bytes holding an escaped ASCII letter are never
 * skipped (one more native search, rarely matched, so about as fast as memchr). The plain path
 * (`--no-prefilter`) parses everything; both give the same findings.
 */
import { TAMPER_CALLS } from '../domain/model.js';

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

/** Every name, as bytes, grouped by its first byte. */
const BY_FIRST_BYTE = new Map<number, Buffer[]>();
for (const name of [...OPERATION_MARKERS, ...TAMPER_NAMES]) {
  const bytes = Buffer.from(name, 'latin1');
  const group = BY_FIRST_BYTE.get(bytes[0] as number) ?? [];
  group.push(bytes);
  BY_FIRST_BYTE.set(bytes[0] as number, group);
}
const EVENT_NAME = Buffer.from('eventName');
const UNICODE_ESCAPE = Buffer.from('\\u');
const ESCAPED_ASCII = Buffer.from('\\u00');
/**
 * Between the key and its value: quotes, backslashes (escaped JSON), colon, blanks, and the letters
 * of escaped blanks (`\r\n\t` in JSON inside a string). Every watched name starts with a capital,
 * so skipping these letters never skips into one.
 */
const SEPARATOR = new Set([0x22, 0x5c, 0x3a, 0x20, 0x09, 0x0a, 0x0d, 0x72, 0x6e, 0x74]);

/**
 * True when the bytes may hold a candidate record (a cheap test; false is certain): an `eventName`
 * whose value starts with a watched name, however many separators stand between them (a
 * pretty-printed record may align its values far to the right).
 */
export function mayHoldCandidate(input: Buffer | string): boolean {
  const bytes = typeof input === 'string' ? Buffer.from(input) : input;
  let at = bytes.indexOf(EVENT_NAME);
  if (at === -1) return withoutKeys(bytes) || escapedLetter(bytes);
  while (at !== -1) {
    const start = valueAt(bytes, at + EVENT_NAME.length);
    if (watchedAt(bytes, start)) return true;
    at = bytes.indexOf(EVENT_NAME, start);
  }
  return escapedLetter(bytes);
}

/** A `\u` escape of an ASCII letter (`\u0041` to `\u007a`): a name spelled otherwise than literally. */
function escapedLetter(bytes: Buffer): boolean {
  for (let at = bytes.indexOf(ESCAPED_ASCII); at !== -1; at = bytes.indexOf(ESCAPED_ASCII, at + 4)) {
    const digit = bytes[at + 4] as number;
    if (digit >= 0x34 && digit <= 0x37) return true;
  }
  return false;
}

/**
 * One record among many (an element of a log file that passed the test above, a piece of a streamed
 * file): may it be a candidate? Broader than the file test, so that a record is parsed whenever the
 * whole file's parse could read a watched call in it: also any `\u` escape (the one escape that can
 * spell a letter of an event name).
 */
export function recordMayBeCandidate(bytes: Buffer): boolean {
  return mayHoldCandidate(bytes) || bytes.includes(UNICODE_ESCAPE);
}

/** The first byte after the separators that follow a key. */
function valueAt(bytes: Buffer, from: number): number {
  let start = from;
  while (start < bytes.length && SEPARATOR.has(bytes[start] as number)) start += 1;
  return start;
}

/** A watched name starts at `start`. */
export function watchedAt(bytes: Uint8Array, start: number): boolean {
  const group = BY_FIRST_BYTE.get(bytes[start] as number);
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
