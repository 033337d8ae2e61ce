/**
 * String helpers for untrusted text. Every string that reaches an alert comes from a CloudTrail
 * record, which carries attacker-controlled values (user agent, names, session names).
 * Each helper returns its input unchanged, without copying it, when there is nothing to do:
 * alerts call them on every field.
 */

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;
/** Printable ASCII words separated by single spaces: already one clean line. */
const CLEAN_LINE = /^(?:[\x21-\x7e]+(?: [\x21-\x7e]+)*)?$/;

/** Removes control, bidi-override and zero-width characters; collapses the result to one line. */
export function oneLine(value: string): string {
  if (CLEAN_LINE.test(value)) return value;
  return value.replace(CONTROL, ' ').replace(/\s+/g, ' ').trim();
}

/** The index just past the first `count` code points of `value` (a lone surrogate counts as one). */
function indexAfter(value: string, count: number): number {
  let i = 0;
  for (let n = 0; n < count && i < value.length; n++) {
    const c = value.charCodeAt(i);
    const next = value.charCodeAt(i + 1);
    i += c >= 0xd800 && c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff ? 2 : 1;
  }
  return i;
}

/** Cuts a string to at most `max` characters (code points), marking the cut with an ellipsis. */
export function cut(value: string, max: number): string {
  // A string has at least as many UTF-16 units as code points.
  if (value.length <= max) return value;
  if (indexAfter(value, max) >= value.length) return value;
  if (max <= 1) return value.slice(0, indexAfter(value, Math.max(0, max)));
  return `${value.slice(0, indexAfter(value, max - 1))}\u2026`;
}

/** Printable ASCII only (0x20-0x7e), one line; other characters become '?'. */
export function printableAscii(value: string): string {
  return oneLine(value).replace(/[^\x20-\x7e]/g, '?');
}

/** UTF-8 byte length. */
export function utf8Length(value: string): number {
  return Buffer.byteLength(value, 'utf8');
}
