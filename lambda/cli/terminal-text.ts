/**
 * Nothing read from the input may drive the terminal. Human output (stderr, the table) shows
 * control, bidi and format characters as visible `\uXXXX` escapes; JSON output escapes the same
 * characters the JSON way, so its values stay exact.
 */

// C0 and C1 controls, DEL, every format character (bidi overrides and isolates, zero-width,
// U+FEFF, tags) and the Unicode line and paragraph separators.
const UNSAFE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu;

function escapeUnits(char: string): string {
  let out = '';
  for (let i = 0; i < char.length; i += 1) out += `\\u${char.charCodeAt(i).toString(16).padStart(4, '0')}`;
  return out;
}

/** For people: every unsafe character becomes a visible `\uXXXX`; the result is one line. */
export function terminalText(value: string): string {
  return value.replace(UNSAFE, escapeUnits);
}

/** JSON text with every unsafe character escaped (`JSON.parse` gives back the same value). */
export function safeJson(value: unknown): string {
  return JSON.stringify(value).replace(UNSAFE, escapeUnits);
}
