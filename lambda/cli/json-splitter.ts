/**
 * Cuts a stream of JSON bytes into pieces small enough to parse one at a time, without ever holding
 * the whole input: a file of any size is read in bounded memory.
 *
 * The input is any sequence of JSON documents (one, JSON Lines, or concatenated without separator).
 * The elements of a top-level `"Records": [...]` or `"Events": [...]` array (CloudTrail log files,
 * `aws cloudtrail lookup-events`), of `"ResultSet": {"Rows": [...]}` (Athena `get-query-results`)
 * and of a top-level array are pieces of their own; any other
 * document is one piece. CloudTrail and Athena write one such array per document; a document that
 * names them twice (`{"Records": [...], "Records": [...]}`, `Records` and `ResultSet` together, `Rows`
 * twice in `ResultSet`; a key spelt with `\u` escapes is the key it decodes to) has the elements of
 * every one streamed and is reported (`ambiguous`): `JSON.parse` keeps the last value of a key, so a
 * reader that followed only the first would silently read other events than the whole parse.
 * The structure is checked as it goes (keys, colons, commas, brackets); at a syntax error the
 * splitter reports it and resumes at the next line opening `{` or `[` (record-level-guards.ts relies
 * on it), so one bad JSON line costs that line only. Values inside a piece are checked by `JSON.parse` afterwards.
 */
import { isSpace, keyName } from './json-bytes.js';
import type { SplitterHandler } from './json-piece.js';

/** The arrays whose elements are records. */
const WRAPPERS = new Set(['Records', 'Events']);
/** Top-level keys that make a document a trail or results: one per document. */
const EVENT_KEYS = new Set(['Records', 'Events', 'ResultSet']);
/** Longest key kept to be recognised, in bytes (escapes included). */
const KEY_BYTES = 64;

export type { Piece, SplitterHandler } from './json-piece.js';

/** CloudTrail nests a few levels; a hostile input could nest millions (and the stack with it). */
const MAX_DEPTH = 512;

const OBJECT = 1;
const ARRAY = 2;

enum Expect {
  Top,
  Value,
  ValueOrEnd,
  Key,
  KeyOrEnd,
  Colon,
  CommaOrEnd,
}

const SCALAR = new Uint8Array(256);
for (const c of '0123456789+-.eEabcdfilnrstuE') SCALAR[c.charCodeAt(0)] = 1;

function shown(c: number): string {
  return c >= 0x21 && c <= 0x7e ? `'${String.fromCharCode(c)}'` : `byte 0x${c.toString(16).padStart(2, '0')}`;
}

export class JsonSplitter {
  private readonly stack: number[] = [];
  private expect = Expect.Top;
  private inString = false;
  private escape = false;
  private inScalar = false;
  private stringIsKey = false;
  private key: number[] | null = null;
  /** The last key read at depth 1 and at depth 2 (the latter only inside `ResultSet`). */
  private readonly keys = ['', ''];
  /** The event keys of the current document, in order (`ResultSet.Rows` for Rows in ResultSet). */
  private eventKeys: string[] = [];
  private line = 1;
  private docLine = 1;
  private doc = -1;
  private docInLine = 0;
  private lastDocLine = 0;
  /** Stack depth of the wrapper array being streamed (0: none). */
  private wrapperDepth = 0;
  private wrapperName: string | null = null;
  private index = 0;
  /** Keeping the bytes of the current piece: from `keepFrom` in the chunk, after `parts`. */
  private keeping = false;
  private pieceOpen = false;
  private keepFrom = 0;
  private parts: Buffer[] = [];
  private kept = 0;
  private oversize = false;
  private skippingLine = false;
  private recovering = false;
  private skippedLines = 0;
  /** Next line feed in the chunk at or after the last search (-1: none; -2: not searched yet). */
  private newlineAt = -2;

  constructor(
    private readonly handler: SplitterHandler,
    private readonly limit: number,
  ) {}

  push(chunk: Buffer): void {
    this.keepFrom = 0;
    this.newlineAt = -2;
    const n = chunk.length;
    for (let i = 0; i < n; i += 1) {
      if (this.skippingLine) {
        const nl = chunk.indexOf(0x0a, i);
        if (nl < 0) break;
        i = nl;
        this.skippingLine = false;
        this.line += 1;
        continue;
      }
      let c = chunk[i] as number;
      if (this.inString) {
        if (!this.escape && this.key === null) {
          // The bulk of CloudTrail JSON is string bytes: jump to the closing quote (or a raw line
          // break, which JSON does not allow in a string) with native searches.
          const q = this.closingQuote(chunk, i);
          const nl = this.newlineFrom(chunk, i);
          if (nl >= 0 && (q < 0 || nl < q)) {
            this.escape = false;
            i = nl;
            c = 0x0a;
          } else if (q < 0) break;
          else {
            i = q;
            c = 0x22;
          }
        }
        if (this.escape) {
          this.escape = false;
          this.keyByte(c);
        } else if (c === 0x5c) {
          this.escape = true;
          this.keyByte(c);
        } else if (c === 0x22) {
          this.inString = false;
          if (this.stringIsKey) this.endKey();
          else this.valueEnded(chunk, i);
        } else if (c < 0x20)
          this.fail(i, chunk, 'not JSON: a control character or line break inside a string');
        else this.keyByte(c);
        continue;
      }
      if (this.inScalar) {
        if (SCALAR[c] === 1) continue;
        this.inScalar = false;
        this.valueEnded(chunk, i - 1);
      }
      if (c === 0x0a) this.line += 1;
      if (isSpace(c)) continue;
      this.structural(chunk, i, c);
    }
    this.keepRest(chunk);
  }

  /**
   * In a string, with no escape pending at `from`: the index of the closing quote, or -1 when the
   * string goes on past the chunk (then `escape` says whether the chunk ends inside an escape).
   */
  private closingQuote(chunk: Buffer, from: number): number {
    const backslashesBefore = (at: number) => {
      let k = at - 1;
      while (k >= from && chunk[k] === 0x5c) k -= 1;
      return at - 1 - k;
    };
    for (let q = chunk.indexOf(0x22, from); q >= 0; q = chunk.indexOf(0x22, q + 1))
      if (backslashesBefore(q) % 2 === 0) return q;
    this.escape = backslashesBefore(chunk.length) % 2 === 1;
    return -1;
  }

  private newlineFrom(chunk: Buffer, i: number): number {
    if (this.newlineAt !== -1 && this.newlineAt < i) this.newlineAt = chunk.indexOf(0x0a, i);
    return this.newlineAt;
  }

  /** End of input: an unfinished document is reported (the pieces before it were delivered). */
  end(): void {
    if (this.inScalar && this.stack.length === 0) {
      this.inScalar = false;
      this.valueEnded(Buffer.alloc(0), -1);
    }
    if (this.stack.length > 0 || this.inString || this.inScalar)
      this.handler.invalid(
        this.docLine,
        'unexpected end of input: the document starting here is not complete (truncated?)',
      );
    if (this.skippedLines > 0)
      this.handler.invalid(
        this.docLine,
        `${this.skippedLines} more line(s) after a syntax error could not be read as JSON`,
      );
    this.reset();
  }

  private structural(chunk: Buffer, i: number, c: number): void {
    if ((c === 0x7b || c === 0x5b) && this.stack.length >= MAX_DEPTH) {
      this.fail(i, chunk, `not JSON we read: nested deeper than ${MAX_DEPTH} levels`);
      return;
    }
    switch (this.expect) {
      case Expect.Top:
        if (c === 0x7b || c === 0x5b) this.startValue(i, c);
        else if (this.recovering) {
          // After a syntax error: the rest of a broken document. Resume at a line that opens one.
          this.skippedLines += 1;
          this.skippingLine = c !== 0x0a;
        } else if (c === 0x22 || SCALAR[c] === 1) this.startValue(i, c);
        else this.fail(i, chunk, `not JSON: unexpected ${shown(c)} where a document should start`);
        return;
      case Expect.Value:
      case Expect.ValueOrEnd:
        if (c === 0x5d && this.expect === Expect.ValueOrEnd) this.close(chunk, i, ARRAY);
        else if (c === 0x7b || c === 0x5b || c === 0x22 || SCALAR[c] === 1) this.startValue(i, c);
        else this.fail(i, chunk, `not JSON: unexpected ${shown(c)} where a value should be`);
        return;
      case Expect.Key:
      case Expect.KeyOrEnd:
        if (c === 0x22) {
          this.inString = true;
          this.stringIsKey = true;
          const depth = this.stack.length;
          this.key = depth === 1 || (depth === 2 && this.keys[0] === 'ResultSet') ? [] : null;
        } else if (c === 0x7d && this.expect === Expect.KeyOrEnd) this.close(chunk, i, OBJECT);
        else this.fail(i, chunk, `not JSON: unexpected ${shown(c)} where a key should be`);
        return;
      case Expect.Colon:
        if (c === 0x3a) this.expect = Expect.Value;
        else this.fail(i, chunk, `not JSON: expected ':' after a key, got ${shown(c)}`);
        return;
      case Expect.CommaOrEnd: {
        const top = this.stack[this.stack.length - 1];
        if (c === 0x2c) this.expect = top === OBJECT ? Expect.Key : Expect.Value;
        else if (c === 0x7d && top === OBJECT) this.close(chunk, i, OBJECT);
        else if (c === 0x5d && top === ARRAY) this.close(chunk, i, ARRAY);
        else this.fail(i, chunk, `not JSON: expected ',' or a closing bracket, got ${shown(c)}`);
        return;
      }
    }
  }

  private keyByte(c: number): void {
    if (this.key === null) return;
    if (this.key.length < KEY_BYTES) this.key.push(c);
    else this.key = null;
  }

  private endKey(): void {
    this.stringIsKey = false;
    const depth = this.stack.length;
    if (depth <= 2) {
      const name = this.key ? keyName(this.key) : '';
      this.keys[depth - 1] = name;
      if (depth === 1 ? EVENT_KEYS.has(name) : name === 'Rows')
        this.eventKeys.push(depth === 1 ? name : 'ResultSet.Rows');
    }
    this.key = null;
    this.expect = Expect.Colon;
  }

  /** At the end of a document: more than one event array named in it is reported. */
  private checkEventKeys(): void {
    const rows = this.eventKeys.filter((k) => k === 'ResultSet.Rows').length;
    if (rows > 1 || this.eventKeys.length - rows > 1) this.handler.ambiguous(this.docLine, this.eventKeys);
    this.eventKeys = [];
  }

  private startValue(i: number, c: number): void {
    const depth = this.stack.length;
    if (depth === 0) {
      this.doc += 1;
      this.docInLine = this.line === this.lastDocLine ? this.docInLine + 1 : 0;
      this.lastDocLine = this.line;
      this.docLine = this.line;
      this.wrapperDepth = 0;
      this.wrapperName = null;
      this.index = 0;
      this.keys[0] = '';
      this.keys[1] = '';
      this.eventKeys = [];
      if (c === 0x5b) this.beginWrapper('', 1);
      else this.beginPiece(i);
    } else if (depth === this.wrapperDepth) this.beginPiece(i);
    else if (c === 0x5b && this.wrapperDepth <= 0) {
      // No wrapper open: the first of the document, or another after it closed (then reported).
      const name = this.wrapperAt(depth);
      if (name !== null) {
        this.dropPiece();
        this.beginWrapper(name, depth + 1);
      }
    }
    if (c === 0x7b) {
      this.stack.push(OBJECT);
      this.expect = Expect.KeyOrEnd;
    } else if (c === 0x5b) {
      this.stack.push(ARRAY);
      this.expect = Expect.ValueOrEnd;
    } else if (c === 0x22) {
      this.inString = true;
      this.stringIsKey = false;
    } else this.inScalar = true;
  }

  /** The name of the wrapper array an array opened at `depth` would be, if any. */
  private wrapperAt(depth: number): string | null {
    const [outer, inner] = this.keys;
    if (depth === 1 && WRAPPERS.has(outer as string)) return outer as string;
    if (depth === 2 && outer === 'ResultSet' && inner === 'Rows' && this.stack[1] === OBJECT)
      return 'ResultSet.Rows';
    return null;
  }

  private beginWrapper(name: string, depth: number): void {
    this.wrapperName = name;
    this.wrapperDepth = depth;
    this.index = 0;
  }

  private close(chunk: Buffer, i: number, kind: number): void {
    if (this.stack[this.stack.length - 1] !== kind) {
      this.fail(i, chunk, 'not JSON: mismatched closing bracket');
      return;
    }
    this.stack.pop();
    if (this.stack.length + 1 === this.wrapperDepth) this.wrapperDepth = -1; // wrapper array closed
    this.valueEnded(chunk, i);
  }

  /** A value ended at byte `i` (inclusive). */
  private valueEnded(chunk: Buffer, i: number): void {
    const depth = this.stack.length;
    this.expect = depth === 0 ? Expect.Top : Expect.CommaOrEnd;
    if (depth === 0 && this.eventKeys.length > 1) this.checkEventKeys();
    if (!this.pieceOpen) return;
    const ends = depth === 0 ? this.wrapperDepth === 0 : depth === this.wrapperDepth;
    if (!ends) return;
    const info = {
      line: this.docLine,
      doc: this.doc,
      docInLine: this.docInLine,
      wrapper: depth === 0 ? null : this.wrapperName,
      index: this.index,
    };
    if (depth !== 0) this.index += 1;
    const size = this.kept + (i + 1 - this.keepFrom);
    if (this.oversize || size > this.limit) this.handler.oversized(info, size);
    else {
      const tail = chunk.subarray(this.keepFrom, i + 1);
      const bytes = this.parts.length > 0 ? Buffer.concat([...this.parts, tail]) : tail;
      this.handler.piece({ ...info, bytes });
    }
    this.dropPiece();
  }

  private beginPiece(i: number): void {
    this.pieceOpen = true;
    this.keeping = true;
    this.keepFrom = i;
    this.parts = [];
    this.kept = 0;
    this.oversize = false;
  }

  private dropPiece(): void {
    this.pieceOpen = false;
    this.keeping = false;
    this.parts = [];
    this.kept = 0;
    this.oversize = false;
  }

  /** At the end of a chunk: copy what the open piece holds of it, within the limit. */
  private keepRest(chunk: Buffer): void {
    if (!this.pieceOpen) return;
    const rest = chunk.length - this.keepFrom;
    this.kept += rest;
    if (this.kept > this.limit) {
      this.oversize = true;
      this.keeping = false;
      this.parts = [];
    } else if (this.keeping && rest > 0) this.parts.push(Buffer.from(chunk.subarray(this.keepFrom)));
    this.keepFrom = 0;
  }

  private fail(i: number, chunk: Buffer, message: string): void {
    if (!this.recovering) this.handler.invalid(this.line, message);
    else this.skippedLines += 1;
    this.reset();
    this.recovering = true;
    this.skippingLine = chunk[i] !== 0x0a;
    if (chunk[i] === 0x0a) this.line += 1;
  }

  private reset(): void {
    this.stack.length = 0;
    this.expect = Expect.Top;
    this.inString = false;
    this.escape = false;
    this.inScalar = false;
    this.stringIsKey = false;
    this.key = null;
    this.wrapperDepth = 0;
    this.wrapperName = null;
    this.eventKeys = [];
    this.dropPiece();
  }
}
