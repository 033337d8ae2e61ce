/**
 * The zip format, as much of it as inspection needs (PKWARE APPNOTE 6.3.10): the end of central
 * directory record (4.3.16), the zip64 locator and record (4.3.14-15), central directory headers
 * (4.3.12) with the zip64 extended information extra field (4.5.3), and local headers (4.3.7).
 * Names are decoded as layer-archive-names.ts says; every length and offset comes from the bytes.
 * Multi-disk archives are refused.
 */
import type { ArchiveEntry } from '../domain/inspection/model.js';
import { decodeName } from './layer-archive-names.js';
import { ArchiveFormatError, type ByteSource } from './layer-archive-source.js';

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const EOCD_SIZE = 22;
const LOCATOR_SIZE = 20;
const ZIP64_EOCD_SIZE = 56;
const MAX_COMMENT = 0xffff;

/** Bounds on what is read at all: a directory larger than this is refused, not parsed. */
export const MAX_DIRECTORY_BYTES = 64 * 1024 * 1024;
export const MAX_ENTRIES = 500_000;

export interface ZipEntry extends ArchiveEntry {
  method: number;
  flags: number;
  crc32: number;
}

export interface ZipDirectory {
  entries: ZipEntry[];
  /** Where the central directory starts: no entry's data may reach past it. */
  directoryOffset: number;
}

function u64(view: DataView, at: number): number {
  const value = view.getBigUint64(at, true);
  if (value > BigInt(Number.MAX_SAFE_INTEGER))
    throw new ArchiveFormatError(`a 64-bit field (${value}) is too large`);
  return Number(value);
}

function viewOf(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

interface DirectoryLocation {
  count: number;
  size: number;
  offset: number;
  /** Where the records after the directory start (zip64 record or EOCD). */
  end: number;
}

function findEocd(tail: Uint8Array): number {
  const view = viewOf(tail);
  for (let i = tail.length - EOCD_SIZE; i >= 0; i--) {
    if (view.getUint32(i, true) === EOCD && i + EOCD_SIZE + view.getUint16(i + 20, true) <= tail.length)
      return i;
  }
  throw new ArchiveFormatError('no end of central directory record: not a zip archive');
}

async function locate(
  source: ByteSource,
): Promise<{ where: DirectoryLocation; tail: Uint8Array; tailStart: number }> {
  const tailLength = Math.min(source.size, EOCD_SIZE + MAX_COMMENT + LOCATOR_SIZE);
  if (tailLength < EOCD_SIZE)
    throw new ArchiveFormatError(`${source.size} bytes: too short for a zip archive`);
  const tailStart = source.size - tailLength;
  const tail = await source.read(tailStart, tailLength);
  const view = viewOf(tail);
  const at = findEocd(tail);
  if (view.getUint16(at + 4, true) !== 0 || view.getUint16(at + 6, true) !== 0)
    throw new ArchiveFormatError('a multi-disk archive');
  let where: DirectoryLocation = {
    count: view.getUint16(at + 10, true),
    size: view.getUint32(at + 12, true),
    offset: view.getUint32(at + 16, true),
    end: tailStart + at,
  };
  if (at >= LOCATOR_SIZE && view.getUint32(at - LOCATOR_SIZE, true) === ZIP64_LOCATOR) {
    const recordOffset = u64(view, at - LOCATOR_SIZE + 8);
    if (recordOffset + ZIP64_EOCD_SIZE > tailStart + at - LOCATOR_SIZE)
      throw new ArchiveFormatError('the zip64 locator points past itself');
    const record =
      recordOffset >= tailStart
        ? tail.subarray(recordOffset - tailStart, recordOffset - tailStart + ZIP64_EOCD_SIZE)
        : await source.read(recordOffset, ZIP64_EOCD_SIZE);
    const r = viewOf(record);
    if (r.getUint32(0, true) !== ZIP64_EOCD)
      throw new ArchiveFormatError('no zip64 end of central directory record');
    where = { count: u64(r, 32), size: u64(r, 40), offset: u64(r, 48), end: recordOffset };
  } else if (where.count === 0xffff || where.size === 0xffffffff || where.offset === 0xffffffff) {
    throw new ArchiveFormatError('zip64 values without a zip64 locator');
  }
  return { where, tail, tailStart };
}

/** Reads and parses the central directory: one or two reads at the end, one for the directory. */
export async function readDirectory(source: ByteSource): Promise<ZipDirectory> {
  const { where, tail, tailStart } = await locate(source);
  if (where.offset + where.size > where.end)
    throw new ArchiveFormatError(
      `the central directory (${where.size} bytes at ${where.offset}) overlaps its end record`,
    );
  if (where.size > MAX_DIRECTORY_BYTES || where.count > MAX_ENTRIES)
    throw new ArchiveFormatError(
      `a central directory of ${where.size} bytes and ${where.count} entries is over the limit (${MAX_DIRECTORY_BYTES} bytes, ${MAX_ENTRIES} entries)`,
    );
  const directory =
    where.offset >= tailStart
      ? tail.subarray(where.offset - tailStart, where.offset - tailStart + where.size)
      : await source.read(where.offset, where.size);
  return { entries: parseDirectory(directory, where.count, where.offset), directoryOffset: where.offset };
}

function zip64Extra(extra: DataView, header: { comp: number; uncomp: number; offset: number }) {
  const out = { ...header };
  for (let p = 0; p + 4 <= extra.byteLength; ) {
    const id = extra.getUint16(p, true);
    const size = extra.getUint16(p + 2, true);
    if (p + 4 + size > extra.byteLength) throw new ArchiveFormatError('an extra field runs past its header');
    if (id === 0x0001) {
      let q = p + 4;
      const next = () => {
        if (q + 8 > p + 4 + size) throw new ArchiveFormatError('a zip64 extra field is too short');
        const v = u64(extra, q);
        q += 8;
        return v;
      };
      if (header.uncomp === 0xffffffff) out.uncomp = next();
      if (header.comp === 0xffffffff) out.comp = next();
      if (header.offset === 0xffffffff) out.offset = next();
    }
    p += 4 + size;
  }
  return out;
}

function unixMode(madeBy: number, external: number): number | null {
  const host = madeBy >> 8;
  // 3 = Unix, 19 = OS X: the upper 16 bits of the external attributes are st_mode.
  if (host !== 3 && host !== 19) return null;
  const mode = external >>> 16;
  return mode === 0 ? null : mode;
}

export function parseDirectory(bytes: Uint8Array, count: number, directoryOffset: number): ZipEntry[] {
  const view = viewOf(bytes);
  const entries: ZipEntry[] = [];
  let p = 0;
  for (let i = 0; i < count; i++) {
    if (p + 46 > bytes.length || view.getUint32(p, true) !== CENTRAL)
      throw new ArchiveFormatError(`central directory entry ${i} is missing or damaged`);
    const flags = view.getUint16(p + 8, true);
    const method = view.getUint16(p + 10, true);
    const n = view.getUint16(p + 28, true);
    const m = view.getUint16(p + 30, true);
    const k = view.getUint16(p + 32, true);
    if (p + 46 + n + m + k > bytes.length)
      throw new ArchiveFormatError(`central directory entry ${i} runs past the directory`);
    const name = bytes.subarray(p + 46, p + 46 + n);
    const sizes = zip64Extra(new DataView(bytes.buffer, bytes.byteOffset + p + 46 + n, m), {
      comp: view.getUint32(p + 20, true),
      uncomp: view.getUint32(p + 24, true),
      offset: view.getUint32(p + 42, true),
    });
    if (sizes.offset + 30 + sizes.comp > directoryOffset)
      throw new ArchiveFormatError(`entry ${i} claims data past the central directory`);
    entries.push({
      path: decodeName(name, flags, bytes.subarray(p + 46 + n, p + 46 + n + m)),
      compressedSize: sizes.comp,
      uncompressedSize: sizes.uncomp,
      mode: unixMode(view.getUint16(p + 4, true), view.getUint32(p + 38, true)),
      offset: sizes.offset,
      readable: (flags & 0x1) === 0 && (method === 0 || method === 8),
      method,
      flags,
      crc32: view.getUint32(p + 16, true),
      nameBytes: n,
    });
    p += 46 + n + m + k;
  }
  return entries;
}
