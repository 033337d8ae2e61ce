/**
 * Reads one input into records, in bounded memory. A small file is read whole (one `JSON.parse`,
 * the fast path); a file larger than the record limit, a gzip that inflates past it, a pipe or stdin
 * is streamed through the JSON splitter, so that its size does not matter. A reader never throws:
 * what it cannot read is a problem naming the file, and the records before it are kept.
 */
import { closeSync, constants, createReadStream, fstatSync, openSync, readSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip, gunzipSync } from 'node:zlib';
import { AthenaCsvStream, athenaCsvRecords, counter } from './athena.js';
import { holdsNoRecord, PieceReader, positionOf, recordsOfDocument } from './documents.js';
import { FormatHead, firstByte, isCsv } from './input-format.js';
import { isSpace, mayNameEventsTwice } from './json-bytes.js';
import { JsonSplitter } from './json-splitter.js';
import { mayHoldCandidate, pieceMayBeCandidate } from './prefilter.js';
import { candidateRecords } from './record-level.js';
import type { ReadOptions, RecordSink, SourceProblem } from './source-types.js';

const CHUNK = 1 << 20;

function isGzip(bytes: Buffer): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

function withoutBom(bytes: Buffer): Buffer {
  return bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf
    ? bytes.subarray(3)
    : bytes;
}

/** The last byte that is not whitespace closes an object or an array. */
function endsLikeJson(bytes: Buffer): boolean {
  for (let i = bytes.length - 1; i >= 0; i -= 1) {
    const c = bytes[i] as number;
    if (!isSpace(c)) return c === 0x7d || c === 0x5d;
  }
  return true;
}

/** The `size` bytes of an open regular file (one `fstat` fewer than readFileSync(fd)). */
function readAll(fd: number, size: number): Buffer {
  const buffer = Buffer.allocUnsafe(size);
  let read = 0;
  while (read < size) {
    const n = readSync(fd, buffer, read, size - read, read);
    if (n === 0) break;
    read += n;
  }
  return buffer.subarray(0, read);
}

/**
 * Reads a local file. Found in a folder (`special` false), it is opened without blocking and read
 * only if it is a regular file; named on the command line, a pipe or device is read as a stream.
 */
export async function readFile(
  path: string,
  problems: SourceProblem[],
  sink: RecordSink,
  options: ReadOptions,
  special = false,
): Promise<void> {
  const unreadable = (error: unknown) =>
    problems.push({
      file: path,
      position: null,
      message: `cannot read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      kind: 'unreadable',
    });
  if (special) {
    try {
      const handle = await open(path, 'r');
      return readStream(path, handle.createReadStream({ highWaterMark: CHUNK }), problems, sink, options);
    } catch (error) {
      unreadable(error);
      return;
    }
  }
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    unreadable(error);
    return;
  }
  let streamed = false;
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) {
      problems.push({ file: path, position: null, message: 'not a regular file, skipped', kind: 'note' });
      return;
    }
    if (stat.size <= options.maxRecordBytes)
      return await readBytes(path, readAll(fd, stat.size), problems, sink, options);
    streamed = true;
    const stream = createReadStream('', { fd, highWaterMark: CHUNK, autoClose: true });
    return await readStream(path, stream, problems, sink, options);
  } catch (error) {
    unreadable(error);
  } finally {
    if (!streamed) closeSync(fd);
  }
}

/**
 * The size to inflate a gzip into at once: the size its trailer states (the last member's, modulo
 * 2^32) as far as deflate's ratio allows, within 16 KiB and the record limit. Inflating into one buffer of the right size saves
 * zlib's 16 KiB pieces and the copy that joins them, a third of the inflate's CPU. A hint only:
 * a gzip of several members states its last member's size, and the inflate then takes more pieces;
 * what it yields is the same (a trailer that does not match its data fails zlib's own check).
 */
function outputHint(raw: Buffer, options: ReadOptions): number {
  // The trailer is the file's to state: no more than deflate can give (1,032 bytes a byte), so that a
  // forged size cannot reserve the record limit for a file of a few bytes.
  const stated = raw.length >= 18 ? Math.min(raw.readUInt32LE(raw.length - 4), raw.length * 1032) : 0;
  return Math.min(Math.max(stated + 64, 16 * 1024), options.maxRecordBytes + 64);
}

/** Records from an input's bytes (a local file or an S3 object): gunzips, pre-filters, parses. */
export async function readBytes(
  name: string,
  raw: Buffer,
  problems: SourceProblem[],
  sink: RecordSink,
  options: ReadOptions,
): Promise<void> {
  let bytes = raw;
  if (isGzip(raw)) {
    try {
      bytes = gunzipSync(raw, {
        maxOutputLength: options.maxRecordBytes,
        chunkSize: outputHint(raw, options),
      });
    } catch {
      // Too large to inflate in one piece, or damaged: the stream reads what can be read and says why.
      return readStream(name, Readable.from([raw]), problems, sink, options);
    }
  }
  if (bytes.length > options.maxRecordBytes)
    return readStream(name, Readable.from([bytes]), problems, sink, options);
  options.onBytes?.(bytes.length);
  bytes = withoutBom(bytes);
  const { at, line } = firstByte(bytes);
  if (at === bytes.length) return;
  // Athena CSV is always parsed, as it is when streamed (its rows are not cut apart unparsed).
  if (isCsv(name, bytes, at, line, false, problems)) {
    sink(athenaCsvRecords(name, bytes.subarray(at).toString('utf8'), problems));
    return;
  }
  // Skipped unparsed only when it also ends as JSON does: a file cut short is parsed, and reported.
  if (options.prefilter && !mayHoldCandidate(bytes) && endsLikeJson(bytes)) {
    // A file of no record at all is a file read, of nothing, as when it is streamed or not filtered.
    if (!holdsNoRecord(name, bytes, line)) options.onSkipped?.(name);
    return;
  }
  // A log file among many: parse only the records that name a watched call.
  const candidates = options.prefilter ? candidateRecords(name, bytes, at, line) : null;
  if (candidates) {
    options.onUnparsed?.(candidates.unparsed);
    sink(candidates.records);
    return;
  }
  let doc: unknown;
  try {
    doc = JSON.parse(bytes.toString('utf8'));
  } catch {
    // Not one document: JSON Lines or concatenated documents, cut apart below.
    splitAll(name, bytes, problems, sink, options);
    return;
  }
  // An event array named twice: the parse kept the last only; the splitter reads every one.
  if (mayNameEventsTwice(bytes, doc)) {
    splitAll(name, bytes, problems, sink, options);
    return;
  }
  sink(recordsOfDocument(name, line, doc, problems, counter()));
}

function splitter(name: string, problems: SourceProblem[], sink: RecordSink, options: ReadOptions) {
  const pieces = new PieceReader(name, problems, options.prefilter ? pieceMayBeCandidate : null);
  /** Every byte of the input was judged: none was cut off, skipped as not JSON, or over the limit. */
  let whole = true;
  let batch: ReturnType<PieceReader['records']> = [];
  const split = new JsonSplitter(
    {
      piece: (p) => {
        for (const r of pieces.records(p)) batch.push(r);
      },
      invalid: (line, message) => {
        whole = false;
        problems.push({ file: name, position: `line ${line}`, message, kind: 'invalid' });
      },
      oversized: (p, size) => {
        whole = false;
        problems.push({
          file: name,
          position: positionOf(p.line, p.wrapper, p.index, p.docInLine),
          message: `a record of ${size} bytes or more is over the limit of ${options.maxRecordBytes} bytes (--max-record-bytes), skipped`,
          kind: 'unreadable',
        });
      },
      ambiguous: (line, names) =>
        problems.push({
          file: name,
          position: `line ${line}`,
          message: `the document names its event arrays more than once (${names.join(', ')}): CloudTrail writes one; the elements of every one were read, where a whole parse keeps only the last`,
          kind: 'ambiguous',
        }),
    },
    options.maxRecordBytes,
  );
  const flush = () => {
    if (batch.length > 0) sink(batch);
    batch = [];
    const dropped = pieces.takeDropped();
    if (dropped > 0) options.onUnparsed?.(dropped);
  };
  /**
   * The input is over: one without any candidate is a file not parsed, as when it is read whole,
   * unless part of it went unread; then its records are skipped ones.
   */
  const close = (complete: boolean) => {
    pieces.finish();
    flush();
    if (!pieces.withoutCandidates()) return;
    if (complete && whole) options.onSkipped?.(name);
    else options.onUnparsed?.(pieces.takeDropped(true));
  };
  return {
    push(chunk: Buffer) {
      split.push(chunk);
      flush();
    },
    end() {
      split.end();
      close(true);
    },
    /** The input broke off: what was read is kept, the unfinished document is not reported twice. */
    abort: () => close(false),
  };
}

function splitAll(
  name: string,
  bytes: Buffer,
  problems: SourceProblem[],
  sink: RecordSink,
  options: ReadOptions,
) {
  const s = splitter(name, problems, sink, options);
  s.push(bytes);
  s.end();
}

/** Raw chunks, gunzipped when the input starts with the gzip magic bytes. */
async function* plainChunks(raw: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  const it = raw[Symbol.asyncIterator]();
  let head = Buffer.alloc(0);
  while (head.length < 2) {
    const next = await it.next();
    if (next.done) {
      if (head.length > 0) yield head;
      return;
    }
    head = Buffer.concat([head, next.value]);
  }
  const rest = (async function* () {
    yield head;
    for (let next = await it.next(); !next.done; next = await it.next()) yield next.value;
  })();
  if (!isGzip(head)) {
    yield* rest;
    return;
  }
  const input = Readable.from(rest);
  const gunzip = createGunzip({ chunkSize: 256 * 1024 });
  input.on('error', (error) => gunzip.destroy(error));
  input.pipe(gunzip);
  try {
    yield* gunzip as AsyncIterable<Buffer>;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    if (code.startsWith('Z_') || /unexpected end of file/i.test((error as Error).message))
      throw new Error(
        `truncated or damaged gzip (${(error as Error).message}); the records before the damage were read`,
      );
    throw error;
  }
}

/** Streams an input of any size through the splitter; memory is bounded by the record limit. */
export async function readStream(
  name: string,
  raw: AsyncIterable<Buffer>,
  problems: SourceProblem[],
  sink: RecordSink,
  options: ReadOptions,
): Promise<void> {
  const s = splitter(name, problems, sink, options);
  const decoder = new StringDecoder('utf8');
  let csv: AthenaCsvStream | null = null;
  let head: FormatHead | null = new FormatHead(name, problems);
  let first = true;
  const take = (chunk: Buffer) => {
    if (csv) sink(csv.push(decoder.write(chunk)));
    else s.push(chunk);
  };
  const decided = (d: { csv: boolean; bytes: Buffer } | null) => {
    if (!d) return;
    head = null;
    if (d.csv) csv = new AthenaCsvStream(name, problems, options.maxRecordBytes);
    take(d.bytes);
  };
  try {
    for await (const c of plainChunks(raw)) {
      options.onBytes?.(c.length);
      const chunk = first ? withoutBom(c) : c;
      first = false;
      if (!head) take(chunk);
      else {
        const { blanks, decided: d } = head.push(chunk);
        if (blanks.length > 0) s.push(blanks);
        decided(d);
      }
    }
    if (head) decided(head.end());
    // Set inside `decided`, which the compiler does not follow.
    const rows = csv as AthenaCsvStream | null;
    if (rows) sink([...rows.push(decoder.end()), ...rows.end()]);
  } catch (error) {
    s.abort();
    problems.push({
      file: name,
      position: null,
      message: `cannot read: ${(error as Error).message}`,
      kind: 'unreadable',
    });
    return;
  }
  if (!csv) s.end();
}
