/**
 * The `layerwatch` command line: finds the command in the table and runs it. See `command.ts` for
 * the exit codes.
 */
import { type Command, EXIT, type Io } from './command.js';
import { COMMANDS } from './commands.js';
import { terminalText } from './terminal-text.js';

export type { Io } from './command.js';

export function usage(commands: readonly Command[] = COMMANDS): string {
  const lines = commands.map((c, i) => `${i === 0 ? 'Usage: ' : '       '}${c.synopsis}`);
  return `${lines.join('\n')}

Commands: ${commands.map((c) => c.name).join(', ')}. \`layerwatch COMMAND --help\` describes one.

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
  if (name === '-h' || name === '--help') {
    io.stdout.write(usage(commands));
    return EXIT.ok;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    io.stderr.write(`${terminalText(`layerwatch: unknown command "${name}"`)}\n\n${usage(commands)}`);
    return EXIT.incomplete;
  }
  return command.run(rest, io);
}
