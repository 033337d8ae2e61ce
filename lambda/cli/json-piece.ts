/** What the JSON splitter (`json-splitter.ts`) hands on: pieces, and what it could not cut. */

export interface Piece {
  bytes: Buffer;
  /** Line (from 1) where the piece's top-level document starts. */
  line: number;
  /** The top-level document's index in the input, from 0. */
  doc: number;
  /** Its index among the documents that start on the same line, from 0. */
  docInLine: number;
  /**
   * `null` for a whole document; else the wrapper array's name: `Records`, `Events`,
   * `ResultSet.Rows`, or `''` for a top-level array.
   */
  wrapper: string | null;
  /** Index of the element in its wrapper array. */
  index: number;
}

export interface SplitterHandler {
  piece(piece: Piece): void;
  /** Syntax error or truncated input at `line`; the splitter goes on at the next line. */
  invalid(line: number, message: string): void;
  /** A piece larger than the limit was skipped (its structure was still followed). */
  oversized(piece: Omit<Piece, 'bytes'>, bytes: number): void;
  /**
   * The document starting at `line` names its event arrays more than once (`names`, in order):
   * the elements of every one are pieces, but a whole parse would keep only the last. Once per document.
   */
  ambiguous(line: number, names: string[]): void;
}
