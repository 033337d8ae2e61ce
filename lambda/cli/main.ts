/**
 * `layerwatch scan [options] PATH...` - hunts CloudTrail history offline with the detection core.
 * Exit codes: 0 the scan ran; 1 a finding reached --fail-on; 2 usage error or unreadable path.
 */
import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import type { Finding } from '../domain/finding.js';
import {
  DEFAULT_SETTINGS,
  type DetectionSettings,
  parseSettings,
  SettingsError,
} from '../domain/settings.js';
import { isSeverity, SEVERITIES, type Severity, severityRank } from '../domain/severity.js';
import { athenaSql } from './athena.js';
import { type EventFilter, keepEvent, keepFinding } from './filter.js';
import { jsonl, table } from './format.js';
import { progressDisplay } from './progress.js';
import { detect, EventCollector, emptyStats } from './scan.js';
import {
  listFiles,
  type ReadOptions,
  readRecords,
  recordsFromBytes,
  type SourceProblem,
  type SourceRecord,
} from './sources.js';
import { readInParallel } from './workers.js';

export interface Io {
  stdout: { write(s: string): unknown; isTTY?: boolean };
  stderr: { write(s: string): unknown; isTTY?: boolean; columns?: number };
}

const USAGE = `Usage: layerwatch scan [options] PATH...
       layerwatch athena-sql [--table DB.TABLE] [--since TIME] [--until TIME] [--account ID]... [--region NAME]...

Scans CloudTrail log files for Lambda layer changes. PATH may be files or folders (recursive):
CloudTrail log files {"Records": [...]} (.json, .json.gz), JSON Lines, single records, EventBridge events,
and Athena results of the athena-sql query (CSV, or aws athena get-query-results JSON).
athena-sql prints the Athena query over the CloudTrail table that selects the same candidate events.

Options:
  --format jsonl|table     jsonl: one finding JSON per line on stdout; table: for people
                           (default: table on a terminal, jsonl otherwise)
  --min-severity LEVEL     print findings at or above LEVEL (default: informational)
  --fail-on LEVEL          exit 1 when an unsuppressed finding at or above LEVEL is found
  --config FILE            detection settings (JSON: organization accounts, known publishers,
                           deploy roles, suppressions, minSeverity, correlation window); the same
                           document the stack takes as settingsFile
  --include-suppressed     also print findings the settings suppress (they carry "suppression")
  --since TIME             report findings from TIME on (ISO 8601; earlier events still build
                           the baseline)
  --until TIME             ignore events after TIME
  --account ID             only events of this account (repeatable)
  --region NAME            only events of this region (repeatable)
  --no-prefilter           parse every record in one thread (the reference path; the default
                           skips files and lines that cannot hold a candidate event, with the
                           same findings)
  --threads N              reader threads for local files (default: cores, at most 4, when there
                           are 16 files or more; 1 reads in the main thread)
  -h, --help               this text

LEVEL is one of: ${SEVERITIES.join(', ')}.
Exit codes: 0 scan ran, 1 --fail-on reached, 2 usage error or unreadable path.
`;

class UsageError extends Error {}

function timeOption(name: string, value: string | undefined): number | null {
  if (value === undefined) return null;
  const ms = Date.parse(value);
  if (Number.isNaN(ms))
    throw new UsageError(
      `--${name}: "${value}" is not an ISO 8601 time (e.g. 2026-03-14 or 2026-03-14T09:00:00Z)`,
    );
  return ms;
}

function threadsOption(value: string | undefined): number | null {
  if (value === undefined) return null;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 64)
    throw new UsageError(`--threads: "${value}" is not a whole number from 1 to 64`);
  return n;
}

function accountsOption(values: string[]): string[] {
  for (const v of values)
    if (!/^\d{12}$/.test(v)) throw new UsageError(`--account: "${v}" is not a 12-digit account id`);
  return values;
}

function severityOption(name: string, value: string | undefined, fallback: Severity | null): Severity | null {
  if (value === undefined) return fallback;
  if (!isSeverity(value))
    throw new UsageError(`--${name}: "${value}" is not one of ${SEVERITIES.join(', ')}`);
  return value;
}

export async function main(argv: readonly string[], io: Io): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '-h' || command === '--help') {
    (command === undefined ? io.stderr : io.stdout).write(USAGE);
    return command === undefined ? 2 : 0;
  }
  if (command === 'athena-sql') return athenaCommand(rest, io);
  if (command !== 'scan') {
    io.stderr.write(`layerwatch: unknown command "${command}"\n\n${USAGE}`);
    return 2;
  }
  let options: {
    format: 'jsonl' | 'table';
    minSeverity: Severity;
    failOn: Severity | null;
    paths: string[];
    config: string | null;
    includeSuppressed: boolean;
    filter: EventFilter;
    prefilter: boolean;
    threads: number | null;
  };
  try {
    const { values, positionals } = parseArgs({
      args: [...rest],
      allowPositionals: true,
      options: {
        format: { type: 'string' },
        'min-severity': { type: 'string' },
        'fail-on': { type: 'string' },
        config: { type: 'string' },
        'include-suppressed': { type: 'boolean' },
        since: { type: 'string' },
        until: { type: 'string' },
        account: { type: 'string', multiple: true },
        region: { type: 'string', multiple: true },
        'no-prefilter': { type: 'boolean' },
        threads: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) {
      io.stdout.write(USAGE);
      return 0;
    }
    const format = values.format ?? (io.stdout.isTTY ? 'table' : 'jsonl');
    if (format !== 'jsonl' && format !== 'table')
      throw new UsageError(`--format: "${format}" is not jsonl or table`);
    if (positionals.length === 0) throw new UsageError('no PATH given');
    options = {
      format,
      minSeverity: severityOption('min-severity', values['min-severity'], 'informational') as Severity,
      failOn: severityOption('fail-on', values['fail-on'], null),
      paths: positionals,
      config: values.config ?? null,
      includeSuppressed: values['include-suppressed'] ?? false,
      filter: {
        sinceMs: timeOption('since', values.since),
        untilMs: timeOption('until', values.until),
        accounts: accountsOption(values.account ?? []),
        regions: values.region ?? [],
      },
      prefilter: !(values['no-prefilter'] ?? false),
      threads: threadsOption(values.threads),
    };
  } catch (error) {
    io.stderr.write(`layerwatch scan: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }

  // The CLI prints everything by default: a publish threshold applies only when the file sets one.
  let settings: DetectionSettings = { ...DEFAULT_SETTINGS, minSeverity: 'informational' };
  if (options.config) {
    try {
      const raw: unknown = JSON.parse(await readFile(options.config, 'utf8'));
      const parsed = parseSettings(raw);
      const explicit = typeof raw === 'object' && raw !== null && 'minSeverity' in raw;
      settings = explicit ? parsed : { ...parsed, minSeverity: 'informational' };
    } catch (error) {
      const why = error instanceof SettingsError ? error.message : (error as Error).message;
      io.stderr.write(`layerwatch scan: --config ${options.config}: ${why}\n`);
      return 2;
    }
  }

  const started = Date.now();
  const problems: SourceProblem[] = [];
  const stats = emptyStats();
  const collector = new EventCollector(stats, problems);
  const local = options.paths.filter((p) => !p.startsWith('s3://'));
  const remote = options.paths.filter((p) => p.startsWith('s3://'));
  const localFiles = await listFiles(local, problems);
  // On a terminal: a progress line on stderr, erased before the summary.
  const display = io.stderr.isTTY
    ? progressDisplay((text) => io.stderr.write(text), io.stderr.columns)
    : null;
  let bytes = 0;
  const tick = (force = false) =>
    display?.update(
      {
        files: stats.files,
        totalFiles: Math.max(localFiles.length, stats.files),
        records: stats.records,
        bytes,
        candidates: stats.relevant,
      },
      force,
    );
  const readOptions: ReadOptions = {
    prefilter: options.prefilter,
    onSkipped: () => {
      stats.unparsedFiles += 1;
    },
    onBytes: (n) => {
      bytes += n;
    },
  };
  const threads = options.threads ?? (localFiles.length >= 16 ? Math.min(availableParallelism(), 4) : 1);
  if (options.prefilter && threads > 1) {
    await readInParallel(localFiles, threads, (result) => {
      stats.files += result.files;
      stats.unparsedFiles += result.skipped;
      bytes += result.bytes;
      problems.push(...result.problems);
      collector.add(result.records);
      tick();
    });
  } else {
    for (const file of localFiles) {
      stats.files += 1;
      collector.add(await readRecords(file, problems, readOptions));
      tick();
    }
  }
  if (remote.length > 0)
    await scanS3(remote, options.filter, problems, readOptions, (records) => {
      stats.files += 1;
      collector.add(records);
      tick();
    });
  tick(true);
  display?.done();
  const all = detect(
    collector.sorted().filter((e) => keepEvent(e, options.filter)),
    settings,
  ).filter((f) => keepFinding(f, options.filter));
  const findings = all.filter((f) => !f.suppression);
  stats.findings = all.length;
  stats.suppressed = all.length - findings.length;

  // Sorted by file: the same diagnostics in the same order whatever the reading order.
  problems.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  for (const p of problems)
    io.stderr.write(`layerwatch: ${p.file}${p.position ? `: ${p.position}` : ''}: ${p.message}\n`);
  const shown = (options.includeSuppressed ? all : findings).filter(
    (f) => severityRank(f.severity) >= severityRank(options.minSeverity),
  );
  if (options.format === 'jsonl') for (const f of shown) io.stdout.write(jsonl(f));
  else io.stdout.write(table(shown));

  const seconds = ((Date.now() - started) / 1000).toFixed(2);
  io.stderr.write(
    `layerwatch: ${stats.files} files (${stats.unparsedFiles} without candidate events, not parsed), ${stats.records} records, ${stats.relevant} layer-relevant, ${stats.ignored} skipped, ${stats.malformed} malformed, ${stats.duplicates} duplicates, ${stats.findings} findings (${stats.suppressed} suppressed, ${shown.length} shown) in ${seconds}s\n`,
  );
  if (problems.some((p) => p.fatal)) return 2;
  return options.failOn !== null && reaches(findings, options.failOn) ? 1 : 0;
}

function reaches(findings: readonly Finding[], level: Severity): boolean {
  return findings.some((f) => severityRank(f.severity) >= severityRank(level));
}

function athenaCommand(args: readonly string[], io: Io): number {
  try {
    const { values, positionals } = parseArgs({
      args: [...args],
      allowPositionals: true,
      options: {
        table: { type: 'string' },
        since: { type: 'string' },
        until: { type: 'string' },
        account: { type: 'string', multiple: true },
        region: { type: 'string', multiple: true },
      },
    });
    if (positionals.length > 0)
      throw new UsageError(`athena-sql takes no PATH (got ${positionals.join(' ')})`);
    io.stdout.write(
      athenaSql({
        table: values.table ?? 'cloudtrail_logs',
        sinceMs: timeOption('since', values.since),
        untilMs: timeOption('until', values.until),
        accounts: accountsOption(values.account ?? []),
        regions: values.region ?? [],
      }),
    );
    return 0;
  } catch (error) {
    io.stderr.write(`layerwatch athena-sql: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
}

/** Lists and reads s3:// locations, a few objects at a time; a failure is an unreadable path (exit 2). */
async function scanS3(
  urls: readonly string[],
  filter: EventFilter,
  problems: SourceProblem[],
  readOptions: ReadOptions,
  add: (records: SourceRecord[]) => void,
): Promise<void> {
  const { listLogObjects, parseS3Url, readObject, s3Client } = await import('./s3.js');
  const client = s3Client();
  for (const url of urls) {
    let location: ReturnType<typeof parseS3Url>;
    let keys: string[];
    try {
      location = parseS3Url(url);
      keys = await listLogObjects(client, location, filter);
    } catch (error) {
      problems.push({
        file: url,
        position: null,
        message: `cannot list: ${(error as Error).name}: ${(error as Error).message}`,
        fatal: true,
      });
      continue;
    }
    const { bucket } = location;
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < keys.length; i = next++) {
        const name = `s3://${bucket}/${keys[i]}`;
        try {
          add(
            recordsFromBytes(
              name,
              await readObject(client, bucket, keys[i] as string),
              problems,
              readOptions,
            ),
          );
        } catch (error) {
          problems.push({
            file: name,
            position: null,
            message: `cannot read: ${(error as Error).name}: ${(error as Error).message}`,
            fatal: true,
          });
        }
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
  }
}
