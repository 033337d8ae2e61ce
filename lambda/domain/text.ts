/**
 * String helpers for untrusted text. Every string that reaches an alert comes from a CloudTrail
 * record, which carries attacker-controlled values (user agent, names, session names).
 * Each helper returns its input unchanged, without copying it, when there is nothing to do:
 * alerts call them on every field.
 */

/**
 * Invisible characters, removed: every format character (Unicode Cf: zero-width spaces and joiners,
 * bidi marks and overrides, U+2060-U+2064 and U+2066-U+206F, the byte order mark, soft hyphen,
 * tags), the rest of U+2060-U+206F, and the blank fillers that render as nothing. A lone surrogate
 * is not text: it becomes U+FFFD.
 *
 * Both are built by the first value that is not a clean line, from their source text: V8 checks a
 * regular expression literal while it parses the file, and for a Unicode property class (`\p{..}`)
 * that check builds the class's character set, at every cold start, though most values never get
 * past CLEAN_LINE.
 */
const INVISIBLE_SOURCE = String.raw`[\p{Cf}\u2060-\u206f\u115f\u1160\u3164\uffa0]|\u034f`;
const LONE_SURROGATE_SOURCE = String.raw`\p{Cs}`;
let invisible: RegExp | undefined;
let loneSurrogate: RegExp | undefined;
/** C0 and C1 controls and the line and paragraph separators: they break lines, so they become spaces. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;
/** Printable ASCII words separated by single spaces: already one clean line. */
const CLEAN_LINE = /^(?:[\x21-\x7e]+(?: [\x21-\x7e]+)*)?$/;

/** Removes invisible and control characters and collapses the result to one line. */
export function oneLine(value: string): string {
  if (CLEAN_LINE.test(value)) return value;
  invisible ??= new RegExp(INVISIBLE_SOURCE, 'gu');
  loneSurrogate ??= new RegExp(LONE_SURROGATE_SOURCE, 'gu');
  return value
    .replace(invisible, '')
    .replace(loneSurrogate, '\ufffd')
    .replace(CONTROL, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** What chat clients act on wherever it stands: angle-bracket references, mention words, links. */
const ACTIVE = /[<@]|:\/\/|www\./i;

/**
 * One line of untrusted text to show to people: `oneLine`, then nothing a chat client acts on.
 * An opening angle bracket (Slack's `<!channel>`, `<@U1>`, `<#C1>`, `<http://x|y>`) becomes a
 * single guillemet, so no reference can open (a `>` alone is inert, as in `a -> b`); `@here`/`@channel`/`@everyone` get a full-width at sign, and links are defanged
 * (`https[:]//`, `www[.]`). Idempotent. Formatting marks are the chat renderer's business: they
 * are inert inside inline code and in plain-text email, where ARNs need their underscores.
 */
export function safeText(value: string): string {
  return inert(oneLine(value));
}

/** `safeText` for a string that is already one line (`oneLine`'s output). */
export function inert(line: string): string {
  if (!ACTIVE.test(line)) return line;
  return line
    .replace(/</g, '\u2039')
    .replace(/@(here|channel|everyone)/gi, '\uff20$1')
    .replace(/:\/\//g, '[:]//')
    .replace(/(www)\./gi, '$1[.]');
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
