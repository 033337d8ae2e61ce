/**
 * The `layerwatch` command line: finds the command in the table and runs it. See `command.ts` for
 * the exit codes.
 */
import { type Command, EXIT, type Io } from './command.js';
import { COMMANDS } from './commands.js';
import { terminalText } from './terminal-text.js';
import { VERSION } from './version.js';

export type { Io } from './command.js';

export function usage(commands: readonly Command[] = COMMANDS): string {
  const lines = commands.map((c, i) => `${i === 0 ? 'Usage: ' : '       '}${c.synopsis}`);
  return `${lines.join('\n')}

Commands: ${commands.map((c) => c.name).join(', ')}. \`layerwatch COMMAND --help\` (or \`layerwatch help
COMMAND\`) describes one; \`layerwatch --version\` prints the version.

${commands[0]?.help().split('\n').slice(2).join('\n') ?? ''}`;
}

export async function main(
  argv: readonly string[],
  io: Io,
  commands: readonly Command[] = COMMANDS,
): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    io.stderr.write(usage(commands));
    return EXIT.incomplete;
  }
  if (name === '-h' || name === '--help' || (name === 'help' && rest.length === 0)) {
    io.stdout.write(usage(commands));
    return EXIT.ok;
  }
  if (name === '--version' || name === '-V' || name === 'version') {
    io.stdout.write(`layerwatch ${VERSION}\n`);
    return EXIT.ok;
  }
  // `help COMMAND` is `COMMAND --help`.
  if (name === 'help') return main([...rest.slice(0, 1), '--help'], io, commands);
  const command = commands.find((c) => c.name === name);
  if (!command) {
    io.stderr.write(`${terminalText(`layerwatch: unknown command "${name}"`)}\n\n${usage(commands)}`);
    return EXIT.incomplete;
  }
  return command.run(rest, io);
}
