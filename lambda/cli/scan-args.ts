/** `scan`'s options: the help text and the parse from argv to `ScanOptions` (pure; throws UsageError). */
import { parseArgs } from 'node:util';
import { SEVERITIES, type Severity } from '../domain/severity.js';
import { EXIT_CODES_HELP, UsageError } from './command.js';
import type { EventFilter } from './filter.js';
import { FORMATS, formatNamed, type OutputFormat } from './formats.js';
import {
  accountsOption,
  integerOption,
  regionOption,
  severityOption,
  timeOption,
  windowOption,
} from './option-values.js';
import { DEFAULT_MAX_RECORD_BYTES } from './source-types.js';

export interface ScanOptions {
  format: OutputFormat;
  minSeverity: Severity;
  failOn: Severity | null;
  paths: string[];
  config: string | null;
  includeSuppressed: boolean;
  filter: EventFilter;
  prefilter: boolean;
  threads: number | null;
  allowPartial: boolean;
  maxRecordBytes: number;
  /** `--s3-skip-before`: S3 day folders before this are not listed (a named gap in the baseline). */
  s3SkipBeforeMs: number | null;
}

export const SCAN_SYNOPSIS = 'layerwatch scan [options] PATH...';

export function scanHelp(): string {
  const formats = FORMATS.map((f) => `                           ${f.name}: ${f.description}`).join('\n');
  return `Usage: ${SCAN_SYNOPSIS}

Scans CloudTrail history for Lambda layer changes, offline, with the detection core of the stack.
PATH: a file, a folder (recursive; each real file once; FIFOs, sockets and devices skipped), - for
standard input, or s3://bucket/prefix/ (lists and reads the CloudTrail objects with your AWS
credentials). Reads, plain or gzipped, of any size:
  CloudTrail log files {"Records": [...]}; JSON Lines whose lines are records, EventBridge events
  or whole log files (what zcat *.json.gz or jq -c give); JSON documents concatenated; JSON arrays;
  aws cloudtrail lookup-events output {"Events": [{"CloudTrailEvent": "..."}]} (the 90-day Event
  history, no trail needed); Athena results of the athena-sql query (CSV or get-query-results JSON).

Options:
  --format NAME            (default: table on a terminal, jsonl otherwise)
${formats}
  --min-severity LEVEL     print findings at or above LEVEL (default: informational)
  --fail-on LEVEL          exit 1 when an unsuppressed finding at or above LEVEL is found
  --config FILE            detection settings (JSON: organization accounts, known publishers,
                           deploy roles, suppressions, minSeverity, correlation window); the same
                           document the stack takes as settingsFile
  --include-suppressed     also print findings the settings suppress (they carry "suppression")
  --since TIME             report findings from TIME on (ISO 8601; earlier events still build
                           the baseline)
  --until TIME             ignore events after TIME
  --s3-skip-before TIME    s3:// only: do not list the day folders before TIME, to read less. Their
                           events then build no baseline (a change after TIME back to a state set
                           before it is not seen); the gap is named in the output. --since alone
                           reads them. TIME must not be after --since (those days are reported)
  --account ID             only events of this account (repeatable)
  --region NAME            only events of this region (repeatable)
  --allow-partial          exit 0 (not 2) when some input could not be read completely; the
                           problems are still reported and counted
  --max-record-bytes N     largest JSON record read (default ${DEFAULT_MAX_RECORD_BYTES}); larger records
                           are reported and skipped. Files of any size are streamed
  --no-prefilter           parse every record in one thread (the reference path; the default
                           skips files and records that cannot hold a candidate event, with the
                           same findings)
  --threads N              reader threads for local files (default: cores, at most 4, when there
                           are 16 files or more; 1 reads in the main thread)
  -h, --help               this text

LEVEL is one of: ${SEVERITIES.join(', ')}.
${EXIT_CODES_HELP}`;
}

export function parseScanArgs(args: readonly string[], stdoutIsTty: boolean): ScanOptions | 'help' {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: {
      format: { type: 'string' },
      'min-severity': { type: 'string' },
      'fail-on': { type: 'string' },
      config: { type: 'string' },
      'include-suppressed': { type: 'boolean' },
      since: { type: 'string' },
      until: { type: 'string' },
      's3-skip-before': { type: 'string' },
      account: { type: 'string', multiple: true },
      region: { type: 'string', multiple: true },
      'allow-partial': { type: 'boolean' },
      'max-record-bytes': { type: 'string' },
      'no-prefilter': { type: 'boolean' },
      threads: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';
  const formatName = values.format ?? (stdoutIsTty ? 'table' : 'jsonl');
  const format = formatNamed(formatName);
  if (!format)
    throw new UsageError(`--format: "${formatName}" is not one of ${FORMATS.map((f) => f.name).join(', ')}`);
  if (positionals.length === 0) throw new UsageError('no PATH given');
  const sinceMs = timeOption('since', values.since);
  const untilMs = timeOption('until', values.until);
  windowOption(sinceMs, untilMs);
  const s3SkipBeforeMs = timeOption('s3-skip-before', values['s3-skip-before']);
  if (s3SkipBeforeMs !== null && !positionals.some((p) => p.startsWith('s3://')))
    throw new UsageError(
      '--s3-skip-before prunes the listing of s3:// locations, and no s3:// PATH is given',
    );
  // Days skipped after --since would hold reportable events: they would be neither read nor
  // reported, while the note speaks only of the baseline.
  if (s3SkipBeforeMs !== null && (sinceMs === null || s3SkipBeforeMs > sinceMs))
    throw new UsageError(
      '--s3-skip-before must not be after --since: the days between would be neither reported nor read',
    );
  return {
    format,
    minSeverity: severityOption('min-severity', values['min-severity']) ?? 'informational',
    failOn: severityOption('fail-on', values['fail-on']),
    paths: positionals,
    config: values.config ?? null,
    includeSuppressed: values['include-suppressed'] ?? false,
    filter: {
      sinceMs,
      untilMs,
      accounts: accountsOption(values.account ?? []),
      regions: regionOption('--region', values.region ?? []),
    },
    prefilter: !(values['no-prefilter'] ?? false),
    threads: integerOption('threads', values.threads, 1, 64),
    allowPartial: values['allow-partial'] ?? false,
    maxRecordBytes:
      integerOption('max-record-bytes', values['max-record-bytes'], 1024, 1024 ** 3) ??
      DEFAULT_MAX_RECORD_BYTES,
    s3SkipBeforeMs,
  };
}
