/**
 * The command table: a new command is one file exporting a `Command` and one entry here. A
 * command's module is loaded only when it is run (or its help printed): the CLI's bundle is split
 * by command, so that `scan` starts without compiling the AWS clients of `hunt`, `verify` or
 * `revert`. The synopsis is written here too, so that the usage lists every command without
 * loading them; a test holds each equal to its command's own.
 */
import type { Command } from './command.js';

export interface CommandEntry {
  name: string;
  /** One line for the general usage: the loaded command's `synopsis`. */
  synopsis: string;
  load(): Promise<Command>;
}

/** A command already in memory as a table entry (tests, and commands built at run time). */
export function entryOf(command: Command): CommandEntry {
  return { name: command.name, synopsis: command.synopsis, load: async () => command };
}

export const COMMANDS: readonly CommandEntry[] = [
  {
    name: 'scan',
    synopsis: 'layerwatch scan [options] PATH...',
    load: async () => (await import('./command-scan.js')).scanCommand,
  },
  {
    name: 'inspect',
    synopsis:
      'layerwatch inspect [--format jsonl|table] [--attached] [--fail-on SEVERITY] [--region REGION] INPUT...',
    load: async () => (await import('./command-inspect.js')).inspectCommand,
  },
  {
    name: 'hunt',
    synopsis:
      'layerwatch hunt (--lookup-events | --athena --table DB.TABLE --workgroup W) [--since TIME] [--until TIME] [--account ID]... [--region NAME]... [--format F] [--fail-on LEVEL]',
    load: async () => (await import('./command-hunt.js')).huntCommand,
  },
  {
    name: 'verify',
    synopsis: 'layerwatch verify [--stack NAME] [--region REGION] [--send-test-alert]',
    load: async () => (await import('./command-verify.js')).verifyCommand,
  },
  {
    name: 'athena-sql',
    synopsis:
      'layerwatch athena-sql [--table DB.TABLE] [--since TIME] [--until TIME] [--account ID]... [--region NAME]...',
    load: async () => (await import('./command-athena-sql.js')).athenaSqlCommand,
  },
  {
    name: 'status',
    synopsis: 'layerwatch status [--stack NAME] [--region REGION] [--hours N]',
    load: async () => (await import('./command-status.js')).statusCommand,
  },
  {
    name: 'guardrail',
    synopsis: 'layerwatch guardrail [options] INPUT... | --state-table NAME',
    load: async () => (await import('./command-guardrail.js')).guardrailCommand,
  },
  {
    name: 'revert',
    synopsis:
      'layerwatch revert FINDING... | --function ARN --layer ARN... | --plan FILE | --restore FILE [--apply] [--throttle]',
    load: async () => (await import('./command-revert.js')).revertCommand,
  },
  {
    name: 'exposure',
    synopsis: 'layerwatch exposure FINDING... | --function ARN --layer ARN... [--since TIME]',
    load: async () => (await import('./command-exposure.js')).exposureCommand,
  },
];
