/**
 * Readable stack traces for the runtimes without `--enable-source-maps`. With that flag Node reads
 * and parses the bundle's source map (3 MiB for the detector) while it loads the bundle, at every
 * cold start, whether or not anything ever fails: about a quarter of the import's instructions.
 * Here the map is read only when an error leaves a handler: its frames in the bundle are rewritten
 * to the TypeScript file, line and column they came from, and the Lambda runtime logs that stack.
 *
 * Only maps beside files under the function's own code directory (`LAMBDA_TASK_ROOT`) are read; a
 * map that is missing or unreadable leaves the stack as it was; a mapping failure never replaces
 * the error being thrown.
 */
import { readFileSync } from 'node:fs';
import { SourceMap, type SourceMapPayload } from 'node:module';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * `at [async] name (LOCATION:line:column)` or `at [async] LOCATION:line:column`, LOCATION a path or a
 * file URL.
 */
const FRAME = /^(\s+at (?:async )?(?:[^(]*\()?)((?:file:\/\/)?\/[^\s()]+?):(\d+):(\d+)(\)?)$/;

/** The maps kept: one per bundle file that appeared in a stack (a function has one or two). */
const MAX_MAPS = 8;

export type MapLoader = (file: string) => SourceMap | null;

/** The source map beside `file` (`file.map`), or null when there is none that parses. */
export function mapBeside(file: string): SourceMap | null {
  try {
    return new SourceMap(JSON.parse(readFileSync(`${file}.map`, 'utf8')) as SourceMapPayload);
  } catch {
    return null;
  }
}

export class StackMapper {
  private readonly maps = new Map<string, SourceMap | null>();

  /** @param root the directory whose files' maps may be read; none: stacks stay as they are. */
  constructor(
    private readonly root: string | undefined,
    private readonly load: MapLoader = mapBeside,
  ) {}

  /** `stack` with every frame in a mapped file pointing at its source; other lines unchanged. */
  readable(stack: string): string {
    if (!this.root) return stack;
    return stack
      .split('\n')
      .map((line) => this.frame(line))
      .join('\n');
  }

  private frame(line: string): string {
    const m = FRAME.exec(line);
    if (!m) return line;
    const [, head, location, row, column, tail] = m as unknown as [
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    const map = this.mapOf(location);
    const entry = map?.findEntry(Number(row) - 1, Number(column) - 1);
    if (!entry || !('originalSource' in entry) || !entry.originalSource) return line;
    return `${head}${entry.originalSource}:${entry.originalLine + 1}:${entry.originalColumn + 1}${tail}`;
  }

  private mapOf(location: string): SourceMap | null {
    const known = this.maps.get(location);
    if (known !== undefined) return known;
    let file: string | null = location;
    try {
      if (location.startsWith('file://')) file = fileURLToPath(location);
    } catch {
      file = null;
    }
    // Resolved first: `/var/task/../../etc/x` starts with the root but is no file under it.
    const resolved = file === null ? null : resolve(file);
    const map = resolved?.startsWith(`${this.root}/`) ? this.load(resolved) : null;
    if (this.maps.size >= MAX_MAPS) this.maps.clear();
    this.maps.set(location, map);
    return map;
  }
}

/**
 * `handler`, whose thrown errors leave it with readable stacks (the runtime logs the stack of an
 * error a handler throws). Only the error's `stack` text changes; the error itself is rethrown.
 */
export function withReadableStacks<A extends unknown[], R>(
  handler: (...args: A) => Promise<R>,
  mapper: StackMapper = new StackMapper(process.env.LAMBDA_TASK_ROOT),
): (...args: A) => Promise<R> {
  return async (...args: A): Promise<R> => {
    try {
      return await handler(...args);
    } catch (error) {
      if (error instanceof Error) readableStackOf(error, mapper);
      throw error;
    }
  };
}

/**
 * Rewrites `error.stack` with `mapper`, frames only: the header V8 writes first (`name: message`,
 * the message possibly the caller's text over several lines) is kept as it is, so a message that
 * imitates a frame is never rewritten. A stack that cannot be mapped is left as it was.
 */
export function readableStackOf(error: Error, mapper: StackMapper): void {
  try {
    const stack = error.stack;
    if (typeof stack !== 'string') return;
    const header = String(error);
    const at = stack.startsWith(header) ? header.length : 0;
    error.stack = stack.slice(0, at) + mapper.readable(stack.slice(at));
  } catch {
    // Logged as it was.
  }
}
