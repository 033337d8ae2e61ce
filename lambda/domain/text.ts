/**
 * String helpers for untrusted text. Every string that reaches an alert comes from a CloudTrail
 * record, which carries attacker-controlled values (user agent, names, session names).
 */

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;

/** Removes control, bidi-override and zero-width characters; collapses the result to one line. */
export function oneLine(value: string): string {
  return value.replace(CONTROL, ' ').replace(/\s+/g, ' ').trim();
}

/** Cuts a string to at most `max` characters (code points), marking the cut with an ellipsis. */
export function cut(value: string, max: number): string {
  const chars = Array.from(value);
  if (chars.length <= max) return value;
  if (max <= 1) return chars.slice(0, max).join('');
  return `${chars.slice(0, max - 1).join('')}\u2026`;
}

/** Printable ASCII only (0x20-0x7e), one line; other characters become '?'. */
export function printableAscii(value: string): string {
  return oneLine(value).replace(/[^\x20-\x7e]/g, '?');
}

/** UTF-8 byte length. */
export function utf8Length(value: string): number {
  return Buffer.byteLength(value, 'utf8');
}
