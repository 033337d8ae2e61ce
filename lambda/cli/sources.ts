/**
 * Finds CloudTrail files under the given paths and yields their records with a position for
 * diagnostics. Accepts CloudTrail log files (`{"Records": [...]}`, `.json` or gzipped as
 * CloudTrail writes them to S3), JSON arrays, JSON Lines, single records and EventBridge envelopes.
 */
import { type Dirent, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { athenaCsvRecords, athenaJsonRecords, isAthenaCsv } from './athena.js';

export interface SourceRecord {
  file: string;
  /** `Records[3]`, `line 12`, `record`. */
  position: string;
  value: unknown;
}

export type SourceProblem = { file: string; position: string | null; message: string; fatal: boolean };

const RECORD_FILE = /\.(json|jsonl|ndjson|csv)(\.gz)?$/i;

/** Expands paths to files, recursively; a path that cannot be read is a fatal problem. */
export async function listFiles(paths: readonly string[], problems: SourceProblem[]): Promise<string[]> {
  const files: string[] = [];
  const fail = (path: string, verb: string, error: unknown) =>
    problems.push({
      file: path,
      position: null,
      message: `${verb}: ${(error as NodeJS.ErrnoException).code ?? error}`,
      fatal: true,
    });
  // Synchronous on purpose: a trail is thousands of small files, and one thread-pool round trip per
  // file costs more than the reads themselves. Folder entries carry their type: no stat per file.
  const walk = (dir: string): void => {
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true }).sort((x, y) =>
        x.name < y.name ? -1 : x.name > y.name ? 1 : 0,
      );
    } catch (error) {
      fail(dir, 'cannot list', error);
      return;
    }
    for (const entry of entries) {
      // CloudTrail digest files describe log files; they hold no events.
      if (entry.name === 'CloudTrail-Digest' || entry.name.startsWith('.')) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isSymbolicLink()) {
        try {
          if (statSync(path).isDirectory()) walk(path);
          else if (RECORD_FILE.test(path)) files.push(path);
        } catch (error) {
          fail(path, 'cannot read', error);
        }
      } else if (RECORD_FILE.test(path)) files.push(path);
    }
  };
  for (const path of paths) {
    try {
      if (statSync(path).isDirectory()) walk(path);
      else files.push(path);
    } catch (error) {
      fail(path, 'cannot read', error);
    }
  }
  return files;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function looksLikeEvent(v: unknown): boolean {
  return isObject(v) && ('eventSource' in v || 'detail' in v || 'eventName' in v || 'eventID' in v);
}

/** Reads one file into records. Problems (unreadable, not JSON) are reported, never thrown. */
/**
 * The byte that every record we act on carries: `"eventSource": "lambda.amazonaws.com"`. CloudTrail
 * writes it literally, so a file or JSON line without it cannot hold a Lambda event and need not be
 * parsed. The plain path (`--no-prefilter`) parses everything; both give the same findings.
 */
export const LAMBDA_MARKER = 'lambda.amazonaws.com';
/** Every candidate record also names one of these operations (the event name CloudTrail logs). */
const OPERATION_MARKERS = [
  'UpdateFunctionConfiguration',
  'CreateFunction',
  'PublishLayerVersion',
  'AddLayerVersionPermission',
];

/** True when the bytes may hold a candidate record (a cheap test; false is certain). */
export function mayHoldCandidate(bytes: Buffer | string): boolean {
  return bytes.includes(LAMBDA_MARKER) && OPERATION_MARKERS.some((m) => bytes.includes(m));
}

export interface ReadOptions {
  prefilter: boolean;
  /** Called for a file skipped unparsed by the pre-filter. */
  onSkipped?: (file: string) => void;
  /** Called with the uncompressed size of each file read. */
  onBytes?: (bytes: number) => void;
}

export async function readRecords(
  file: string,
  problems: SourceProblem[],
  options: ReadOptions = { prefilter: false },
): Promise<SourceRecord[]> {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    problems.push({
      file,
      position: null,
      message: `cannot read: ${code ?? (error as Error).message}`,
      fatal: true,
    });
    return [];
  }
  return recordsFromBytes(file, bytes, problems, options);
}

/** Records from a file's bytes (local or S3): gunzips, pre-filters, parses. */
export function recordsFromBytes(
  name: string,
  raw: Buffer,
  problems: SourceProblem[],
  options: ReadOptions,
): SourceRecord[] {
  let bytes = raw;
  try {
    if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = gunzipSync(bytes);
  } catch (error) {
    problems.push({
      file: name,
      position: null,
      message: `cannot gunzip: ${(error as Error).message}`,
      fatal: false,
    });
    return [];
  }
  options.onBytes?.(bytes.length);
  if (options.prefilter && !mayHoldCandidate(bytes)) {
    options.onSkipped?.(name);
    return [];
  }
  return parseRecords(name, bytes.toString('utf8'), problems, options);
}

export function parseRecords(
  file: string,
  text: string,
  problems: SourceProblem[],
  options: ReadOptions = { prefilter: false },
): SourceRecord[] {
  const trimmed = text.trimStart();
  if (trimmed.length === 0) return [];
  if (isAthenaCsv(trimmed)) return athenaCsvRecords(file, trimmed, problems);
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    let whole: unknown;
    let parsed = false;
    try {
      whole = JSON.parse(trimmed);
      parsed = true;
    } catch {
      // Not one JSON document: read as JSON Lines below.
    }
    if (parsed) return fromDocument(file, whole, problems);
  }
  const out: SourceRecord[] = [];
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    if (line.trim().length === 0) return;
    if (options.prefilter && !mayHoldCandidate(line)) {
      // Cannot be a Lambda event; still say so when the line is not even shaped like a JSON object.
      const t = line.trim();
      if (!(t.startsWith('{') && t.endsWith('}'))) {
        problems.push({
          file,
          position: `line ${i + 1}`,
          message: 'not JSON (not an object on one line)',
          fatal: false,
        });
      }
      return;
    }
    try {
      out.push({ file, position: `line ${i + 1}`, value: JSON.parse(line) });
    } catch (error) {
      problems.push({
        file,
        position: `line ${i + 1}`,
        message: `not JSON: ${(error as Error).message}`,
        fatal: false,
      });
    }
  });
  return out;
}

function fromDocument(file: string, doc: unknown, problems: SourceProblem[]): SourceRecord[] {
  if (Array.isArray(doc)) {
    if (doc.length > 0 && !doc.some(looksLikeEvent)) {
      problems.push({
        file,
        position: null,
        message: 'not a CloudTrail file (an array without events), skipped',
        fatal: false,
      });
      return [];
    }
    return doc.map((value, i) => ({ file, position: `[${i}]`, value }));
  }
  if (isObject(doc) && isObject(doc.ResultSet)) return athenaJsonRecords(file, doc, problems);
  if (isObject(doc) && 'Records' in doc) {
    if (!Array.isArray(doc.Records)) {
      problems.push({ file, position: 'Records', message: 'Records is not an array', fatal: false });
      return [];
    }
    return doc.Records.map((value, i) => ({ file, position: `Records[${i}]`, value }));
  }
  if (looksLikeEvent(doc)) return [{ file, position: 'record', value: doc }];
  problems.push({
    file,
    position: null,
    message: 'not a CloudTrail file (no Records, no event), skipped',
    fatal: false,
  });
  return [];
}
