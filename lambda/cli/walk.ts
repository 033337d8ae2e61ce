/**
 * Expands the PATHs given to `scan` into inputs. Folders are walked recursively; each real folder
 * and file is visited once (symlink cycles and links to the same file end there); FIFOs, sockets
 * and devices found in folders are skipped with a note, never opened. A pipe or device named on the
 * command line (`<(zcat ...)`, `/dev/stdin`) is read as a stream, and `-` is standard input.
 * What a folder's walk does not read (not-read.ts: digest and Insights folders, dot-names, other
 * file names) is counted in one note per folder named, as the S3 walk does (s3.ts).
 */
import { type Dirent, readdirSync, realpathSync, type Stats, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileNotRead, folderNotRead, NotRead } from './not-read.js';
import type { SourceProblem } from './source-types.js';

export interface Inputs {
  /** Regular files, in walk order. */
  files: string[];
  /** Pipes and devices named on the command line. */
  streams: string[];
  stdin: boolean;
  s3: string[];
}

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
  /** What the walk of the folder named on the command line leaves out. */
  private notRead = new NotRead();

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
      const path = join(dir, entry.name);
      const real = join(realDir, entry.name);
      const special = kindOf(entry);
      // A name starting with '.' is not read whatever it is; the folder names are judged on folders.
      if (entry.name.startsWith('.')) this.notRead.add('dot', path);
      else if (special) this.problem(path, `${special}, not a file: skipped`, 'note');
      else if (entry.isFile()) this.fileFound(path, entry.name, () => real);
      else if (entry.isDirectory() || entry.isSymbolicLink()) this.linkOrFolder(path, entry, real);
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
    if (stat.isDirectory()) {
      const skipped = folderNotRead(entry.name);
      if (skipped) this.notRead.add(skipped, path);
      else this.enter(path, stat, resolved);
    } else if (target) this.problem(path, `links to ${target}, not a file: skipped`, 'note');
    else this.fileFound(path, entry.name, resolved);
  }

  /** A file found in a folder: read, or counted as not read. */
  private fileFound(path: string, name: string, real: () => string): void {
    const skipped = fileNotRead(name);
    if (skipped) {
      this.notRead.add(skipped, path);
      return;
    }
    try {
      this.addFile(path, real());
    } catch (error) {
      this.cannot(path, 'cannot read', error);
    }
  }

  /** A folder named on the command line: walked, and what it leaves out noted. */
  private folderNamed(path: string, stat: Stats, real: string): void {
    this.notRead = new NotRead();
    this.enter(path, stat, () => real);
    const note = this.notRead.note(path);
    if (note) this.problems.push(note);
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
      if (stat.isDirectory()) this.folderNamed(path, stat, real);
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
