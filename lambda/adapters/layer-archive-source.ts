/**
 * Random access to a layer archive: over HTTP Range requests (GetLayerVersion's presigned
 * `Content.Location`), from a local file, or from memory. Every read is charged to a budget of
 * bytes and time; exhausting it throws ReadBudgetExceededError, which the inspector turns into a
 * gap in its report.
 */
import { createHash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { errorFields } from './errors.js';

export class ArchiveFormatError extends Error {
  override name = 'ArchiveFormatError';
}
/** The server sent fewer bytes than it announced or than were asked for. */
export class TruncatedBodyError extends Error {
  override name = 'TruncatedBodyError';
}
/** The server's lengths disagree with the request or with the layer's CodeSize. */
export class ArchiveSizeMismatchError extends Error {
  override name = 'ArchiveSizeMismatchError';
}
/** The downloaded archive is not the one Lambda describes (CodeSha256). */
export class ArchiveDigestMismatchError extends Error {
  override name = 'ArchiveDigestMismatchError';
}
export class ArchiveFetchError extends Error {
  override name = 'ArchiveFetchError';
}
export class ReadBudgetExceededError extends Error {
  override name = 'ReadBudgetExceededError';
}

export interface ByteSource {
  readonly size: number;
  /** Exactly `length` bytes from `offset`, or a named error. */
  read(offset: number, length: number): Promise<Uint8Array>;
}

export interface ReadBudget {
  /** Bytes that may be transferred in all. */
  maxBytes: number;
  /** Milliseconds from the first read. */
  timeoutMs: number;
  /** Injected clock; Date.now by default. */
  now?: () => number;
}

export interface TransferStats {
  bytes: number;
  requests: number;
  /** range: only the parts read; full: the server ignored Range and the whole body was read. */
  mode: 'range' | 'full' | 'local';
  /** True when the whole archive was hashed and matched CodeSha256. */
  sha256Verified: boolean;
}

/** Charges reads against a budget. */
export class BudgetMeter {
  private readonly now: () => number;
  private readonly deadline: number;
  bytes = 0;
  requests = 0;

  constructor(private readonly budget: ReadBudget) {
    this.now = budget.now ?? Date.now;
    this.deadline = this.now() + budget.timeoutMs;
  }

  /** Milliseconds left; throws when none are. */
  remainingMs(): number {
    const left = this.deadline - this.now();
    if (left <= 0) throw new ReadBudgetExceededError(`read budget of ${this.budget.timeoutMs} ms spent`);
    return left;
  }

  /** Whether `bytes` more would stay within the budget. */
  fits(bytes: number): boolean {
    return this.bytes + bytes <= this.budget.maxBytes;
  }

  charge(bytes: number): void {
    if (this.bytes + bytes > this.budget.maxBytes)
      throw new ReadBudgetExceededError(
        `read budget of ${this.budget.maxBytes} bytes spent (${this.bytes} read, ${bytes} more needed)`,
      );
    this.bytes += bytes;
  }
}

export class BufferSource implements ByteSource {
  constructor(private readonly bytes: Uint8Array) {}
  get size(): number {
    return this.bytes.length;
  }
  async read(offset: number, length: number): Promise<Uint8Array> {
    if (offset < 0 || offset + length > this.bytes.length)
      throw new ArchiveFormatError(
        `read of ${length} bytes at ${offset} is past the end (${this.bytes.length})`,
      );
    return this.bytes.subarray(offset, offset + length);
  }
}

export class FileSource implements ByteSource {
  constructor(
    private readonly handle: FileHandle,
    readonly size: number,
    private readonly meter: BudgetMeter,
  ) {}
  async read(offset: number, length: number): Promise<Uint8Array> {
    if (offset < 0 || offset + length > this.size)
      throw new ArchiveFormatError(`read of ${length} bytes at ${offset} is past the end (${this.size})`);
    this.meter.remainingMs();
    this.meter.charge(length);
    this.meter.requests++;
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await this.handle.read(buffer, 0, length, offset);
    if (bytesRead !== length)
      throw new TruncatedBodyError(`file ended after ${bytesRead} of ${length} bytes`);
    return buffer;
  }
}

/** Keeps the last read that reached the end of the archive and answers reads inside it from memory. */
export class TailCachingSource implements ByteSource {
  private tail: { start: number; bytes: Uint8Array } | null = null;

  constructor(private readonly inner: ByteSource) {}

  get size(): number {
    return this.inner.size;
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    const t = this.tail;
    if (t && offset >= t.start && offset + length <= t.start + t.bytes.length)
      return t.bytes.subarray(offset - t.start, offset - t.start + length);
    const bytes = await this.inner.read(offset, length);
    if (offset + length === this.size && (!t || offset < t.start)) this.tail = { start: offset, bytes };
    return bytes;
  }
}

/** Reads a response body with a cap; fewer bytes than `expected` is a TruncatedBodyError. */
export async function readBody(
  response: Response,
  expected: number,
  meter: BudgetMeter,
  onChunk?: (chunk: Uint8Array) => void,
): Promise<Uint8Array> {
  const out = Buffer.alloc(expected);
  let got = 0;
  const reader = response.body?.getReader();
  if (!reader) throw new TruncatedBodyError('the response has no body');
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (got + value.length > expected)
        throw new ArchiveSizeMismatchError(`the body is longer than the ${expected} bytes expected`);
      meter.charge(value.length);
      meter.remainingMs();
      out.set(value, got);
      got += value.length;
      onChunk?.(value);
    }
  } catch (error) {
    await reader.cancel().catch(() => undefined);
    const { name, message } = errorFields(error);
    // fetch reports a connection closed mid-body as a TypeError ("terminated").
    if (name === 'TypeError')
      throw new TruncatedBodyError(`the body ended after ${got} of ${expected} bytes: ${message}`, {
        cause: error,
      });
    throw error;
  }
  if (got < expected) throw new TruncatedBodyError(`the body ended after ${got} of ${expected} bytes`);
  return out;
}

/** Name and message of anything thrown; errors from another realm (undici in a test VM) included. */
export function sha256Base64(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('base64');
}
