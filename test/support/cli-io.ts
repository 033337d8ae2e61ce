/** A CLI Io that keeps what a command writes, for tests of commands run in process. */
import type { Io } from '../../lambda/cli/command.js';

export function memoryIo(): Io & { out: string; err: string } {
  const r = {
    out: '',
    err: '',
    stdout: { write: (s: string) => (r.out += s) },
    stderr: { write: (s: string) => (r.err += s) },
  };
  return r;
}
