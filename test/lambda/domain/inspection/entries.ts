/** Archive entries and views for the inspection core's tests (no zip needed: the core is pure). */
import type { ArchiveEntry, ArchiveView } from '../../../../lambda/domain/inspection/model.js';

let nextOffset = 0;

export function file(
  path: string,
  options: { size?: number; compressed?: number; mode?: number | null; readable?: boolean } = {},
): ArchiveEntry {
  const size = options.size ?? 100;
  const compressed = options.compressed ?? Math.max(1, Math.ceil(size / 2));
  const offset = nextOffset;
  nextOffset += 30 + Buffer.byteLength(path) + compressed + 1000;
  return {
    path,
    compressedSize: compressed,
    uncompressedSize: size,
    mode: options.mode === undefined ? 0o100644 : options.mode,
    offset,
    nameBytes: Buffer.byteLength(path),
    readable: options.readable ?? true,
  };
}

export function executable(path: string, size = 100): ArchiveEntry {
  return file(path, { size, mode: 0o100755 });
}

export function dir(path: string): ArchiveEntry {
  return { ...file(path.endsWith('/') ? path : `${path}/`, { size: 0, compressed: 0 }), mode: 0o040755 };
}

export function symlink(path: string): ArchiveEntry {
  return { ...file(path, { size: 20, compressed: 20 }), mode: 0o120777 };
}

export function bytes(value: string | number[]): Uint8Array {
  return typeof value === 'string' ? new TextEncoder().encode(value) : Uint8Array.from(value);
}

export function view(
  entries: ArchiveEntry[],
  contents: Record<string, string | Uint8Array> = {},
): ArchiveView {
  return {
    entries,
    content: (entry) => {
      const c = contents[entry.path];
      return c === undefined ? undefined : typeof c === 'string' ? bytes(c) : c;
    },
  };
}

/** The first 20 bytes of an ELF file: class 64, little endian, the given type and machine. */
export function elfHeader(type = 3, machine = 0x3e, little = true): Uint8Array {
  const b = new Uint8Array(64);
  b.set([0x7f, 0x45, 0x4c, 0x46, 2, little ? 1 : 2, 1]);
  if (little) {
    b[16] = type;
    b[18] = machine;
  } else {
    b[17] = type;
    b[19] = machine;
  }
  return b;
}
