/**
 * Runs a `layerwatch` command in the test's process, through the CLI's own `main` (what
 * dist/cli.mjs runs) with an Io that keeps what the command writes: the same arguments, output and
 * exit code as a CLI process, without the ~0.4 s of CPU a process start costs (a test file runs
 * dozens). What only a process has keeps its own end-to-end tests: the bin wrapper and the bundle,
 * pipes named on the command line and standard input, and `process.exitCode`.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { main } from '../../lambda/cli/main.js';
import { memoryIo } from './cli-io.js';

const ROOT = join(__dirname, '..', '..');

/** Built by jest's global setup beside dist/cli.mjs: reader threads run it, as in the command. */
const READER_SCRIPT = pathToFileURL(join(ROOT, 'dist', 'reader.mjs'));

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliRunOptions {
  /** Standard input (`scan -`); none when left out, as with an empty pipe. */
  input?: string | Buffer;
  /** Variables set for the command (the AWS endpoint), restored afterwards. */
  env?: Record<string, string>;
}

export async function runCli(args: readonly string[], options: CliRunOptions = {}): Promise<CliRun> {
  // Paths in arguments and in what the command prints are relative to the project, as the
  // process tests ran them (cwd: the project root).
  if (process.cwd() !== ROOT) throw new Error(`run the tests from ${ROOT}, not ${process.cwd()}`);
  const io = memoryIo();
  io.readerScript = READER_SCRIPT;
  const input = options.input;
  io.stdin = (async function* () {
    if (input !== undefined && input.length > 0) yield Buffer.from(input);
  })();
  const saved = Object.entries(options.env ?? {}).map(([name, value]) => {
    const before = process.env[name];
    process.env[name] = value;
    return [name, before] as const;
  });
  try {
    const code = await main(args, io);
    return { code, stdout: io.out, stderr: io.err };
  } finally {
    for (const [name, before] of saved) {
      if (before === undefined) delete process.env[name];
      else process.env[name] = before;
    }
  }
}
