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

/** Walk state: what was found, and each real folder and file seen (device and inode). */
class Walk {
  readonly inputs: Inputs = { files: [], bytes: 0, streams: [], stdin: false, s3: [] };
  private readonly seen = new Set<string>();

  constructor(private readonly problems: SourceProblem[]) {}

  once(stat: Stats): boolean {
    const id = `${stat.dev}:${stat.ino}`;
    if (this.seen.has(id)) return false;
    this.seen.add(id);
    return true;
  }

  problem(file: string, message: string, kind: SourceProblem['kind']): void {
    this.problems.push({ file, position: null, message, kind });
  }

  cannot(path: string, verb: string, error: unknown): void {
    this.problem(path, `${verb}: ${(error as NodeJS.ErrnoException).code ?? error}`, 'unreadable');
  }

  addFile(path: string, stat: Stats): void {
    if (!this.once(stat)) return;
    this.inputs.files.push(path);
    this.inputs.bytes += stat.size;
  }

  // Synchronous on purpose: a trail is thousands of small files, and one thread-pool round trip per
  // file costs more than the reads themselves.
  folder(dir: string): void {
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true }).sort(byName);
    } catch (error) {
      this.cannot(dir, 'cannot list', error);
      return;
    }
    for (const entry of entries) {
      // CloudTrail digest files describe log files; they hold no events.
      if (entry.name === 'CloudTrail-Digest' || entry.name.startsWith('.')) continue;
      this.entry(join(dir, entry.name), entry);
    }
  }

  private entry(path: string, entry: Dirent): void {
    const special = kindOf(entry);
    if (special) {
      this.problem(path, `${special}, not a file: skipped`, 'note');
      return;
    }
    if (!entry.isDirectory() && !entry.isSymbolicLink() && !RECORD_FILE.test(entry.name)) return;
    let stat: Stats;
    try {
      stat = statSync(path);
    } catch (error) {
      this.cannot(path, 'cannot read', error);
      return;
    }
    const target = kindOf(stat);
    if (stat.isDirectory()) {
      if (this.once(stat)) this.folder(path);
    } else if (target) this.problem(path, `links to ${target}, not a file: skipped`, 'note');
    else if (RECORD_FILE.test(path)) this.addFile(path, stat);
  }

  /** A PATH given on the command line. */
  path(path: string): void {
    if (path === '-') this.inputs.stdin = true;
    else if (path.startsWith('s3://')) this.inputs.s3.push(path);
    else {
      let stat: Stats;
      try {
        stat = statSync(path);
      } catch (error) {
        this.cannot(path, 'cannot read', error);
        return;
      }
      if (stat.isDirectory()) {
        if (this.once(stat)) this.folder(path);
      } else if (stat.isFIFO() || stat.isCharacterDevice()) this.inputs.streams.push(path);
      else if (stat.isFile()) this.addFile(path, stat);
      else this.problem(path, `cannot read: ${kindOf(stat) ?? 'not a file'}`, 'unreadable');
    }
  }
}

export function findInputs(paths: readonly string[], problems: SourceProblem[]): Inputs {
  const walk = new Walk(problems);
  for (const path of paths) walk.path(path);
  return walk.inputs;
}
