/**
 * `layerwatch hunt`: runs the hunt for the user, with AWS credentials, and analyses what comes back
 * like a scan (same findings, formats and exit codes): `--lookup-events` reads CloudTrail's 90-day
 * Event history of each region; `--athena` runs the athena-sql query over the CloudTrail table.
 */
import { parseArgs } from 'node:util';
import { AthenaClient } from '@aws-sdk/client-athena';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { AthenaQueryRunner } from '../adapters/athena-query-runner.js';
import { CLI_CALLS, sdkClient } from '../adapters/client-options.js';
import {
  CloudTrailLookupEventsReader,
  LOOKUP_EVENT_NAMES,
} from '../adapters/cloudtrail-lookup-events-reader.js';
import { athenaSql } from './athena.js';
import { type Command, EXIT, EXIT_CODES_HELP, type Io, UsageError } from './command.js';
import { loadSettings } from './command-scan.js';
import { keepEvent, keepFinding } from './filter.js';
import { FORMATS, formatNamed } from './formats.js';
import { type AthenaSource, huntAthena, huntLookupEvents, type LookupSource } from './hunt-sources.js';
import {
  accountsOption,
  eventHistoryWindow,
  regionOption,
  s3LocationOption,
  severityOption,
  tableOption,
  timeOption,
  windowOption,
} from './option-values.js';
import { type PartOutcome, partsLine } from './parts.js';
import { detect, EventCollector, emptyStats } from './scan.js';
import type { ScanOptions } from './scan-args.js';
import { report } from './scan-report.js';
import { DEFAULT_MAX_RECORD_BYTES, type SourceProblem } from './source-types.js';
import { terminalText } from './terminal-text.js';

const SYNOPSIS =
  'layerwatch hunt (--lookup-events | --athena --table DB.TABLE --workgroup W) [--since TIME] [--until TIME] [--account ID]... [--region NAME]... [--format F] [--fail-on LEVEL]';

function help(): string {
  return `Usage: ${SYNOPSIS}

Runs the hunt with your AWS credentials and analyses the events like layerwatch scan.
  --lookup-events          CloudTrail's Event history (90 days, no trail needed) of each --region
                           (default: AWS_REGION): one lookup per event name of the layer operations
                           and of the calls that can blind or disarm layerwatch (${LOOKUP_EVENT_NAMES.length} names),
                           paginated, at most 2 calls a second (CloudTrail's limit): at least
                           ${Math.ceil(LOOKUP_EVENT_NAMES.length / 2)} s a region
  --athena                 the athena-sql query over the CloudTrail table (the same layer and
                           tampering calls), polled with progress, its results read page by page
  --table DB.TABLE         (athena) the CloudTrail table
  --workgroup W            (athena) the workgroup (default: primary)
  --output-location S3URI  (athena) where results go, unless the workgroup sets it
  --since TIME, --until TIME, --account ID, --region NAME   as in layerwatch scan
  --format F               ${FORMATS.map((f) => f.name).join(', ')} (default: table on a terminal, jsonl otherwise)
  --min-severity LEVEL, --fail-on LEVEL, --config FILE, --allow-partial   as in layerwatch scan

${EXIT_CODES_HELP}`;
}

export interface HuntOptions extends ScanOptions {
  source: 'lookup-events' | 'athena';
  table: string;
  workGroup: string;
  outputLocation: string | undefined;
  /** Where the calls go: each region's Event history, or the first region's Athena. */
  callRegions: string[];
}

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
      'lookup-events': { type: 'boolean' },
      athena: { type: 'boolean' },
      table: { type: 'string' },
      workgroup: { type: 'string' },
      'output-location': { type: 'string' },
      since: { type: 'string' },
      until: { type: 'string' },
      account: { type: 'string', multiple: true },
      region: { type: 'string', multiple: true },
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
  if (values['lookup-events'] === values.athena)
    throw new UsageError('choose one source: --lookup-events or --athena');
  if (values.athena && !values.table) throw new UsageError('--athena needs --table DB.TABLE');
  const format = formatNamed(values.format ?? (tty ? 'table' : 'jsonl'));
  if (!format)
    throw new UsageError(
      `--format: "${values.format}" is not one of ${FORMATS.map((f) => f.name).join(', ')}`,
    );
  // --region selects events too (as in scan); without it, the calls go to AWS_REGION and every
  // region's events are kept (an Athena table of an organization trail holds them all).
  const callRegions = values.region ?? (env.AWS_REGION ? [env.AWS_REGION] : []);
  if (callRegions.length === 0) throw new UsageError('name the region: --region NAME (or set AWS_REGION)');
  regionOption(values.region ? '--region' : 'AWS_REGION', callRegions);
  if (values.table !== undefined) tableOption(values.table);
  const sinceMs = timeOption('since', values.since);
  const untilMs = timeOption('until', values.until);
  windowOption(sinceMs, untilMs);
  if (!values.athena) eventHistoryWindow(sinceMs, untilMs, nowMs);
  return {
    source: values.athena ? 'athena' : 'lookup-events',
    table: values.table ?? '',
    workGroup: values.workgroup ?? 'primary',
    outputLocation: s3LocationOption('output-location', values['output-location']),
    callRegions,
    format,
    minSeverity: severityOption('min-severity', values['min-severity']) ?? 'informational',
    failOn: severityOption('fail-on', values['fail-on']),
    paths: [],
    config: values.config ?? null,
    includeSuppressed: false,
    filter: {
      sinceMs,
      untilMs,
      accounts: accountsOption(values.account ?? []),
      regions: values.region ?? [],
    },
    prefilter: false,
    threads: null,
    allowPartial: values['allow-partial'] ?? false,
    maxRecordBytes: DEFAULT_MAX_RECORD_BYTES,
  };
}

export interface HuntClients {
  lookup(region: string): LookupSource;
  athena(region: string, o: HuntOptions): AthenaSource;
}

const AWS: HuntClients = {
  lookup: (region) => new CloudTrailLookupEventsReader(sdkClient(CloudTrailClient, CLI_CALLS, { region })),
  athena: (region, o) => {
    const runner = new AthenaQueryRunner(sdkClient(AthenaClient, CLI_CALLS, { region }));
    const sql = athenaSql({
      table: o.table,
      sinceMs: o.filter.sinceMs,
      untilMs: o.filter.untilMs,
      accounts: o.filter.accounts,
      regions: o.filter.regions,
    });
    // One statement, as StartQueryExecution takes it (no trailing semicolon).
    const statement = sql.trim().replace(/;\s*$/, '');
    return {
      rows: (onProgress) =>
        runner.query(
          { sql: statement, workGroup: o.workGroup, outputLocation: o.outputLocation },
          onProgress,
        ),
    };
  },
};

export async function hunt(o: HuntOptions, io: Io, clients: HuntClients = AWS): Promise<number> {
  const started = Date.now();
  const settings = await loadSettings(o.config);
  const stats = emptyStats();
  const problems: SourceProblem[] = [];
  const collector = new EventCollector(stats, problems);
  const parts: PartOutcome[] = [];
  const sink = {
    part: (outcome: PartOutcome) => parts.push(outcome),
    add: (records: Parameters<EventCollector['add']>[0]) => collector.add(records),
    problem: (p: SourceProblem) => problems.push(p),
    progress: (text: string) => {
      if (io.stderr.isTTY) io.stderr.write(`\r${terminalText(text).slice(0, 100).padEnd(100)}`);
    },
  };
  try {
    if (o.source === 'lookup-events') {
      const sources = new Map(o.callRegions.map((r) => [r, clients.lookup(r)] as const));
      const window = {
        since: o.filter.sinceMs === null ? undefined : new Date(o.filter.sinceMs),
        until: o.filter.untilMs === null ? undefined : new Date(o.filter.untilMs),
      };
      await huntLookupEvents(sources, window, sink);
    } else {
      await huntAthena(clients.athena(o.callRegions[0] as string, o), sink);
    }
  } catch (error) {
    // What was read so far is still analysed; the run says it is partial (exit 2).
    const e = error as Error;
    problems.push({ file: o.source, position: null, message: `${e.name}: ${e.message}`, kind: 'unreadable' });
  }
  if (io.stderr.isTTY) io.stderr.write(`\r${' '.repeat(100)}\r`);
  if (parts.length > 0)
    io.stderr.write(
      `layerwatch: ${partsLine(`lookups (${o.callRegions.length} region(s) x ${LOOKUP_EVENT_NAMES.length} event names)`, parts)}\n`,
    );
  stats.files = o.source === 'athena' ? 1 : o.callRegions.length;
  const events = collector.sorted().filter((e) => keepEvent(e, o.filter));
  const all = detect(events, settings).filter((f) => keepFinding(f, o.filter));
  return report(all, stats, problems, o, io, (Date.now() - started) / 1000);
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
