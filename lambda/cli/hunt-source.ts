/**
 * The live sources `hunt` reads, for every command that reads them (`hunt`, and `guardrail
 * --replay-lookup-events | --replay-athena`): their options (one parser, checked before any AWS
 * call), the AWS clients, and the read itself into scan's collector, with each part's outcome.
 */
import { AthenaClient } from '@aws-sdk/client-athena';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { AthenaQueryRunner } from '../adapters/athena-query-runner.js';
import { CLI_CALLS, sdkClient } from '../adapters/client-options.js';
import {
  CloudTrailLookupEventsReader,
  LOOKUP_EVENT_NAMES,
} from '../adapters/cloudtrail-lookup-events-reader.js';
import type { LambdaEvent } from '../domain/model.js';
import { athenaSql } from './athena.js';
import type { Io } from './command.js';
import { UsageError } from './command.js';
import { type EventFilter, keepEvent } from './filter.js';
import { type AthenaSource, huntAthena, huntLookupEvents, type LookupSource } from './hunt-sources.js';
import {
  eventHistoryWindow,
  regionOption,
  s3LocationOption,
  tableOption,
  timeOption,
  windowOption,
} from './option-values.js';
import { type PartOutcome, partsLine } from './parts.js';
import { EventCollector, emptyStats, type ScanStats } from './scan.js';
import type { SourceProblem } from './source-types.js';
import { terminalText } from './terminal-text.js';

/** A live source and where its calls go: each region's Event history, or the first region's Athena. */
export interface HuntSource {
  source: 'lookup-events' | 'athena';
  table: string;
  workGroup: string;
  outputLocation: string | undefined;
  callRegions: string[];
  filter: EventFilter;
}

/** The options of a live source, as `parseArgs` declares them; `lookup` and `athena` name the two switches. */
export function huntSourceOptionSpec(lookup: string, athena: string) {
  return {
    [lookup]: { type: 'boolean' },
    [athena]: { type: 'boolean' },
    table: { type: 'string' },
    workgroup: { type: 'string' },
    'output-location': { type: 'string' },
    since: { type: 'string' },
    until: { type: 'string' },
    region: { type: 'string', multiple: true },
  } as const;
}

export interface HuntSourceValues {
  table?: string;
  workgroup?: string;
  'output-location'?: string;
  since?: string;
  until?: string;
  region?: string[];
  [flag: string]: string | boolean | string[] | boolean[] | undefined;
}

/** The help lines of a live source's options, for a command whose switches are named `lookup` and `athena`. */
export function huntSourceHelp(lookup: string, athena: string): string {
  return `  --${lookup.padEnd(22)} CloudTrail's Event history (90 days, no trail needed) of each --region
                           (default: AWS_REGION): one lookup per event name of the layer operations
                           and of the calls that can blind or disarm layerwatch (${LOOKUP_EVENT_NAMES.length} names),
                           paginated, at most 2 calls a second (CloudTrail's limit): at least
                           ${Math.ceil(LOOKUP_EVENT_NAMES.length / 2)} s a region
  --${athena.padEnd(22)} the athena-sql query over the CloudTrail table (the same layer and
                           tampering calls), polled with progress, its results read page by page
  --table DB.TABLE         (athena) the CloudTrail table
  --workgroup W            (athena) the workgroup (default: primary)
  --output-location S3URI  (athena) where results go, unless the workgroup sets it
`;
}

/**
 * The live source the switches `lookup` / `athena` choose (null when neither is given), every value
 * checked: a bad one is a usage error. `--region` selects events too (as in scan); without it, the
 * calls go to AWS_REGION and every region's events are kept (an organization trail's table holds them all).
 */
export function parseHuntSource(
  values: HuntSourceValues,
  names: { lookup: string; athena: string; accounts: string[] },
  env: Record<string, string | undefined>,
  nowMs: number,
): HuntSource | null {
  const lookup = values[names.lookup] === true;
  const athena = values[names.athena] === true;
  if (lookup && athena) throw new UsageError(`choose one source: --${names.lookup} or --${names.athena}`);
  if (!lookup && !athena) return null;
  if (athena && !values.table) throw new UsageError(`--${names.athena} needs --table DB.TABLE`);
  const callRegions = values.region ?? (env.AWS_REGION ? [env.AWS_REGION] : []);
  if (callRegions.length === 0) throw new UsageError('name the region: --region NAME (or set AWS_REGION)');
  regionOption(values.region ? '--region' : 'AWS_REGION', callRegions);
  if (values.table !== undefined) tableOption(values.table);
  const sinceMs = timeOption('since', values.since);
  const untilMs = timeOption('until', values.until);
  windowOption(sinceMs, untilMs);
  if (!athena) eventHistoryWindow(sinceMs, untilMs, nowMs);
  return {
    source: athena ? 'athena' : 'lookup-events',
    table: values.table ?? '',
    workGroup: values.workgroup ?? 'primary',
    outputLocation: s3LocationOption('output-location', values['output-location']),
    callRegions,
    filter: { sinceMs, untilMs, accounts: names.accounts, regions: values.region ?? [] },
  };
}

export interface HuntClients {
  lookup(region: string): LookupSource;
  athena(region: string, o: HuntSource): AthenaSource;
}

export const AWS_HUNT_CLIENTS: HuntClients = {
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

export interface HuntRead {
  /** The events kept by the source's filter, in order. */
  events: LambdaEvent[];
  stats: ScanStats;
  problems: SourceProblem[];
  /** The outcome of every lookup (region x event name), one line; null for Athena. */
  parts: string | null;
}

/**
 * Reads the live source into scan's collector. A part that fails is named (a problem, and a line of
 * outcomes); one that throws past its part leaves what was read so far, and a problem (partial).
 */
export async function readHuntSource(o: HuntSource, io: Io, clients: HuntClients): Promise<HuntRead> {
  const stats = emptyStats();
  const problems: SourceProblem[] = [];
  const collector = new EventCollector(stats, problems);
  const outcomes: PartOutcome[] = [];
  const sink = {
    part: (outcome: PartOutcome) => outcomes.push(outcome),
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
    const e = error as Error;
    problems.push({ file: o.source, position: null, message: `${e.name}: ${e.message}`, kind: 'unreadable' });
  }
  if (io.stderr.isTTY) io.stderr.write(`\r${' '.repeat(100)}\r`);
  const what = `lookups (${o.callRegions.length} region(s) x ${LOOKUP_EVENT_NAMES.length} event names)`;
  stats.files = o.source === 'athena' ? 1 : o.callRegions.length;
  return {
    events: collector.sorted().filter((e) => keepEvent(e, o.filter)),
    stats,
    problems,
    parts: outcomes.length > 0 ? partsLine(what, outcomes) : null,
  };
}
