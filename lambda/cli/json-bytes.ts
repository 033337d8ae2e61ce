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
