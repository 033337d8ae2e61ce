/**
 * Which format an input is in, Athena CSV or JSON, told from its first line after any leading blanks,
 * the same way whether the input is read whole or in pieces (see `inputFormat`).
 */
import { HEADER_WINDOW, inputFormat } from './athena.js';
import { firstNonBlank } from './json-bytes.js';
import type { SourceProblem } from './source-types.js';

/** Index of the first byte that is not JSON whitespace, and the line it is on. */
export function firstByte(bytes: Buffer): { at: number; line: number } {
  const at = firstNonBlank(bytes);
  // Counted in the blanks only: a search past them could read the whole input.
  const blanks = bytes.subarray(0, at);
  let line = 1;
  for (let nl = blanks.indexOf(0x0a); nl !== -1; nl = blanks.indexOf(0x0a, nl + 1)) line += 1;
  return { at, line };
}

/**
 * Athena CSV or JSON, judged on the line that starts at `at` (the first non-blank byte, on line
 * `line`); `more` when the input goes on after `bytes`. A first line that could be read either way
 * is read as JSON and reported: the run is partial rather than silently read as CSV.
 */
export function isCsv(
  name: string,
  bytes: Buffer,
  at: number,
  line: number,
  more: boolean,
  problems: SourceProblem[],
): boolean {
  const c = bytes[at];
  if (c === undefined || c === 0x7b || c === 0x5b) return false;
  const text = bytes.subarray(at, at + HEADER_WINDOW).toString('utf8');
  const format = inputFormat(text, more || bytes.length - at > HEADER_WINDOW);
  if (format === 'ambiguous')
    problems.push({
      file: name,
      position: `line ${line}`,
      message:
        'the first line is JSON (one value or several) that also reads as an Athena CSV header (eventid, eventname): read as JSON Lines, not as CSV',
      kind: 'ambiguous',
    });
  return format === 'csv';
}

/**
 * Holds an input's first bytes until its format can be told: the blanks before the first other byte
 * go on to the JSON splitter as they come (any number of them, in bounded memory), the bytes after
 * it are kept until its line ends or more than HEADER_WINDOW bytes are in.
 */
export class FormatHead {
  private readonly kept: Buffer[] = [];
  private keptBytes = 0;
  private line = 1;

  constructor(
    private readonly name: string,
    private readonly problems: SourceProblem[],
  ) {}

  /** The blank bytes to pass on, and the kept bytes once the format can be told. */
  push(chunk: Buffer): { blanks: Buffer; decided: { csv: boolean; bytes: Buffer } | null } {
    let rest = chunk;
    let blanks = chunk.subarray(0, 0);
    if (this.keptBytes === 0) {
      const { at, line } = firstByte(chunk);
      this.line += line - 1;
      blanks = chunk.subarray(0, at);
      rest = chunk.subarray(at);
      if (rest.length === 0) return { blanks, decided: null };
    }
    this.kept.push(rest);
    this.keptBytes += rest.length;
    // At exactly HEADER_WINDOW bytes the line may still end with the input: read whole, it is then
    // judged as all there is, so it must be here too.
    const ready = this.keptBytes > HEADER_WINDOW || rest.includes(0x0a) || rest.includes(0x0d);
    return { blanks, decided: ready ? this.decide(true) : null };
  }

  /** The input ended: the kept bytes, if any, and their format. */
  end(): { csv: boolean; bytes: Buffer } | null {
    return this.keptBytes === 0 ? null : this.decide(false);
  }

  private decide(more: boolean): { csv: boolean; bytes: Buffer } {
    const bytes = Buffer.concat(this.kept);
    return { csv: isCsv(this.name, bytes, 0, this.line, more, this.problems), bytes };
  }
}
