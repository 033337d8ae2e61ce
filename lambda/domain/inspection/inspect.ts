/**
 * The inspection of one layer archive in two steps, so that a host reads only what matters:
 *   wanted(entries)            -> which files (and how many leading bytes of each) to read
 *   inspect(entries, contents) -> signals, and gaps for whatever could not be looked at
 */
import { severityRank } from '../severity.js';
import { customRuntimeBootstrap } from './custom-runtime-bootstrap.js';
import { execWrapperScript } from './exec-wrapper-script.js';
import { externalExtension } from './external-extension.js';
import {
  type ArchiveCheck,
  type ArchiveEntry,
  type ContentRequest,
  type InspectionGap,
  type InspectionSignal,
  isDirectory,
  lower,
} from './model.js';
import { nativeCode } from './native-code.js';
import { runtimeStartupHook } from './runtime-startup-hook.js';
import { sdkShadowing } from './sdk-shadowing.js';
import { unsafeArchive, unsafeEntries } from './unsafe-archive.js';

/** In priority order: when the read limits bite, earlier checks get their content first. */
export const ARCHIVE_CHECKS: readonly ArchiveCheck[] = [
  unsafeArchive,
  externalExtension,
  runtimeStartupHook,
  customRuntimeBootstrap,
  sdkShadowing,
  execWrapperScript,
  nativeCode,
];

export interface ReadLimits {
  /** At most this many files are read. */
  maxFiles: number;
  /** At most this many bytes of content (uncompressed) in all. */
  maxBytes: number;
}

export const DEFAULT_READ_LIMITS: ReadLimits = { maxFiles: 2000, maxBytes: 16 * 1024 * 1024 };

export interface ContentPlan {
  requests: ContentRequest[];
  /** Content a check wanted that the plan leaves out, and why. */
  skipped: InspectionGap[];
}

export interface InspectOptions {
  /** The known publisher of the layer (lambda/domain/publishers.ts), or null: it lowers severities. */
  publisher: string | null;
  limits?: ReadLimits;
  /** Why the host could not read a requested path (budget, read error); default "not read". */
  unread?: ReadonlyMap<string, string>;
}

export interface ArchiveReport {
  /** Entries that are not directories. */
  files: number;
  uncompressedBytes: number;
  signals: InspectionSignal[];
  gaps: InspectionGap[];
}

/**
 * The reads the checks need, given what has been read so far (`contents`): call it again with the
 * contents until it asks for nothing new (a check may want more of a file once its head is known).
 */
export function wanted(
  entries: readonly ArchiveEntry[],
  contents: ReadonlyMap<string, Uint8Array> = new Map(),
  limits: ReadLimits = DEFAULT_READ_LIMITS,
): ContentPlan {
  if (unsafeEntries(entries).length > 0)
    return { requests: [], skipped: [{ reason: 'unsafe archive: no content was read' }] };
  const byPath = new Map<string, ContentRequest>();
  const skipped: InspectionGap[] = [];
  let bytes = 0;
  for (const check of ARCHIVE_CHECKS) {
    for (const entry of entries) {
      const want = Math.min(check.wants(entry, contents.get(entry.path)), entry.uncompressedSize);
      if (want <= 0) continue;
      const known = byPath.get(entry.path);
      if (known && known.bytes >= want) continue;
      if (!entry.readable) {
        if (!known)
          skipped.push({ path: entry.path, reason: 'encrypted or compressed with an unsupported method' });
        continue;
      }
      const extra = want - (known?.bytes ?? 0);
      if ((!known && byPath.size >= limits.maxFiles) || bytes + extra > limits.maxBytes) {
        skipped.push({
          path: entry.path,
          reason: `read limit (${limits.maxFiles} files, ${limits.maxBytes} bytes)`,
        });
        continue;
      }
      bytes += extra;
      byPath.set(entry.path, { path: entry.path, bytes: want });
    }
  }
  return { requests: [...byPath.values()], skipped: dedupe(skipped) };
}

/** The requests of a plan that `contents` does not satisfy yet. */
export function unmet(plan: ContentPlan, contents: ReadonlyMap<string, Uint8Array>): ContentRequest[] {
  return plan.requests.filter((r) => (contents.get(r.path)?.length ?? -1) < r.bytes);
}

function dedupe(gaps: InspectionGap[]): InspectionGap[] {
  const seen = new Set<string>();
  return gaps.filter((g) => {
    const key = `${g.path}\u0000${g.reason}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export function inspect(
  entries: readonly ArchiveEntry[],
  contents: ReadonlyMap<string, Uint8Array>,
  options: InspectOptions,
): ArchiveReport {
  const plan = wanted(entries, contents, options.limits);
  const gaps: InspectionGap[] = [...plan.skipped];
  for (const r of unmet(plan, contents))
    gaps.push({ path: r.path, reason: options.unread?.get(r.path) ?? 'not read' });
  // Only what the plan asked for is looked at: the same input always gives the same report.
  const asked = new Set(plan.requests.map((r) => r.path));
  const view = { entries, content: (path: string) => (asked.has(path) ? contents.get(path) : undefined) };
  const signals: InspectionSignal[] = [];
  for (const check of ARCHIVE_CHECKS) {
    try {
      signals.push(...check.evaluate(view));
    } catch (error) {
      gaps.push({
        reason: `check ${check.id} failed: ${error instanceof Error ? error.message : String(error)}`,
      });
    }
  }
  const files = entries.filter((e) => !isDirectory(e));
  return {
    files: files.length,
    uncompressedBytes: files.reduce((n, e) => n + e.uncompressedSize, 0),
    signals: bySeverity(withPublisher(signals, options.publisher)),
    gaps,
  };
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
