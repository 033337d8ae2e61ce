/**
 * The `layerwatch` command line: finds the command in the table and runs it. See `command.ts` for
 * the exit codes.
 */
import { EXIT, type Io } from './command.js';
import { COMMANDS, type CommandEntry } from './commands.js';
import { terminalText } from './terminal-text.js';
import { VERSION } from './version.js';

export type { Io } from './command.js';

/** The general usage: every command's synopsis, then the first command's help (which loads it). */
export async function usage(commands: readonly CommandEntry[] = COMMANDS): Promise<string> {
  const lines = commands.map((c, i) => `${i === 0 ? 'Usage: ' : '       '}${c.synopsis}`);
  const first = await commands[0]?.load();
  return `${lines.join('\n')}

Commands: ${commands.map((c) => c.name).join(', ')}. \`layerwatch COMMAND --help\` (or \`layerwatch help
COMMAND\`) describes one; \`layerwatch --version\` prints the version.

${first?.help().split('\n').slice(2).join('\n') ?? ''}`;
}

export async function main(
  argv: readonly string[],
  io: Io,
  commands: readonly CommandEntry[] = COMMANDS,
): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    io.stderr.write(await usage(commands));
    return EXIT.incomplete;
  }
  if (name === '-h' || name === '--help' || (name === 'help' && rest.length === 0)) {
    io.stdout.write(await usage(commands));
    return EXIT.ok;
  }
  if (name === '--version' || name === '-V' || name === 'version') {
    io.stdout.write(`layerwatch ${VERSION}\n`);
    return EXIT.ok;
  }
  // `help COMMAND` is `COMMAND --help`.
  if (name === 'help') return main([...rest.slice(0, 1), '--help'], io, commands);
  const entry = commands.find((c) => c.name === name);
  if (!entry) {
    io.stderr.write(`${terminalText(`layerwatch: unknown command "${name}"`)}\n\n${await usage(commands)}`);
    return EXIT.incomplete;
  }
  return (await entry.load()).run(rest, io);
}
