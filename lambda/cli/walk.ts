/**
 * Expands the PATHs given to `scan` into inputs. Folders are walked recursively; each real folder
 * and file is visited once (symlink cycles and links to the same file end there); FIFOs, sockets
 * and devices found in folders are skipped with a note, never opened. A pipe or device named on the
 * command line (`<(zcat ...)`, `/dev/stdin`) is read as a stream, and `-` is standard input.
 */
import { type Dirent, readdirSync, realpathSync, type Stats, statSync } from 'node:fs';
import { join } from 'node:path';
import type { SourceProblem } from './source-types.js';

export interface Inputs {
  /** Regular files, in walk order. */
  files: string[];
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

/**
 * Walk state: what was found, each folder seen (device and inode: cycles end, bind mounts
 * included) and each file's real path. A plain file's real path is its real folder's plus its
 * name, so the thousands of files of a trail need no system call beyond the folder listing.
 */
class Walk {
  readonly inputs: Inputs = { files: [], streams: [], stdin: false, s3: [] };
  private readonly folders = new Set<string>();
  private readonly files = new Set<string>();

  constructor(
    private readonly problems: SourceProblem[],
    private readonly onFile: (path: string) => void,
  ) {}

  private problem(file: string, message: string, kind: SourceProblem['kind']): void {
    this.problems.push({ file, position: null, message, kind });
  }

  private cannot(path: string, verb: string, error: unknown): void {
    this.problem(path, `${verb}: ${(error as NodeJS.ErrnoException).code ?? error}`, 'unreadable');
  }

  private addFile(path: string, real: string): void {
    if (this.files.has(real)) return;
    this.files.add(real);
    this.inputs.files.push(path);
    this.onFile(path);
  }

  /** Walks a folder once, whatever the paths that lead to it. */
  private enter(path: string, stat: Stats, real: () => string): void {
    const id = `${stat.dev}:${stat.ino}`;
    if (this.folders.has(id)) return;
    this.folders.add(id);
    let realDir: string;
    try {
      realDir = real();
    } catch (error) {
      this.cannot(path, 'cannot read', error);
      return;
    }
    this.folder(path, realDir);
  }

  // Synchronous on purpose: a trail is thousands of small files, and one thread-pool round trip per
  // file costs more than the reads themselves.
  private folder(dir: string, realDir: string): void {
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
      const path = join(dir, entry.name);
      const real = join(realDir, entry.name);
      const special = kindOf(entry);
      if (special) this.problem(path, `${special}, not a file: skipped`, 'note');
      else if (entry.isFile()) {
        if (RECORD_FILE.test(entry.name)) this.addFile(path, real);
      } else if (entry.isDirectory() || entry.isSymbolicLink()) this.linkOrFolder(path, entry, real);
    }
  }

  private linkOrFolder(path: string, entry: Dirent, real: string): void {
    let stat: Stats;
    try {
      stat = statSync(path);
    } catch (error) {
      this.cannot(path, 'cannot read', error);
      return;
    }
    const target = kindOf(stat);
    const resolved = () => (entry.isSymbolicLink() ? realpathSync(path) : real);
    if (stat.isDirectory()) this.enter(path, stat, resolved);
    else if (target) this.problem(path, `links to ${target}, not a file: skipped`, 'note');
    else if (RECORD_FILE.test(path)) {
      try {
        this.addFile(path, resolved());
      } catch (error) {
        this.cannot(path, 'cannot read', error);
      }
    }
  }

  /** A PATH given on the command line. */
  path(path: string): void {
    if (path === '-') this.inputs.stdin = true;
    else if (path.startsWith('s3://')) this.inputs.s3.push(path);
    else {
      let stat: Stats;
      let real: string;
      try {
        stat = statSync(path);
        real = realpathSync(path);
      } catch (error) {
        this.cannot(path, 'cannot read', error);
        return;
      }
      if (stat.isDirectory()) this.enter(path, stat, () => real);
      else if (stat.isFIFO() || stat.isCharacterDevice()) this.inputs.streams.push(path);
      else if (stat.isFile()) this.addFile(path, real);
      else this.problem(path, `cannot read: ${kindOf(stat) ?? 'not a file'}`, 'unreadable');
    }
  }
}

/** The inputs the PATHs name; `onFile` hears of each regular file as it is found (reading may start). */
export function findInputs(
  paths: readonly string[],
  problems: SourceProblem[],
  onFile: (path: string) => void = () => undefined,
): Inputs {
  const walk = new Walk(problems, onFile);
  for (const path of paths) walk.path(path);
  return walk.inputs;
}
