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

const EVENT_KEYS = ['Records', 'Events', 'ResultSet'];
const NAMES = new Set([...EVENT_KEYS, 'Rows']);
const ESCAPE_U = Buffer.from('\\u');

function twice(bytes: Buffer, name: string): boolean {
  const key = Buffer.from(`"${name}"`);
  const at = bytes.indexOf(key);
  return at >= 0 && bytes.indexOf(key, at + key.length) >= 0;
}

/**
 * Might the document `JSON.parse` read from the bytes name an event array (`Records`, `Events`,
 * `ResultSet`, its `Rows`) more than once? The parse keeps a repeated key's last value only, so such
 * a file is left to the splitter, which reads every one and reports it. True for two different event
 * keys, for the one it holds appearing twice as a string anywhere (a false alarm costs only the
 * slower read), or for a string with a `\u` escape decoding to a name. One search of the bytes per
 * name it holds (under a tenth of the parse's time), none for a document without any.
 */
export function mayNameEventsTwice(bytes: Buffer, doc: unknown): boolean {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return false;
  const named = EVENT_KEYS.filter((k) => Object.hasOwn(doc, k));
  if (named.length !== 1) return named.length > 1;
  if (twice(bytes, named[0] as string) || (named[0] === 'ResultSet' && twice(bytes, 'Rows'))) return true;
  for (let at = bytes.indexOf(ESCAPE_U); at >= 0; at = bytes.indexOf(ESCAPE_U, at + 2)) {
    // A name holds no quote: its string starts at the last quote before its first escape. Both
    // quotes are looked for within a name's reach only, so that a long run of escapes costs its
    // length, not its square.
    const before = Math.max(0, at - 64);
    const opening = bytes.subarray(before, at).lastIndexOf(0x22);
    const closing = bytes.subarray(at, at + 65).indexOf(0x22);
    if (opening < 0 || closing < 0) continue;
    const start = before + opening;
    const end = at + closing;
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
