/**
 * Inspects a layer archive without extracting it: the central directory first, then only the few
 * leading bytes of the files the inspection core asks for. Over HTTP (GetLayerVersion's presigned
 * `Content.Location`) that is two to a handful of Range requests, never the whole archive unless
 * the server ignores Range. Never throws: a budget spent, a truncated body or a damaged archive
 * becomes a named gap in the report, so that the alert it belongs to still goes out.
 */
import { type ArchiveReport, inspect, type ReadLimits, unmet, wanted } from '../domain/inspection/inspect.js';
import { type ArchiveEntry, isDirectory, normalPath } from '../domain/inspection/model.js';
import type { DeclaredCall } from './calls.js';
import { errorFields } from './errors.js';
import { readContents } from './layer-archive-content.js';
import { type FetchFunction, HttpRangeSource, type RemoteArchive } from './layer-archive-http.js';
import {
  BudgetMeter,
  type ByteSource,
  type ReadBudget,
  TailCachingSource,
  type TransferStats,
} from './layer-archive-source.js';
import { readDirectory, type ZipEntry } from './layer-archive-zip.js';

export interface LayerArchiveResult {
  /** inspected: everything asked for was read; partial: gaps; unread: not even the directory. */
  status: 'inspected' | 'partial' | 'unread';
  /** The archive's entries, for layer-overlap across a function's layers. */
  entries: ArchiveEntry[];
  report: ArchiveReport;
  transfer: TransferStats;
  /** Why the archive could not be read at all (status unread). */
  error: { name: string; message: string } | null;
}

/** The port the handler depends on (lambda/pipeline/inspect.ts). */
export interface LayerArchiveInspector {
  /**
   * Never throws. `publisher` is the known publisher of the layer's account, or null. `stop` ends
   * the reading early (the caller's deadline): what was not read becomes a gap. No text of the
   * result names the archive's URL (a presigned URL is a bearer credential).
   */
  inspectArchive(
    archive: RemoteArchive,
    publisher: string | null,
    stop?: AbortSignal,
  ): Promise<LayerArchiveResult>;
  /**
   * The archive's file paths as Lambda places them under /opt (directory entries left out), from
   * the central directory alone. Never throws; no error message names the URL.
   */
  listArchive(archive: RemoteArchive, stop?: AbortSignal): Promise<ArchiveListing>;
}

export type ArchiveListing =
  | { status: 'read'; paths: string[] }
  | { status: 'unread'; error: { name: string; message: string } };

export const DEFAULT_BUDGET: ReadBudget = { maxBytes: 32 * 1024 * 1024, timeoutMs: 10_000 };

export interface LayerArchiveReaderProps {
  /** @default global fetch */
  fetch?: FetchFunction;
  /** @default DEFAULT_BUDGET (32 MiB, 10 s) */
  budget?: ReadBudget;
  limits?: ReadLimits;
}

export class LayerArchiveReader implements LayerArchiveInspector {
  /** The presigned URL is signed by Lambda: reading it sends no AWS call of our own. */
  static readonly calls: readonly DeclaredCall[] = [];

  constructor(private readonly props: LayerArchiveReaderProps = {}) {}

  async inspectArchive(
    archive: RemoteArchive,
    publisher: string | null,
    stop?: AbortSignal,
  ): Promise<LayerArchiveResult> {
    const meter = new BudgetMeter(this.props.budget ?? DEFAULT_BUDGET);
    const source = new HttpRangeSource(archive, meter, this.props.fetch ?? fetch, stop);
    let result: Omit<LayerArchiveResult, 'transfer'>;
    try {
      result = await inspectSource(source, { publisher, limits: this.props.limits });
    } catch (error) {
      result = unreadResult(error);
    }
    return {
      ...withoutLocation(result, archive.url),
      transfer: {
        bytes: meter.bytes,
        requests: meter.requests,
        mode: source.mode,
        sha256Verified: source.sha256Verified,
      },
    };
  }

  async listArchive(archive: RemoteArchive, stop?: AbortSignal): Promise<ArchiveListing> {
    const meter = new BudgetMeter(this.props.budget ?? DEFAULT_BUDGET);
    const source = new HttpRangeSource(archive, meter, this.props.fetch ?? fetch, stop);
    try {
      const { entries } = await readDirectory(new TailCachingSource(source));
      return { status: 'read', paths: listingOf(entries) };
    } catch (error) {
      const { name, message } = errorFields(error);
      return { status: 'unread', error: { name, message: withoutUrl(message, archive.url) } };
    }
  }
}

/**
 * A text without the presigned URL: the URL, its query string alone, and any signing parameter in
 * another form (an error may quote it re-encoded) are replaced.
 */
export function withoutUrl(text: string, url: string): string {
  const query = url.includes('?') ? url.slice(url.indexOf('?') + 1) : '';
  let out = text.split(url).join('<Content.Location>');
  if (query.length > 0) out = out.split(query).join('<signature>');
  return out.replace(/X-Amz-(Signature|Credential|Security-Token)=[^&\s"']*/gi, 'X-Amz-$1=<redacted>');
}

/** Every text of a result (signals, gaps, error) without the URL. */
function withoutLocation<T extends Omit<LayerArchiveResult, 'transfer'>>(result: T, url: string): T {
  const clean = (text: string) => withoutUrl(text, url);
  return {
    ...result,
    report: {
      ...result.report,
      signals: result.report.signals.map((s) => ({ ...s, reason: clean(s.reason) })),
      gaps: result.report.gaps.map((g) => ({ ...g, reason: clean(g.reason) })),
    },
    error: result.error && { name: result.error.name, message: clean(result.error.message) },
  };
}

export function listingOf(entries: readonly ArchiveEntry[]): string[] {
  return entries.filter((e) => !isDirectory(e)).map((e) => normalPath(e.path));
}

/** The steps shared by every source (HTTP, local file): directory, plan, contents, core. */
export async function inspectSource(
  source: ByteSource,
  options: { publisher: string | null; limits?: ReadLimits | undefined },
): Promise<Omit<LayerArchiveResult, 'transfer'>> {
  // Small files near the end often sit in the tail read for the end records: no second request.
  const cached = new TailCachingSource(source);
  let directory: Awaited<ReturnType<typeof readDirectory>>;
  try {
    directory = await readDirectory(cached);
  } catch (error) {
    return unreadResult(error);
  }
  const { entries } = directory;
  const { contents, unread } = await readRounds(cached, entries, options.limits);
  const report = inspect(entries, contents, { publisher: options.publisher, limits: options.limits, unread });
  const archiveEntries: ArchiveEntry[] = entries.map(
    ({ path, compressedSize, uncompressedSize, mode, offset, nameBytes, readable }) => ({
      path,
      compressedSize,
      uncompressedSize,
      mode,
      offset,
      nameBytes,
      readable,
    }),
  );
  return {
    status: report.gaps.length === 0 ? 'inspected' : 'partial',
    entries: archiveEntries,
    report,
    error: null,
  };
}

/** A check may ask for more of a file once its first bytes are known: at most ROUNDS rounds of reads. */
const ROUNDS = 3;

async function readRounds(source: ByteSource, entries: readonly ZipEntry[], limits: ReadLimits | undefined) {
  const contents = new Map<string, Uint8Array>();
  const unread = new Map<string, string>();
  for (let round = 0; round < ROUNDS; round++) {
    const requests = unmet(wanted(entries, contents, limits), contents).filter((r) => !unread.has(r.key));
    if (requests.length === 0) break;
    const got = await readContents(source, entries, requests);
    for (const [key, bytes] of got.contents) contents.set(key, bytes);
    for (const [key, reason] of got.unread) unread.set(key, reason);
  }
  return { contents, unread };
}

function unreadResult(error: unknown): Omit<LayerArchiveResult, 'transfer'> {
  const failure = errorFields(error);
  return {
    status: 'unread',
    entries: [],
    report: {
      files: 0,
      uncompressedBytes: 0,
      signals: [],
      gaps: [{ reason: `archive not read: ${failure.name}: ${failure.message}` }],
    },
    error: failure,
  };
}
