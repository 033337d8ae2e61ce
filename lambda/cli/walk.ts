/**
 * Expands the PATHs given to `scan` into inputs. Folders are walked recursively; each real folder
 * and file is visited once (symlink cycles and links to the same file end there); FIFOs, sockets
 * and devices found in folders are skipped with a note, never opened. A pipe or device named on the
 * command line (`<(zcat ...)`, `/dev/stdin`) is read as a stream, and `-` is standard input.
 */
import { type Dirent, readdirSync, type Stats, statSync } from 'node:fs';
import { join } from 'node:path';
import type { SourceProblem } from './source-types.js';

export interface Inputs {
  /** Regular files, in walk order. */
  files: string[];
  /** Their sizes in bytes (for progress). */
  bytes: number;
  /** Pipes and devices named on the command line. */
  streams: string[];
  stdin: boolean;
  s3: string[];
}

const RECORD_FILE = /\.(json|jsonl|ndjson|csv)(\.gz)?$/i;

function kindOf(stat: Stats | Dirent): string | null {
  if (stat.isFIFO()) return 'a FIFO (named pipe)';
  if (stat.isSocket()) return 'a socket';
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return 'a device';
  return null;
}

const byName = (x: Dirent, y: Dirent) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0);

export function findInputs(paths: readonly string[], problems: SourceProblem[]): Inputs {
  const inputs: Inputs = { files: [], bytes: 0, streams: [], stdin: false, s3: [] };
  const seen = new Set<string>();
  const once = (stat: Stats) => {
    const id = `${stat.dev}:${stat.ino}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  };
  const problem = (file: string, message: string, kind: SourceProblem['kind']) =>
    problems.push({ file, position: null, message, kind });
  const cannot = (path: string, verb: string, error: unknown) =>
    problem(path, `${verb}: ${(error as NodeJS.ErrnoException).code ?? error}`, 'unreadable');
  const addFile = (path: string, stat: Stats) => {
    if (!once(stat)) return;
    inputs.files.push(path);
    inputs.bytes += stat.size;
  };
  // Synchronous on purpose: a trail is thousands of small files, and one thread-pool round trip per
  // file costs more than the reads themselves.
  const walk = (dir: string): void => {
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true }).sort(byName);
    } catch (error) {
      cannot(dir, 'cannot list', error);
      return;
    }
    for (const entry of entries) {
      // CloudTrail digest files describe log files; they hold no events.
      if (entry.name === 'CloudTrail-Digest' || entry.name.startsWith('.')) continue;
      const path = join(dir, entry.name);
      const special = kindOf(entry);
      if (special) {
        problem(path, `${special}, not a file: skipped`, 'note');
        continue;
      }
      if (!entry.isDirectory() && !entry.isSymbolicLink() && !RECORD_FILE.test(entry.name)) continue;
      let stat: Stats;
      try {
        stat = statSync(path);
      } catch (error) {
        cannot(path, 'cannot read', error);
        continue;
      }
      const target = kindOf(stat);
      if (stat.isDirectory()) {
        if (once(stat)) walk(path);
      } else if (target) problem(path, `links to ${target}, not a file: skipped`, 'note');
      else if (RECORD_FILE.test(path)) addFile(path, stat);
    }
  };
  for (const path of paths) {
    if (path === '-') {
      inputs.stdin = true;
      continue;
    }
    if (path.startsWith('s3://')) {
      inputs.s3.push(path);
      continue;
    }
    let stat: Stats;
    try {
      stat = statSync(path);
    } catch (error) {
      cannot(path, 'cannot read', error);
      continue;
    }
    if (stat.isDirectory()) {
      if (once(stat)) walk(path);
    } else if (stat.isFIFO() || stat.isCharacterDevice()) inputs.streams.push(path);
    else if (stat.isFile()) addFile(path, stat);
    else problem(path, `cannot read: ${kindOf(stat) ?? 'not a file'}`, 'unreadable');
  }
  return inputs;
}
