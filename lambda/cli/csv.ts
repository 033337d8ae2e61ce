/**
 * RFC 4180 CSV (quoted fields, doubled quotes, line breaks inside quotes), read incrementally: text
 * goes in by chunks, complete rows come out, so a CSV file of any size is read in bounded memory.
 */

export class CsvTooLargeError extends Error {
  override name = 'CsvTooLargeError';
}

export class CsvParser {
  private row: string[] = [];
  private field = '';
  /** Characters in the fields of the row so far (the open field aside). */
  private rowChars = 0;
  private quoted = false;
  /** A quote seen inside a quoted field at the end of a chunk: the next character decides. */
  private quotePending = false;
  /** A CR ended the last row: a LF right after it belongs to it. */
  private afterCr = false;
  /** The open field was quoted and its quotes closed: only a comma or a line break may follow. */
  private closed = false;
  /** The row so far broke RFC 4180: a quote inside an unquoted field, or text after a closing one. */
  private irregular = false;
  /**
   * The rows that broke RFC 4180 (read leniently all the same). Athena quotes every field, so such a
   * row is not one it wrote: a JSON line (`{"eventName":...`) read as CSV is one.
   */
  readonly irregularRows = new WeakSet<string[]>();

  /** @param maxRowChars a row longer than this throws CsvTooLargeError (an unclosed quote, say). */
  constructor(private readonly maxRowChars = Number.POSITIVE_INFINITY) {}

  push(text: string): string[][] {
    const rows: string[][] = [];
    for (let i = 0; i < text.length; i += 1) {
      const c = text[i] as string;
      if (this.afterCr) {
        this.afterCr = false;
        if (c === '\n') continue;
      }
      if (this.quotePending) {
        this.quotePending = false;
        if (c === '"') {
          this.field += '"';
          continue;
        }
        this.quoted = false;
        this.closed = true;
      }
      if (this.quoted) {
        if (c === '"') this.quotePending = true;
        else this.field += c;
      } else if (c === ',') this.endField();
      else if (c === '\n' || c === '\r') {
        this.afterCr = c === '\r';
        rows.push(this.endRow());
      } else {
        if (this.closed || (c === '"' && this.field.length > 0)) this.irregular = true;
        if (c === '"') this.quoted = true;
        else this.field += c;
      }
    }
    if (this.rowChars + this.field.length > this.maxRowChars)
      throw new CsvTooLargeError(`a CSV row longer than ${this.maxRowChars} characters (an unclosed quote?)`);
    return rows.filter((r) => !(r.length === 1 && r[0] === ''));
  }

  end(): string[][] {
    const rows = this.field.length > 0 || this.row.length > 0 ? [this.endRow()] : [];
    return rows.filter((r) => !(r.length === 1 && r[0] === ''));
  }

  private endField(): void {
    this.closed = false;
    this.rowChars += this.field.length;
    this.row.push(this.field);
    this.field = '';
  }

  private endRow(): string[] {
    this.endField();
    const row = this.row;
    if (this.irregular) this.irregularRows.add(row);
    this.irregular = false;
    this.row = [];
    this.rowChars = 0;
    return row;
  }
}

export function parseCsv(text: string): string[][] {
  const parser = new CsvParser();
  return [...parser.push(text), ...parser.end()];
}
