/**
 * Layer archives of the example findings, as the Lambda's inspect step sees them: the central
 * directory's entries and the leading bytes of the files the inspection core asks for. The report
 * comes from the real core (`wanted` then `inspect`, lambda/domain/inspection/inspect.ts), as the
 * archive reader produces it, so the examples show what the Lambda would say about such a layer.
 */
import { inspect, unmet, wanted } from '../lambda/domain/inspection/inspect.js';
import { type ArchiveEntry, isDirectory, normalPath } from '../lambda/domain/inspection/model.js';
import type { LayerInspection } from '../lambda/domain/layer-inspection.js';
import type { LayerLookup } from '../lambda/domain/provenance.js';

/** A file of a layer archive: its path, permission bits and content. */
export interface LayerFile {
  path: string;
  /** Permission bits of a regular file; 0o755 makes it executable. @default 0o644 */
  mode?: number;
  data: Uint8Array | string;
  /**
   * The file's size in the archive when larger than `data`: only its first bytes are given (what
   * the core reads of a binary). @default the length of `data`
   */
  size?: number;
}

const REGULAR_FILE = 0o100000;

/** The first bytes of an x86-64 ELF executable (e_ident, e_type 2, e_machine 0x3e), then padding. */
export function elf(type: 'executable' | 'shared-object' = 'executable'): Uint8Array {
  const bytes = new Uint8Array(64);
  bytes.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]);
  bytes[16] = type === 'executable' ? 2 : 3;
  bytes[18] = 0x3e;
  return bytes;
}

const bytesOf = (data: Uint8Array | string) => (typeof data === 'string' ? Buffer.from(data, 'utf8') : data);

function entriesOf(files: readonly LayerFile[]): ArchiveEntry[] {
  let offset = 0;
  return files.map((f) => {
    const size = Math.max(f.size ?? 0, bytesOf(f.data).length);
    const entry: ArchiveEntry = {
      path: f.path,
      compressedSize: Math.ceil(size * 0.6),
      uncompressedSize: size,
      mode: REGULAR_FILE | (f.mode ?? 0o644),
      offset,
      nameBytes: Buffer.byteLength(f.path),
      readable: true,
    };
    offset += 30 + entry.nameBytes + entry.compressedSize;
    return entry;
  });
}

/**
 * The report of a layer version whose zip holds `files`, as the inspect step hands it to the engine:
 * the core asks for content until it needs nothing more, then inspects (publisher null: a known
 * publisher lowers the signals per finding, not in the report).
 */
export function inspected(
  versionArn: string,
  codeSha256: string,
  files: readonly LayerFile[],
  cached = false,
): LayerInspection {
  const entries = entriesOf(files);
  const data = new Map(files.map((f) => [f.path, bytesOf(f.data)]));
  const contents = new Map<string, Uint8Array>();
  for (let round = 0; round < 8; round += 1) {
    const missing = unmet(wanted(entries, contents), contents);
    if (missing.length === 0) break;
    for (const r of missing) contents.set(r.key, (data.get(r.path) ?? new Uint8Array()).slice(0, r.bytes));
  }
  const report = inspect(entries, contents, { publisher: null });
  return {
    versionArn,
    status: report.gaps.length === 0 ? 'inspected' : 'partial',
    cached,
    codeSha256,
    files: report.files,
    uncompressedBytes: report.uncompressedBytes,
    signals: report.signals,
    gaps: report.gaps,
  };
}

/** The size of the zip holding `files` (local headers, data, central directory, end record). */
export function zipSize(files: readonly LayerFile[]): number {
  return entriesOf(files).reduce((n, e) => n + 30 + 46 + 2 * e.path.length + e.compressedSize, 22);
}

/** The file paths of a layer version, as the inspect step lists them for a reorder. */
export function pathsOf(files: readonly LayerFile[]): string[] {
  return entriesOf(files)
    .filter((e) => !isDirectory(e))
    .map((e) => normalPath(e.path));
}

/** GetLayerVersion and GetLayerVersionPolicy as the Lambda host reads them (no archive URL). */
export function lookup(
  o: { description: string; created: string; size: number; codeSha256: string },
  sharing: 'private' | 'shared' | 'public' = 'private',
  sharedWith: string[] = [],
): LayerLookup {
  return {
    status: 'ok',
    details: {
      description: o.description,
      createdDate: o.created,
      codeSize: o.size,
      codeSha256: o.codeSha256,
      signingProfileVersionArn: null,
      signingJobArn: null,
      compatibleRuntimes: ['python3.12'],
    },
    sharing,
    sharedWith,
  };
}

const DEPS6: LayerFile[] = [
  { path: 'python/requests/__init__.py', data: '__version__ = "2.32.3"\n' },
  { path: 'python/lib/libz.so.1', mode: 0o755, data: elf('shared-object'), size: 100_352 },
];

/** The files of each example layer version. */
export const FILES = {
  perf: [
    { path: 'extensions/perf-monitor', mode: 0o755, data: elf(), size: 3_481_600 },
    { path: 'perf-monitor/config.json', data: '{"endpoint":"collector.example.net","interval":5}\n' },
  ],
  wrapper: [
    {
      path: 'otel-instrument',
      mode: 0o755,
      data: '#!/bin/sh\n# starts the runtime with the collector preloaded\n/opt/collector/otelcol &\nexec "$@"\n',
    },
    { path: 'collector/otelcol', mode: 0o755, data: elf(), size: 41_943_040 },
  ],
  deps6: DEPS6,
  deps7: [
    ...DEPS6,
    { path: 'extensions/sync-agent', mode: 0o755, data: '#!/bin/sh\nwhile true; do sleep 60; done\n' },
  ],
  debug: [
    { path: 'python/sitecustomize.py', data: 'import debug_tools.hook\n' },
    { path: 'python/boto3/__init__.py', data: '__version__ = "1.35.0"\n' },
    { path: 'python/debug_tools/hook.py', data: 'import os\n' },
  ],
  insights: [{ path: 'extensions/cloudwatch_lambda_agent', mode: 0o755, data: elf(), size: 7_340_032 }],
  images: [
    { path: 'python/lib/libvips.so.42', mode: 0o755, data: elf('shared-object'), size: 9_175_040 },
    { path: 'python/pyvips/__init__.py', data: 'from .base import *\n' },
  ],
  shipper: [
    { path: 'extensions/telemetry-agent', mode: 0o755, data: elf(), size: 12_582_912 },
    { path: 'log-shipper/shipper.conf', data: 'target=s3\n' },
  ],
  metrics: [
    { path: 'extensions/telemetry-agent', mode: 0o755, data: elf(), size: 12_582_912 },
    { path: 'metrics-agent/agent.yaml', data: 'interval: 10s\n' },
  ],
} satisfies Record<string, LayerFile[]>;
