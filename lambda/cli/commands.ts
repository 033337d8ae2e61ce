/** The command table: a new command is one file exporting a `Command` and one line here. */
import type { Command } from './command.js';
import { athenaSqlCommand } from './command-athena-sql.js';
import { scanCommand } from './command-scan.js';

export const COMMANDS: readonly Command[] = [scanCommand, athenaSqlCommand];
