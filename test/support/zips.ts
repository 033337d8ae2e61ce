/**
 * Builds real zip archives for tests (PKWARE APPNOTE 6.3.10): stored and deflated entries, Unix
 * modes and symbolic links in the external attributes, zip64 records, and an optional run of
 * zero bytes at the start that is never materialised (for offsets past 4 GiB). Also a local HTTP
 * server that serves an archive with or without Range support, or with broken bodies.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { constants, crc32, deflateRawSync } from 'node:zlib';

export interface ZipEntrySpec {
  path: string;
  data?: Uint8Array | string;
  /** @default 'deflate' */
  method?: 'store' | 'deflate';
  /** Permission bits of a regular file. @default 0o644 */
  mode?: number;
  /** Makes the entry a symbolic link to this target. */
  symlink?: string;
  directory?: boolean;
  /** dos: no Unix mode in the external attributes. @default 'unix' */
  host?: 'unix' | 'dos';
  /** Declares this uncompressed size in the central directory instead of the real one. */
  declaredSize?: number;
  /** Sets the "encrypted" flag (the data stays plain). */
  encrypted?: boolean;
  /** Data deflated beforehand (see zerosDeflated), instead of `data`. */
  deflated?: { data: Buffer; size: number; crc32: number };
  /** The name's bytes as stored, instead of `path` in UTF-8 (a name in a legacy code page). */
  rawName?: Uint8Array;
  /** General purpose bit 11 (the name is UTF-8). @default true */
  utf8?: boolean;
  /** An Info-ZIP Unicode Path extra field (0x7075) with this name; `staleCrc` breaks its CRC. */
  unicodePath?: { name: string; staleCrc?: boolean };
}

export interface ZipOptions {
  /** Zip64 records and extra fields even when not needed. */
  zip64?: boolean;
  comment?: string;
  /** A stored entry `padding.bin` of this many zero bytes first, kept virtual. */
  padding?: number;
  /** Points every entry's central header at the first entry's local header (overlapping data). */
  overlap?: boolean;
}

/** A zip as segments: real bytes, and runs of zeros that are never allocated. */
export interface VirtualZip {
  size: number;
  read(offset: number, length: number): Buffer;
}

type Segment = Buffer | { zeros: number };

const MAX32 = 0xffffffff;

function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(n);
  return b;
}
function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n >>> 0);
  return b;
}
function u64(n: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(n));
  return b;
}

interface Built {
  spec: ZipEntrySpec;
  name: Buffer;
  data: Buffer | { zeros: number };
  size: number;
  compressed: number;
  crc: number;
  method: number;
  offset: number;
}

function nameOf(spec: ZipEntrySpec): Buffer {
  return spec.rawName ? Buffer.from(spec.rawName) : Buffer.from(spec.path);
}

function flagsOf(spec: ZipEntrySpec): number {
  return (spec.utf8 === false ? 0 : 0x800) | (spec.encrypted ? 1 : 0);
}

/** The Unicode Path extra field, when the spec asks for one. */
function unicodeExtra(e: Built): Buffer {
  const u = e.spec.unicodePath;
  if (!u) return Buffer.alloc(0);
  const name = Buffer.from(u.name);
  const crc = crc32(e.name) ^ (u.staleCrc ? 1 : 0);
  return Buffer.concat([u16(0x7075), u16(5 + name.length), Buffer.from([1]), u32(crc), name]);
}

function prepare(spec: ZipEntrySpec): Omit<Built, 'offset'> {
  const pre = spec.deflated;
  if (pre)
    return {
      spec,
      name: nameOf(spec),
      data: pre.data,
      size: pre.size,
      compressed: pre.data.length,
      crc: pre.crc32,
      method: 8,
    };
  const raw = Buffer.from(spec.symlink ?? spec.data ?? '');
  const method = spec.directory || spec.method === 'store' ? 0 : 8;
  const data = method === 8 ? deflateRawSync(raw) : raw;
  return {
    spec,
    name: nameOf(spec),
    data,
    size: raw.length,
    compressed: data.length,
    crc: crc32(raw),
    method,
  };
}

function external(spec: ZipEntrySpec): number {
  if (spec.host === 'dos') return spec.directory ? 0x10 : 0;
  const type = spec.symlink !== undefined ? 0o120000 : spec.directory ? 0o040000 : 0o100000;
  const perms = spec.mode ?? (spec.directory ? 0o755 : 0o644);
  return ((type | perms) << 16) >>> 0;
}

function local(e: Built, zip64: boolean): Buffer {
  const extra = Buffer.concat([
    zip64 ? Buffer.concat([u16(1), u16(16), u64(e.size), u64(e.compressed)]) : Buffer.alloc(0),
    unicodeExtra(e),
  ]);
  return Buffer.concat([
    u32(0x04034b50),
    u16(zip64 ? 45 : 20),
    u16(flagsOf(e.spec)),
    u16(e.method),
    u16(0),
    u16(0x21),
    u32(e.crc),
    u32(zip64 ? MAX32 : e.compressed),
    u32(zip64 ? MAX32 : e.size),
    u16(e.name.length),
    u16(extra.length),
    e.name,
    extra,
  ]);
}

function central(e: Built, zip64: boolean): Buffer {
  const size = e.spec.declaredSize ?? e.size;
  const extra = Buffer.concat([
    zip64 ? Buffer.concat([u16(1), u16(24), u64(size), u64(e.compressed), u64(e.offset)]) : Buffer.alloc(0),
    unicodeExtra(e),
  ]);
  const host = e.spec.host === 'dos' ? 0 : 3;
  return Buffer.concat([
    u32(0x02014b50),
    u16((host << 8) | 63),
    u16(zip64 ? 45 : 20),
    u16(flagsOf(e.spec)),
    u16(e.method),
    u16(0),
    u16(0x21),
    u32(e.crc),
    u32(zip64 ? MAX32 : e.compressed),
    u32(zip64 ? MAX32 : size),
    u16(e.name.length),
    u16(extra.length),
    u16(0),
    u16(0),
    u16(0),
    u32(external(e.spec)),
    u32(zip64 ? MAX32 : e.offset),
    e.name,
    extra,
  ]);
}

function segmentLength(s: Segment): number {
  return Buffer.isBuffer(s) ? s.length : s.zeros;
}

export function virtualZip(specs: readonly ZipEntrySpec[], options: ZipOptions = {}): VirtualZip {
  const segments: Segment[] = [];
  let offset = 0;
  const push = (s: Segment) => {
    segments.push(s);
    offset += segmentLength(s);
  };
  const built: Built[] = [];
  const all = options.padding
    ? [
        {
          ...prepare({ path: 'padding.bin', method: 'store' }),
          data: { zeros: options.padding },
          size: options.padding,
          compressed: options.padding,
          crc: 0,
        },
        ...specs.map(prepare),
      ]
    : specs.map(prepare);
  const needs64 = options.zip64 === true || (options.padding ?? 0) > 0xfffff000 || all.length > 0xfffe;
  for (const e of all) {
    const entry: Built = { ...e, offset };
    built.push(entry);
    push(local(entry, needs64));
    push(entry.data);
  }
  if (options.overlap) for (const e of built) e.offset = (built[0] as Built).offset;
  const cdStart = offset;
  for (const e of built) push(central(e, needs64));
  const cdSize = offset - cdStart;
  if (needs64) {
    const recordAt = offset;
    push(
      Buffer.concat([
        u32(0x06064b50),
        u64(44),
        u16(45),
        u16(45),
        u32(0),
        u32(0),
        u64(built.length),
        u64(built.length),
        u64(cdSize),
        u64(cdStart),
      ]),
    );
    push(Buffer.concat([u32(0x07064b50), u32(0), u64(recordAt), u32(1)]));
  }
  const comment = Buffer.from(options.comment ?? '');
  push(
    Buffer.concat([
      u32(0x06054b50),
      u16(0),
      u16(0),
      u16(needs64 ? 0xffff : built.length),
      u16(needs64 ? 0xffff : built.length),
      u32(needs64 ? MAX32 : cdSize),
      u32(needs64 ? MAX32 : cdStart),
      u16(comment.length),
      comment,
    ]),
  );
  return { size: offset, read: (at, length) => readSegments(segments, at, length) };
}

function readSegments(segments: readonly Segment[], at: number, length: number): Buffer {
  const out = Buffer.alloc(length);
  let pos = 0;
  for (const s of segments) {
    const len = segmentLength(s);
    const from = Math.max(at, pos);
    const to = Math.min(at + length, pos + len);
    if (from < to && Buffer.isBuffer(s)) s.copy(out, from - at, from - pos, to - pos);
    pos += len;
    if (pos >= at + length) break;
  }
  return out;
}

/**
 * `size` zero bytes deflated (a decompression bomb's payload) without holding them: each chunk is
 * deflated on its own and ends with a sync flush (byte-aligned, non-final), so the chunks chain
 * into one stream that an empty final block closes.
 */
export function zerosDeflated(size: number): { data: Buffer; size: number; crc32: number } {
  const CHUNK = 16 * 1024 * 1024;
  const full = Buffer.alloc(Math.min(size, CHUNK));
  const flushed = (b: Buffer) => deflateRawSync(b, { finishFlush: constants.Z_SYNC_FLUSH });
  const fullDeflated = flushed(full);
  const parts: Buffer[] = [];
  let crc = 0;
  for (let left = size; left > 0; left -= CHUNK) {
    const part = left >= CHUNK ? full : full.subarray(0, left);
    crc = crc32(part, crc);
    parts.push(part === full ? fullDeflated : flushed(part));
  }
  parts.push(Buffer.from([0x03, 0x00]));
  return { data: Buffer.concat(parts), size, crc32: crc };
}

/** A real zip in memory. */
export function buildZip(specs: readonly ZipEntrySpec[], options: ZipOptions = {}): Buffer {
  const zip = virtualZip(specs, options);
  return zip.read(0, zip.size);
}

export type ServeMode = 'range' | 'no-range' | 'truncate' | 'wrong-total' | 'slow';

export interface ZipServer {
  url: string;
  /** Range headers received (null: none), in order. */
  requests: (string | null)[];
  bytesSent: number;
  close(): Promise<void>;
}

/** Serves `zip` on 127.0.0.1 (port 0) the way S3 would, or broken in the way `mode` names. */
/** A slower link than loopback: time to first byte, and a throughput cap. */
export interface LinkShape {
  latencyMs: number;
  bytesPerSecond: number;
}

export async function serveZip(
  zip: VirtualZip | Buffer,
  mode: ServeMode = 'range',
  link: LinkShape | null = null,
): Promise<ZipServer> {
  const source: VirtualZip = Buffer.isBuffer(zip)
    ? { size: zip.length, read: (a, l) => zip.subarray(a, a + l) }
    : zip;
  const state = { requests: [] as (string | null)[], bytesSent: 0 };
  const server: Server = createServer((req, res) => {
    if (link) setTimeout(() => answer(req, res), link.latencyMs);
    else answer(req, res);
  });
  const answer = (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => {
    const range = req.headers.range ?? null;
    state.requests.push(range);
    const m = range === null ? null : /^bytes=(\d+)-(\d+)$/.exec(range);
    if (mode === 'slow') return; // never answers
    if (mode === 'no-range' || !m) return sendWhole(res, source, state, link);
    const start = Number(m[1]);
    const end = Math.min(Number(m[2]), source.size - 1);
    if (start >= source.size) {
      res.writeHead(416, { 'content-range': `bytes */${source.size}` }).end();
      return;
    }
    const body = source.read(start, end - start + 1);
    const total = mode === 'wrong-total' ? source.size + 1 : source.size;
    res.writeHead(206, {
      'content-range': `bytes ${start}-${end}/${total}`,
      'content-length': String(body.length),
    });
    if (mode === 'truncate') {
      const half = body.subarray(0, Math.floor(body.length / 2));
      state.bytesSent += half.length;
      res.write(half, () => res.destroy());
      return;
    }
    state.bytesSent += body.length;
    if (!link) return void res.end(body);
    setTimeout(() => res.end(body), (body.length / link.bytesPerSecond) * 1000);
  };
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/layer.zip?X-Amz-Signature=test`,
    get requests() {
      return state.requests;
    },
    get bytesSent() {
      return state.bytesSent;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function sendWhole(
  res: import('node:http').ServerResponse,
  source: VirtualZip,
  state: { bytesSent: number },
  link: LinkShape | null,
) {
  res.writeHead(200, { 'content-length': String(source.size) });
  const CHUNK = 1024 * 1024;
  let at = 0;
  const next = () => {
    while (at < source.size) {
      const chunk = source.read(at, Math.min(CHUNK, source.size - at));
      at += chunk.length;
      state.bytesSent += chunk.length;
      if (link) {
        // Paced: the next chunk leaves when this one would have crossed the link.
        res.write(chunk);
        return void setTimeout(next, (chunk.length / link.bytesPerSecond) * 1000);
      }
      if (!res.write(chunk)) return void res.once('drain', next);
    }
    res.end();
  };
  res.on('close', () => {
    at = source.size;
  });
  next();
}
