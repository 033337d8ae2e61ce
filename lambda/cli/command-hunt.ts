/**
 * `layerwatch hunt`: runs the hunt for the user, with AWS credentials, and analyses what comes back
 * like a scan (same findings, formats and exit codes): `--lookup-events` reads CloudTrail's 90-day
 * Event history of each region; `--athena` runs the athena-sql query over the CloudTrail table.
 */
import { parseArgs } from 'node:util';
import { type Command, EXIT, EXIT_CODES_HELP, type Io, UsageError } from './command.js';
import { loadSettings } from './command-scan.js';
import { keepFinding } from './filter.js';
import { FORMATS, formatNamed } from './formats.js';
import {
  AWS_HUNT_CLIENTS,
  type HuntClients,
  type HuntSource,
  huntSourceHelp,
  huntSourceOptionSpec,
  parseHuntSource,
  readHuntSource,
} from './hunt-source.js';
import { accountsOption, severityOption } from './option-values.js';
import { detect } from './scan.js';
import type { ScanOptions } from './scan-args.js';
import { report } from './scan-report.js';
import { DEFAULT_MAX_RECORD_BYTES } from './source-types.js';
import { terminalText } from './terminal-text.js';

export type { HuntClients } from './hunt-source.js';

const SYNOPSIS =
  'layerwatch hunt (--lookup-events | --athena --table DB.TABLE --workgroup W) [--since TIME] [--until TIME] [--account ID]... [--region NAME]... [--format F] [--fail-on LEVEL]';

function help(): string {
  return `Usage: ${SYNOPSIS}

Runs the hunt with your AWS credentials and analyses the events like layerwatch scan.
${huntSourceHelp('lookup-events', 'athena')}  --since TIME, --until TIME, --account ID, --region NAME   as in layerwatch scan
  --format F               ${FORMATS.map((f) => f.name).join(', ')} (default: table on a terminal, jsonl otherwise)
  --min-severity LEVEL, --fail-on LEVEL, --config FILE, --allow-partial   as in layerwatch scan

${EXIT_CODES_HELP}`;
}

export interface HuntOptions extends ScanOptions, HuntSource {}

/** Every option is checked here, before any AWS call: a bad one is a usage error (exit 2). */
export function parseHuntArgs(
  args: readonly string[],
  tty: boolean,
  env: Record<string, string | undefined>,
  nowMs: number = Date.now(),
): HuntOptions | 'help' {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: {
      ...huntSourceOptionSpec('lookup-events', 'athena'),
      account: { type: 'string', multiple: true },
      format: { type: 'string' },
      'min-severity': { type: 'string' },
      'fail-on': { type: 'string' },
      config: { type: 'string' },
      'allow-partial': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';
  if (positionals.length > 0) throw new UsageError(`hunt takes no PATH (got ${positionals.join(' ')})`);
  const source = parseHuntSource(
    values,
    { lookup: 'lookup-events', athena: 'athena', accounts: accountsOption(values.account ?? []) },
    env,
    nowMs,
  );
  if (source === null) throw new UsageError('choose one source: --lookup-events or --athena');
  const format = formatNamed(values.format ?? (tty ? 'table' : 'jsonl'));
  if (!format)
    throw new UsageError(
      `--format: "${values.format}" is not one of ${FORMATS.map((f) => f.name).join(', ')}`,
    );
  return {
    ...source,
    format,
    minSeverity: severityOption('min-severity', values['min-severity']) ?? 'informational',
    failOn: severityOption('fail-on', values['fail-on']),
    paths: [],
    config: values.config ?? null,
    includeSuppressed: false,
    prefilter: false,
    threads: null,
    allowPartial: values['allow-partial'] ?? false,
    maxRecordBytes: DEFAULT_MAX_RECORD_BYTES,
    s3SkipBeforeMs: null,
  };
}

export async function hunt(o: HuntOptions, io: Io, clients: HuntClients = AWS_HUNT_CLIENTS): Promise<number> {
  const started = Date.now();
  const settings = await loadSettings(o.config);
  const read = await readHuntSource(o, io, clients);
  if (read.parts !== null) io.stderr.write(`layerwatch: ${read.parts}\n`);
  const all = detect(read.events, settings).filter((f) => keepFinding(f, o.filter));
  return report(all, read.stats, read.problems, o, io, (Date.now() - started) / 1000);
}

export const huntCommand: Command = {
  name: 'hunt',
  synopsis: SYNOPSIS,
  help,
  async run(args, io) {
    let options: HuntOptions | 'help';
    try {
      options = parseHuntArgs(args, io.stdout.isTTY === true, process.env);
    } catch (error) {
      io.stderr.write(`${terminalText(`layerwatch hunt: ${(error as Error).message}`)}\n\n${help()}`);
      return EXIT.incomplete;
    }
    if (options === 'help') {
      io.stdout.write(help());
      return EXIT.ok;
    }
    return hunt(options, io);
  },
};
