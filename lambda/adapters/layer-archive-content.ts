/**
 * Reads the leading bytes of the files the inspection core asks for. Requests close together in the
 * archive are fetched in one read; deflated data is inflated with node:zlib, never past what was
 * asked for (plus one byte, to catch an entry that inflates beyond its declared size).
 */

import { crc32, createInflateRaw } from 'node:zlib';
import type { ContentRequest } from '../domain/inspection/model.js';
import { errorFields } from './errors.js';
import { ArchiveFormatError, type ByteSource, ReadBudgetExceededError } from './layer-archive-source.js';
import type { ZipEntry } from './layer-archive-zip.js';

const LOCAL = 0x04034b50;
const LOCAL_HEADER = 30;
/** Room for a local extra field longer than the central one (timestamps, zip64). */
const EXTRA_SLACK = 128;
/** Requests closer than this are read together; a group is never larger than MAX_GROUP. */
const JOIN_GAP = 64 * 1024;
const MAX_GROUP = 4 * 1024 * 1024;

export interface ContentResult {
  /** By the requests' content keys. */
  contents: Map<string, Uint8Array>;
  /** Content keys that were asked for and not read, with why. */
  unread: Map<string, string>;
}

interface Job {
  key: string;
  entry: ZipEntry;
  want: number;
  start: number;
  end: number;
}

/** Compressed bytes needed for `want` leading bytes: all of a stored prefix; a guess for deflate. */
function compressedNeed(entry: ZipEntry, want: number): number {
  if (entry.method === 0) return Math.min(entry.compressedSize, want);
  // Deflate never grows data by more than 5 bytes a 16 KiB block: more than that is never read.
  if (want >= entry.uncompressedSize) return Math.min(entry.compressedSize, want + (want >> 6) + 1024);
  // A first guess for a prefix; readOne reads more when it falls short.
  return Math.min(entry.compressedSize, Math.max(1024, want * 2));
}

/** A request as the core makes it; without `index` and `key`, the first entry of `path`, keyed by it. */
export type ReadRequest = Pick<ContentRequest, 'path' | 'bytes'> & Partial<ContentRequest>;

function plan(entries: readonly ZipEntry[], requests: readonly ReadRequest[]): Job[] {
  const jobs: Job[] = [];
  for (const r of requests) {
    // By the central-directory entry the core named: each copy of a duplicated path is its own read.
    const entry = r.index === undefined ? entries.find((e) => e.path === r.path) : entries[r.index];
    if (!entry || entry.path !== r.path) continue;
    const end = entry.offset + LOCAL_HEADER + entry.nameBytes + EXTRA_SLACK + compressedNeed(entry, r.bytes);
    jobs.push({
      key: r.key ?? r.path,
      entry,
      want: Math.min(r.bytes, entry.uncompressedSize),
      start: entry.offset,
      end,
    });
  }
  return jobs.sort((a, b) => a.start - b.start);
}

function groups(jobs: Job[], size: number): Job[][] {
  const out: Job[][] = [];
  let current: Job[] = [];
  let start = 0;
  let end = 0;
  for (const job of jobs) {
    if (current.length > 0 && (job.start - end > JOIN_GAP || Math.max(end, job.end) - start > MAX_GROUP)) {
      out.push(current);
      current = [];
    }
    if (current.length === 0) start = job.start;
    current.push(job);
    end = Math.min(size, Math.max(end, job.end));
  }
  if (current.length > 0) out.push(current);
  return out;
}

/**
 * Reads in flight at once. Against S3 a request costs tens of milliseconds before its first byte:
 * a layer of 130 native libraries needs 130 small reads, which take 9 round trips at 16 at a time.
 */
export const CONCURRENCY = 16;

export async function readContents(
  source: ByteSource,
  entries: readonly ZipEntry[],
  requests: readonly ReadRequest[],
  concurrency = CONCURRENCY,
): Promise<ContentResult> {
  const result: ContentResult = { contents: new Map(), unread: new Map() };
  const queue = groups(plan(entries, requests), source.size);
  const state: { stopped: string | null } = { stopped: null };
  const worker = async () => {
    for (let group = queue.shift(); group; group = queue.shift())
      await readGroup(source, group, result, state);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, queue.length) }, worker));
  return result;
}

/** One request for a group of neighbouring files; once the budget is spent, the rest are gaps. */
async function readGroup(
  source: ByteSource,
  group: Job[],
  result: ContentResult,
  state: { stopped: string | null },
): Promise<void> {
  if (state.stopped !== null) {
    for (const job of group) result.unread.set(job.key, state.stopped);
    return;
  }
  const first = group[0] as Job;
  const end = Math.min(source.size, Math.max(...group.map((j) => j.end)));
  let window: Uint8Array;
  try {
    window = await source.read(first.start, end - first.start);
  } catch (error) {
    const reason = failure(error);
    if (error instanceof ReadBudgetExceededError) state.stopped = reason;
    for (const job of group) result.unread.set(job.key, reason);
    return;
  }
  for (const job of group) {
    try {
      result.contents.set(job.key, await readOne(source, job, window, first.start));
    } catch (error) {
      const reason = failure(error);
      result.unread.set(job.key, reason);
      if (error instanceof ReadBudgetExceededError) state.stopped = reason;
    }
  }
}

function failure(error: unknown): string {
  const { name, message } = errorFields(error);
  return `${name}: ${message}`;
}

async function slice(
  source: ByteSource,
  window: Uint8Array,
  windowStart: number,
  at: number,
  length: number,
) {
  const from = at - windowStart;
  if (from >= 0 && from + length <= window.length) return window.subarray(from, from + length);
  return source.read(at, length);
}

async function readOne(
  source: ByteSource,
  job: Job,
  window: Uint8Array,
  windowStart: number,
): Promise<Uint8Array> {
  const { entry, want } = job;
  const header = await slice(source, window, windowStart, entry.offset, LOCAL_HEADER);
  const view = new DataView(header.buffer, header.byteOffset, header.byteLength);
  if (view.getUint32(0, true) !== LOCAL) throw new ArchiveFormatError(`no local header for ${entry.path}`);
  const dataStart = entry.offset + LOCAL_HEADER + view.getUint16(26, true) + view.getUint16(28, true);
  if (dataStart + entry.compressedSize > source.size)
    throw new ArchiveFormatError(`${entry.path} runs past the archive`);
  if (want === 0) return new Uint8Array(0);
  if (entry.method === 0) {
    if (entry.compressedSize !== entry.uncompressedSize)
      throw new ArchiveFormatError(`stored entry ${entry.path} has different sizes`);
    const data = await slice(source, window, windowStart, dataStart, want);
    return checked(entry, data, want);
  }
  let take = compressedNeed(entry, want);
  for (;;) {
    const data = await slice(source, window, windowStart, dataStart, take);
    const out = await inflatePrefix(data, want, entry.path);
    if (out.length >= want || take >= entry.compressedSize) return checked(entry, out, want);
    take = Math.min(entry.compressedSize, take * 4);
  }
}

/** A whole file must have its declared size and CRC; a prefix is only cut to size. */
function checked(entry: ZipEntry, data: Uint8Array, want: number): Uint8Array {
  if (want < entry.uncompressedSize) return data.subarray(0, want);
  if (data.length !== entry.uncompressedSize)
    throw new ArchiveFormatError(
      `${entry.path} inflates to ${data.length > want ? 'more' : 'fewer'} bytes than its declared ${entry.uncompressedSize}`,
    );
  if (crc32(data) !== entry.crc32) throw new ArchiveFormatError(`${entry.path} fails its CRC-32`);
  return data;
}

/** Inflates raw deflate data until `want` + 1 bytes are out (or the data ends). */
export function inflatePrefix(data: Uint8Array, want: number, path: string): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const inflater = createInflateRaw();
    const chunks: Buffer[] = [];
    let length = 0;
    let settled = false;
    const finish = () => {
      if (settled) return;
      settled = true;
      inflater.destroy();
      resolve(Buffer.concat(chunks).subarray(0, want + 1));
    };
    inflater.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      length += chunk.length;
      if (length > want) finish();
    });
    inflater.on('end', finish);
    inflater.on('error', (error: Error & { code?: string }) => {
      if (settled) return;
      // Input that stops mid-stream is expected when only a prefix was fetched.
      if (error.code === 'Z_BUF_ERROR') return finish();
      settled = true;
      reject(new ArchiveFormatError(`${path}: deflate data is damaged (${error.message})`, { cause: error }));
    });
    inflater.end(data);
  });
}
