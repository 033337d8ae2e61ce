import {
  type ArchiveCheck,
  type ArchiveEntry,
  type InspectionSignal,
  isSymlink,
  normalPath,
  shown,
  text,
} from './model.js';

/** Lambda's quota for a function's code and layers, unzipped: 250 MB. */
export const UNZIPPED_LIMIT = 262_144_000;
/** Deflate tops out near 1032:1; ordinary files stay far below this ratio. */
export const BOMB_RATIO = 100;
/** Ratios are only judged on entries at least this large (tiny files compress oddly). */
export const BOMB_MIN_BYTES = 1024 * 1024;
export const SYMLINK_BYTES = 1024;
const LOCAL_HEADER = 30;

function unsafe(severity: 'medium' | 'high', reason: string, path?: string): InspectionSignal {
  return {
    id: 'unsafe-archive',
    severity,
    ...(path === undefined ? {} : { path: shown(path, 200) }),
    reason,
  };
}

function escapes(path: string): boolean {
  return /^([/\\]|[a-zA-Z]:)/.test(path) || path.split(/[/\\]/).includes('..');
}

/** Where a link at `path` (relative to /opt) points, or null when it leaves /opt. */
export function resolveLink(path: string, target: string): string | null {
  const absolute = target.startsWith('/');
  const stack = absolute ? [] : path.split('/').slice(0, -1);
  const parts = target.split('/');
  if (absolute) {
    if (parts[1] !== 'opt') return null;
    parts.splice(0, 2);
  }
  for (const part of parts) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (stack.length === 0) return null;
      stack.pop();
    } else stack.push(part);
  }
  return `/opt/${stack.join('/')}`;
}

function overlapping(entries: readonly ArchiveEntry[]): ArchiveEntry | null {
  const byOffset = [...entries].sort((a, b) => a.offset - b.offset);
  for (let i = 1; i < byOffset.length; i++) {
    const a = byOffset[i - 1] as ArchiveEntry;
    const b = byOffset[i] as ArchiveEntry;
    if (a.offset + LOCAL_HEADER + a.nameBytes + a.compressedSize > b.offset) return b;
  }
  return null;
}

/** Everything the central directory alone shows (added to what the content says, never instead of it). */
export function unsafeEntries(entries: readonly ArchiveEntry[]): InspectionSignal[] {
  const signals: InspectionSignal[] = [];
  const seen = new Set<string>();
  let total = 0;
  for (const e of entries) {
    total += e.uncompressedSize;
    if (escapes(e.path))
      signals.push(unsafe('high', 'a path outside the extraction directory (absolute or with ..)', e.path));
    const key = normalPath(e.path);
    if (seen.has(key))
      signals.push(
        unsafe(
          'medium',
          'the same path twice in one archive: which copy lands in /opt depends on the extractor',
          e.path,
        ),
      );
    seen.add(key);
    const ratio = e.uncompressedSize / Math.max(1, e.compressedSize);
    if (e.uncompressedSize >= BOMB_MIN_BYTES && ratio > BOMB_RATIO)
      signals.push(
        unsafe(
          'high',
          `compression ratio ${Math.round(ratio)}:1 (${e.uncompressedSize} bytes declared): a decompression bomb`,
          e.path,
        ),
      );
  }
  if (total > UNZIPPED_LIMIT)
    signals.push(
      unsafe(
        'high',
        `${total} bytes unzipped declared, over Lambda's 250 MB limit: not a layer Lambda would deploy, possibly a decompression bomb`,
      ),
    );
  const overlap = overlapping(entries);
  if (overlap)
    signals.push(
      unsafe(
        'high',
        'entries share compressed data (overlapping local headers): a crafted archive, the shape of a zip bomb',
        overlap.path,
      ),
    );
  return signals;
}

/** Archive shapes that harm the reader or write outside /opt; symbolic links are judged on their targets. */
export const unsafeArchive: ArchiveCheck = {
  id: 'unsafe-archive',
  wants: (entry) => (isSymlink(entry) ? SYMLINK_BYTES : 0),
  evaluate({ entries, content }) {
    const signals = unsafeEntries(entries);
    for (const e of entries) {
      if (!isSymlink(e)) continue;
      const target = content(e);
      if (!target) continue;
      const to = text(target);
      if (resolveLink(normalPath(e.path), to) === null)
        signals.push(unsafe('high', `a symbolic link to ${shown(to)}, outside /opt`, normalPath(e.path)));
    }
    return signals;
  },
};
