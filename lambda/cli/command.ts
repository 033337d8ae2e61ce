/**
 * What a CLI command is. A new command (`inspect`, `hunt`, `verify`) is one file exporting a
 * `Command` and one line in the table of `commands.ts`; `main` and `--help` need no change.
 */

export interface Io {
  stdout: { write(s: string): unknown; isTTY?: boolean };
  stderr: { write(s: string): unknown; isTTY?: boolean; columns?: number };
  /** Read by `scan -`. */
  stdin?: AsyncIterable<Buffer>;
  /**
   * The script `scan`'s reader threads run. @default dist/reader.mjs beside the running bundle;
   * a host that runs the sources rather than the bundle (the tests) passes the built one.
   */
  readerScript?: URL;
}

export interface Command {
  name: string;
  /** One line for the general usage. */
  synopsis: string;
  /** The command's --help text. */
  help(): string;
  /** Returns the exit code. */
  run(args: readonly string[], io: Io): Promise<number>;
}

/** A usage error: the command prints it with its help and exits 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Every exit code the CLI uses. */
export const EXIT = {
  /** The run completed: every input was read, and no finding reached --fail-on. */
  ok: 0,
  /** A finding reached --fail-on. */
  failOn: 1,
  /** A usage error, or an input that could not be read completely (unless --allow-partial). */
  incomplete: 2,
  /** An internal error (a bug): please report it. */
  internal: 3,
} as const;

export const EXIT_CODES_HELP = `Exit codes:
  0  the run completed: every input was read completely and no finding reached --fail-on
  1  a finding reached --fail-on (this wins over 2)
  2  usage error, or an input that could not be read completely (missing or unreadable path,
     truncated gzip, text that is not JSON, a document naming its event arrays twice, a record
     over --max-record-bytes, an Athena row whose JSON does not parse, a hunt's region or event
     name that failed); each is named, and the
     findings of everything readable are still printed. --allow-partial turns this case into 0
  3  internal error (a bug; the message says where)
`;
