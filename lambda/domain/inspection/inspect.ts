/**
 * The inspection of one layer archive in two steps, so that a host reads only what matters:
 *   wanted(entries)            -> which files (and how many leading bytes of each) to read
 *   inspect(entries, contents) -> signals, and gaps for whatever could not be looked at
 */
import { customRuntimeBootstrap } from './custom-runtime-bootstrap.js';
import { execWrapperScript } from './exec-wrapper-script.js';
import { externalExtension } from './external-extension.js';
import {
  type ArchiveCheck,
  type ArchiveEntry,
  bySeverity,
  type ContentRequest,
  contentKeys,
  type InspectionGap,
  type InspectionSignal,
  isDirectory,
  type SignalId,
  withPublisher,
} from './model.js';
import { nativeCode } from './native-code.js';
import { runtimeStartupHook } from './runtime-startup-hook.js';
import { sdkShadowing } from './sdk-shadowing.js';
import { unsafeArchive } from './unsafe-archive.js';

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

/**
 * Bytes one check may have read in all, within maxBytes: reading a script for its hand-off costs
 * CPU (tens of milliseconds for 64 KiB), so a layer of hundreds of crafted scripts must not hold
 * the host up. What is over is a named gap, as for the other limits.
 */
export const CHECK_BYTES: Partial<Record<SignalId, number>> = { 'exec-wrapper-script': 2 * 1024 * 1024 };

export interface ContentPlan {
  requests: ContentRequest[];
  /** Content a check wanted that the plan leaves out, and why. */
  skipped: InspectionGap[];
}

export interface InspectOptions {
  /** The known publisher of the layer (lambda/domain/publishers.ts), or null: it lowers severities. */
  publisher: string | null;
  limits?: ReadLimits;
  /** Why the host could not read a requested entry, by content key (budget, read error); default "not read". */
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
 * The reads the checks need, given what has been read so far (`contents`, by content key): call it
 * again with the contents until it asks for nothing new (a check may want more of a file once its
 * head is known). An unsafe archive is read like any other: every entry is read by its own
 * central-directory entry, each copy of a duplicated path on its own, within the same limits (a
 * read never inflates more than it asks for, so a bomb costs no more than an ordinary file).
 */
export function wanted(
  entries: readonly ArchiveEntry[],
  contents: ReadonlyMap<string, Uint8Array> = new Map(),
  limits: ReadLimits = DEFAULT_READ_LIMITS,
): ContentPlan {
  const keys = contentKeys(entries);
  const byKey = new Map<string, ContentRequest>();
  const skipped: InspectionGap[] = [];
  let bytes = 0;
  for (const check of ARCHIVE_CHECKS) {
    const cap = CHECK_BYTES[check.id] ?? Number.POSITIVE_INFINITY;
    let checkBytes = 0;
    entries.forEach((entry, index) => {
      const key = keys[index] as string;
      const want = Math.min(check.wants(entry, contents.get(key)), entry.uncompressedSize);
      if (want <= 0) return;
      const known = byKey.get(key);
      if (known && known.bytes >= want) return;
      if (!entry.readable) {
        if (!known)
          skipped.push({ path: entry.path, reason: 'encrypted or compressed with an unsupported method' });
        return;
      }
      const extra = want - (known?.bytes ?? 0);
      if ((!known && byKey.size >= limits.maxFiles) || bytes + extra > limits.maxBytes) {
        skipped.push({
          path: entry.path,
          reason: `read limit (${limits.maxFiles} files, ${limits.maxBytes} bytes)`,
        });
        return;
      }
      if (checkBytes + want > cap) {
        skipped.push({ path: entry.path, reason: `read limit of ${check.id} (${cap} bytes in all)` });
        return;
      }
      checkBytes += want;
      bytes += extra;
      byKey.set(key, { key, path: entry.path, index, bytes: want });
    });
  }
  return { requests: [...byKey.values()], skipped: dedupe(skipped) };
}

/** The requests of a plan that `contents` does not satisfy yet. */
export function unmet(plan: ContentPlan, contents: ReadonlyMap<string, Uint8Array>): ContentRequest[] {
  return plan.requests.filter((r) => (contents.get(r.key)?.length ?? -1) < r.bytes);
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
    gaps.push({ path: r.path, reason: options.unread?.get(r.key) ?? 'not read' });
  // Only what the plan asked for is looked at: the same input always gives the same report.
  const asked = new Set(plan.requests.map((r) => r.key));
  const keys = contentKeys(entries);
  const keyOf = new Map(entries.map((e, i) => [e, keys[i] as string]));
  const view = {
    entries,
    content: (entry: ArchiveEntry) => {
      const key = keyOf.get(entry);
      return key !== undefined && asked.has(key) ? contents.get(key) : undefined;
    },
  };
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
