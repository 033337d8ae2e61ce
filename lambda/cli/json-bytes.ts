/** JSON's blanks, for the passes that read a file's bytes before (or instead of) parsing them. */

/** Space, tab, line feed or carriage return: the only blanks JSON allows between tokens. */
export function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/** The index of the first byte at or after `from` that is not a blank (the length when none). */
export function firstNonBlank(bytes: Uint8Array, from = 0): number {
  let at = from;
  while (at < bytes.length && isSpace(bytes[at] as number)) at += 1;
  return at;
}

const EVENT_KEYS = ['Records', 'Events', 'ResultSet', 'Rows'].map((k) => Buffer.from(`"${k}"`));
const NAMES = new Set(['Records', 'Events', 'ResultSet', 'Rows']);
const ESCAPE_U = Buffer.from('\\u');

/**
 * Might the bytes name an event array (`Records`, `Events`, `ResultSet`, `Rows`) more than once?
 * `JSON.parse` keeps a key's last value, so such a file is left to the splitter, which reads every
 * one and reports it. True when the names appear more than once as strings in all (wherever: a false
 * alarm costs only the slower read), or when a string with a `\u` escape decodes to one of them.
 */
export function mayNameEventsTwice(bytes: Buffer): boolean {
  let seen = 0;
  for (const key of EVENT_KEYS)
    for (let at = bytes.indexOf(key); at >= 0 && seen < 3; at = bytes.indexOf(key, at + key.length))
      seen += 1;
  const rows = bytes.indexOf(EVENT_KEYS[3] as Buffer) >= 0 ? 1 : 0;
  if (seen - rows > 1 || seen > 2) return true;
  for (let at = bytes.indexOf(ESCAPE_U); at >= 0; at = bytes.indexOf(ESCAPE_U, at + 2)) {
    // A name holds no quote: its string starts at the last quote before its first escape.
    const start = bytes.lastIndexOf(0x22, at);
    const end = bytes.indexOf(0x22, at);
    if (start < 0 || end < 0 || at - start > 64 || end - at > 64) continue;
    try {
      if (NAMES.has(JSON.parse(bytes.subarray(start, end + 1).toString('latin1')))) return true;
    } catch {}
  }
  return false;
}

/** A key's bytes as the name `JSON.parse` would give it (`\u` escapes decoded); `''` if none. */
export function keyName(bytes: number[]): string {
  const raw = String.fromCharCode(...bytes);
  if (!raw.includes('\\')) return raw;
  try {
    return JSON.parse(`"${raw}"`) as string;
  } catch {
    return '';
  }
}
