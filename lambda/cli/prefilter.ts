/**
 * The byte-level pre-filter. Every layer record we act on carries `"eventSource":
 * "lambda.amazonaws.com"` and names one of four operations, and CloudTrail writes both literally (so
 * does lookup-events, inside its CloudTrailEvent strings). Every record that may tamper with
 * layerwatch names one of the watched calls right after its `eventName` key. Bytes with neither
 * cannot hold a candidate record and need not be parsed. The plain path (`--no-prefilter`) parses
 * everything; both give the same findings.
 */
import { TAMPER_CALLS } from '../domain/model.js';

export const LAMBDA_MARKER = 'lambda.amazonaws.com';
const OPERATION_MARKERS = [
  'UpdateFunctionConfiguration',
  'CreateFunction',
  'PublishLayerVersion',
  'AddLayerVersionPermission',
];

/** The watched call names (Lambda's with an API version after them: a prefix is enough). */
const TAMPER_NAMES = [...new Set(Object.values(TAMPER_CALLS).flat())];
const LONGEST = Math.max(...TAMPER_NAMES.map((n) => n.length));
const FIRST_BYTES = new Set(TAMPER_NAMES.map((n) => n.charCodeAt(0)));
const EVENT_NAME = Buffer.from('eventName');
/** Between the key and its value: quotes, backslashes (lookup-events escapes), colon, blanks. */
const SEPARATOR = new Set([0x22, 0x5c, 0x3a, 0x20, 0x09]);

/** True when the bytes may hold a candidate record (a cheap test; false is certain). */
export function mayHoldCandidate(bytes: Buffer | string): boolean {
  if (bytes.includes(LAMBDA_MARKER) && OPERATION_MARKERS.some((m) => bytes.includes(m))) return true;
  return mayHoldTamper(typeof bytes === 'string' ? Buffer.from(bytes) : bytes);
}

/**
 * True when some `eventName` value starts with a watched call. One pass: from one `eventName` key
 * to the next, looking only at the few bytes after each. Bytes without any `eventName` key (an
 * Athena result row, a CSV) are searched for the names anywhere instead.
 */
export function mayHoldTamper(bytes: Buffer): boolean {
  let at = bytes.indexOf(EVENT_NAME);
  if (at === -1) return TAMPER_NAMES.some((name) => bytes.includes(name));
  while (at !== -1) {
    let start = at + EVENT_NAME.length;
    const stop = Math.min(bytes.length, start + 8);
    while (start < stop && SEPARATOR.has(bytes[start] as number)) start += 1;
    if (FIRST_BYTES.has(bytes[start] as number)) {
      const value = bytes.toString('latin1', start, Math.min(bytes.length, start + LONGEST));
      if (TAMPER_NAMES.some((name) => value.startsWith(name))) return true;
    }
    at = bytes.indexOf(EVENT_NAME, start);
  }
  return false;
}
