/**
 * What a layer archive holds, what the inspection says about it, and the contract every archive
 * check follows. Pure: entries and file contents come in, signals go out.
 */
import { SEVERITIES, type Severity, severityRank } from '../severity.js';
import { cut, oneLine } from '../text.js';

/** One entry of the archive's central directory, as the reader found it. */
export interface ArchiveEntry {
  /** As stored (forward slashes); directories end with `/`. Untrusted. */
  path: string;
  compressedSize: number;
  uncompressedSize: number;
  /** Unix mode (file type and permission bits) when the archive was made on Unix, else null. */
  mode: number | null;
  /** Offset of the entry's local header: entries that share data mark a crafted archive. */
  offset: number;
  /** Length of the name as stored, in bytes (the local header's name has the same length). */
  nameBytes: number;
  /** False when the reader cannot decode the content (encrypted, unknown compression method). */
  readable: boolean;
}

export const SIGNAL_IDS = [
  'external-extension',
  'runtime-startup-hook',
  'sdk-shadowing',
  'custom-runtime-bootstrap',
  'exec-wrapper-script',
  'native-code',
  'unsafe-archive',
  'layer-overlap',
  'exec-hook-variable',
] as const;
export type SignalId = (typeof SIGNAL_IDS)[number];

export interface InspectionSignal {
  id: SignalId;
  severity: Severity;
  /** The file in the layer the signal is about. */
  path?: string;
  /** The environment variable the signal is about (function configurations). */
  variable?: string;
  /** For layer-overlap: the layer whose copy of `path` wins in /opt. */
  layer?: string;
  reason: string;
  /** Set when a known publisher lowered the severity: the signal is still reported. */
  lowered?: { from: Severity; publisher: string };
}

/** Something the inspection wanted to look at and could not: "did not look" is never "clean". */
export interface InspectionGap {
  path?: string;
  reason: string;
}

/**
 * A read the core asks for: the first `bytes` bytes of the entry `key` names (the whole file when it
 * is smaller). `key` is the entry's content key (contentKeys): its path for the first entry of a
 * path, the path and a copy number for later entries of the same path.
 */
export interface ContentRequest {
  key: string;
  path: string;
  /** Which entry of the central directory (its index): duplicated paths are told apart by it. */
  index: number;
  bytes: number;
}

/**
 * The key under which each entry's content is kept, parallel to `entries`: the path for the first
 * entry of a path, `path` + NUL + copy number for the second and later (a NUL never occurs in a
 * name Lambda extracts, so no key of one entry is the path of another).
 */
export function contentKeys(entries: readonly ArchiveEntry[]): string[] {
  const copies = new Map<string, number>();
  return entries.map((e) => {
    const n = copies.get(e.path) ?? 0;
    copies.set(e.path, n + 1);
    return n === 0 ? e.path : `${e.path}\u0000${n + 1}`;
  });
}

/** The archive as the checks see it. */
export interface ArchiveView {
  entries: readonly ArchiveEntry[];
  /**
   * Content read for an entry (possibly only its first bytes), or undefined when not read. By entry,
   * not by path: two entries of one archive may carry the same path, and each copy is read.
   */
  content(entry: ArchiveEntry): Uint8Array | undefined;
}

/** One signal kind: which content it needs, and what it concludes. */
export interface ArchiveCheck {
  id: SignalId;
  /**
   * How many leading bytes of the entry's content the check needs (0: none). `head` is what has
   * been read of the entry so far, if anything: a check may ask for a little first (a shebang)
   * and for more once that little shows it matters.
   */
  wants(entry: ArchiveEntry, head?: Uint8Array): number;
  evaluate(view: ArchiveView): InspectionSignal[];
}

const S_IFMT = 0o170000;

export function isDirectory(entry: ArchiveEntry): boolean {
  return entry.path.endsWith('/') || (entry.mode !== null && (entry.mode & S_IFMT) === 0o040000);
}

export function isSymlink(entry: ArchiveEntry): boolean {
  return entry.mode !== null && (entry.mode & S_IFMT) === 0o120000;
}

/** True, false, or null when the archive carries no Unix mode. */
export function isExecutable(entry: ArchiveEntry): boolean | null {
  return entry.mode === null ? null : (entry.mode & 0o111) !== 0;
}

/** The path as Lambda would place it under /opt: `./` and empty segments dropped. */
export function normalPath(path: string): string {
  return path
    .split('/')
    .filter((s) => s !== '' && s !== '.')
    .join('/');
}

/** One step down, never below informational. */
export function lower(severity: Severity): Severity {
  const i = SEVERITIES.indexOf(severity);
  return SEVERITIES[Math.max(0, i - 1)] as Severity;
}

/**
 * A known publisher lowers each signal one step; the signal stays, marked with who lowered it. An
 * informational signal cannot go lower and carries no mark.
 */
export function withPublisher(
  signals: readonly InspectionSignal[],
  publisher: string | null,
): InspectionSignal[] {
  if (publisher === null) return [...signals];
  return signals.map((s) => {
    const severity = lower(s.severity);
    return severity === s.severity ? s : { ...s, severity, lowered: { from: s.severity, publisher } };
  });
}

export function bySeverity(signals: readonly InspectionSignal[]): InspectionSignal[] {
  return [...signals].sort((a, b) => severityRank(b.severity) - severityRank(a.severity));
}

const decoder = new TextDecoder('utf-8', { fatal: false });

export function text(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

/** Printable, one line, at most `max` characters: paths and values are untrusted. */
export function shown(value: string, max = 120): string {
  return cut(oneLine(value), max);
}
