/**
 * A layer archive behind a presigned HTTPS URL (GetLayerVersion's `Content.Location`), read with
 * HTTP Range requests. When the server ignores Range (200 with the whole body), the body is read
 * once, streaming, within the byte budget, checked against CodeSha256 and then served from memory.
 */

import { createHash } from 'node:crypto';
import { errorFields } from './errors.js';
import {
  ArchiveDigestMismatchError,
  ArchiveFetchError,
  ArchiveSizeMismatchError,
  type BudgetMeter,
  type ByteSource,
  ReadBudgetExceededError,
  readBody,
} from './layer-archive-source.js';

export type FetchFunction = (url: string, init: RequestInit) => Promise<Response>;

export interface RemoteArchive {
  url: string;
  /** Content.CodeSize */
  size: number;
  /** Content.CodeSha256 (base64 SHA-256) */
  codeSha256: string;
}

export class HttpRangeSource implements ByteSource {
  private whole: Uint8Array | null = null;
  sha256Verified = false;

  constructor(
    private readonly archive: RemoteArchive,
    private readonly meter: BudgetMeter,
    private readonly fetchFn: FetchFunction = fetch,
    /** The caller's deadline: once aborted, reads stop (an in-flight request is cancelled). */
    private readonly stop?: AbortSignal,
  ) {}

  get size(): number {
    return this.archive.size;
  }

  get mode(): 'range' | 'full' {
    return this.whole ? 'full' : 'range';
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    if (offset < 0 || length <= 0 || offset + length > this.size)
      throw new ArchiveSizeMismatchError(
        `read of ${length} bytes at ${offset} is outside the ${this.size}-byte archive`,
      );
    if (this.whole) return this.whole.subarray(offset, offset + length);
    if (!this.meter.fits(length))
      throw new ReadBudgetExceededError(`a read of ${length} bytes would exceed the read budget`);
    if (this.stop?.aborted) throw new ReadBudgetExceededError("the caller's deadline was reached");
    const timeout = AbortSignal.timeout(this.meter.remainingMs());
    const signal = this.stop ? AbortSignal.any([timeout, this.stop]) : timeout;
    this.meter.requests++;
    let response: Response;
    try {
      response = await this.fetchFn(this.archive.url, {
        headers: { Range: `bytes=${offset}-${offset + length - 1}` },
        signal,
      });
    } catch (error) {
      throw fetchFailure(error, this.stop);
    }
    try {
      if (response.status === 206) return await this.partial(response, offset, length);
      if (response.status === 200) {
        this.whole = await this.download(response);
        return this.whole.subarray(offset, offset + length);
      }
    } catch (error) {
      throw fetchFailure(error, this.stop);
    }
    await response.body?.cancel().catch(() => undefined);
    // A presigned URL answers 403 once it has expired (GetLayerVersion's lasts 10 minutes).
    throw new ArchiveFetchError(`HTTP ${response.status} for bytes ${offset}-${offset + length - 1}`);
  }

  private async partial(response: Response, offset: number, length: number): Promise<Uint8Array> {
    const range = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(response.headers.get('content-range') ?? '');
    if (!range || Number(range[1]) !== offset || Number(range[2]) !== offset + length - 1) {
      await response.body?.cancel().catch(() => undefined);
      throw new ArchiveSizeMismatchError(
        `asked for bytes ${offset}-${offset + length - 1}, got Content-Range "${response.headers.get('content-range')}"`,
      );
    }
    if (range[3] !== '*' && Number(range[3]) !== this.size) {
      await response.body?.cancel().catch(() => undefined);
      throw new ArchiveSizeMismatchError(
        `the archive is ${range[3]} bytes, the layer's CodeSize says ${this.size}`,
      );
    }
    return readBody(response, length, this.meter);
  }

  private async download(response: Response): Promise<Uint8Array> {
    const declared = response.headers.get('content-length');
    if (declared !== null && Number(declared) !== this.size) {
      await response.body?.cancel().catch(() => undefined);
      throw new ArchiveSizeMismatchError(
        `the server sends ${declared} bytes, the layer's CodeSize says ${this.size}`,
      );
    }
    if (!this.meter.fits(this.size)) {
      await response.body?.cancel().catch(() => undefined);
      throw new ReadBudgetExceededError(
        `the server ignores Range requests and the ${this.size}-byte archive exceeds the read budget`,
      );
    }
    const hash = createHash('sha256');
    const body = await readBody(response, this.size, this.meter, (chunk) => hash.update(chunk));
    const digest = hash.digest('base64');
    if (digest !== this.archive.codeSha256)
      throw new ArchiveDigestMismatchError(
        `SHA-256 ${digest} of the download is not the layer's CodeSha256 ${this.archive.codeSha256}`,
      );
    this.sha256Verified = true;
    return body;
  }
}

function fetchFailure(error: unknown, stop: AbortSignal | undefined): Error {
  const { name, message } = errorFields(error);
  if (stop?.aborted && (name === 'TimeoutError' || name === 'AbortError'))
    return new ReadBudgetExceededError("the caller's deadline was reached", { cause: error });
  if (name === 'TimeoutError' || name === 'AbortError')
    return new ReadBudgetExceededError('read budget time spent while waiting for the server', {
      cause: error,
    });
  // Our own named errors pass through; anything else from fetch is a failed request.
  if (error instanceof Error && name !== 'TypeError') return error;
  return new ArchiveFetchError(`request failed: ${message}`, { cause: error });
}
