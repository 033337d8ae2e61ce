/** The command table: a new command is one file exporting a `Command` and one line here. */
import type { Command } from './command.js';
import { athenaSqlCommand } from './command-athena-sql.js';
import { exposureCommand } from './command-exposure.js';
import { guardrailCommand } from './command-guardrail.js';
import { huntCommand } from './command-hunt.js';
import { inspectCommand } from './command-inspect.js';
import { revertCommand } from './command-revert.js';
import { scanCommand } from './command-scan.js';
import { statusCommand } from './command-status.js';
import { verifyCommand } from './command-verify.js';

export const COMMANDS: readonly Command[] = [
  scanCommand,
  inspectCommand,
  huntCommand,
  verifyCommand,
  athenaSqlCommand,
  statusCommand,
  guardrailCommand,
  revertCommand,
  exposureCommand,
];
