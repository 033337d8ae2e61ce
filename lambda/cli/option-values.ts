/** Checks shared by the commands' options; each throws a UsageError that names the option. */
import { isRegionName } from '../domain/render/limits.js';
import { isSeverity, SEVERITIES, type Severity } from '../domain/severity.js';
import { UsageError } from './command.js';

export function timeOption(name: string, value: string | undefined): number | null {
  if (value === undefined) return null;
  const ms = Date.parse(value);
  if (Number.isNaN(ms))
    throw new UsageError(
      `--${name}: "${value}" is not an ISO 8601 time (e.g. 2026-03-14 or 2026-03-14T09:00:00Z)`,
    );
  return ms;
}

export function integerOption(
  name: string,
  value: string | undefined,
  min: number,
  max: number,
): number | null {
  if (value === undefined) return null;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new UsageError(`--${name}: "${value}" is not a whole number from ${min} to ${max}`);
  return n;
}

export function accountsOption(values: string[]): string[] {
  for (const v of values)
    if (!/^\d{12}$/.test(v)) throw new UsageError(`--account: "${v}" is not a 12-digit account id`);
  return values;
}

export function severityOption(name: string, value: string | undefined): Severity | null {
  if (value === undefined) return null;
  if (!isSeverity(value))
    throw new UsageError(`--${name}: "${value}" is not one of ${SEVERITIES.join(', ')}`);
  return value;
}

export const REGION_EXAMPLES = 'us-east-1, eu-west-3, ap-southeast-2, cn-north-1, us-gov-west-1';

/** Each value must have a region's form; `what` names where it came from (an option, AWS_REGION). */
export function regionOption(what: string, values: readonly string[]): string[] {
  // The form of a region in every partition (the renderers keep a resource's region by the same
  // test): a typo is a usage error, never a DNS failure in a region that does not exist.
  for (const v of values)
    if (!isRegionName(v))
      throw new UsageError(
        `${what}: "${v}" is not an AWS region name (AREA-DIRECTION-NUMBER, e.g. ${REGION_EXAMPLES})`,
      );
  return [...values];
}

/** --since must not be after --until. */
export function windowOption(sinceMs: number | null, untilMs: number | null): void {
  if (sinceMs !== null && untilMs !== null && sinceMs > untilMs)
    throw new UsageError(
      `--since (${new Date(sinceMs).toISOString()}) is after --until (${new Date(untilMs).toISOString()}): give the earlier time to --since`,
    );
}

/** A table the athena-sql query can name: `table` or `database.table` (letters, digits, underscores). */
export function tableOption(value: string): string {
  if (!/^[A-Za-z0-9_]{1,255}(\.[A-Za-z0-9_]{1,255})?$/.test(value))
    throw new UsageError(
      `--table: "${value}" is not a table name (DATABASE.TABLE or TABLE: letters, digits and underscores, e.g. security.cloudtrail_logs)`,
    );
  return value;
}

/** An S3 location for query results: s3://BUCKET/ or s3://BUCKET/PREFIX/, the bucket named as S3 allows. */
export function s3LocationOption(name: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const bucket = value.startsWith('s3://') ? (value.slice(5).split('/')[0] ?? '') : '';
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket) || bucket.includes('..') || /\s/.test(value))
    throw new UsageError(
      `--${name}: "${value}" is not an S3 location (s3://BUCKET/ or s3://BUCKET/PREFIX/, a bucket of 3 to 63 lower-case letters, digits, dots and hyphens)`,
    );
  return value;
}

/** CloudTrail's Event history keeps 90 days of management events. */
export const EVENT_HISTORY_DAYS = 90;

/** A window the Event history can answer: it must end within the last 90 days, and not start before them. */
export function eventHistoryWindow(sinceMs: number | null, untilMs: number | null, nowMs: number): void {
  const oldest = nowMs - EVENT_HISTORY_DAYS * 86_400_000;
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  if (sinceMs !== null && sinceMs < oldest)
    throw new UsageError(
      `--since: ${day(sinceMs)} is more than ${EVENT_HISTORY_DAYS} days ago; CloudTrail's Event history keeps ${EVENT_HISTORY_DAYS} days (from ${day(oldest)}): give a later --since, or hunt older history with --athena`,
    );
  if (untilMs !== null && untilMs < oldest)
    throw new UsageError(
      `--until: ${day(untilMs)} is more than ${EVENT_HISTORY_DAYS} days ago; the Event history has nothing that old: use --athena`,
    );
}

/** The options every command on a deployed stack takes: which stack, where, and whether a part may stay unread. */
export interface StackOptions {
  stack: string;
  region: string;
  allowPartial: boolean;
}

/**
 * Reads `--stack NAME`, `--region REGION` and `--allow-partial`, and hands any other argument to
 * `other` (with a reader of its value), which returns false for an argument it does not know. The
 * region defaults to the environment's; both are checked before any AWS call.
 */
export function parseStackOptions(
  argv: readonly string[],
  env: Record<string, string | undefined>,
  other: (argument: string, value: () => string) => boolean,
): StackOptions {
  const args: StackOptions = {
    stack: 'LayerWatch',
    region: env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? '',
    allowPartial: false,
  };
  for (let i = 0; i < argv.length; i += 1) {
    const a = argv[i] as string;
    const value = () => {
      const v = argv[i + 1];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`${a} needs a value`);
      i += 1;
      return v;
    };
    if (a === '--stack') args.stack = value();
    else if (a === '--region') args.region = value();
    else if (a === '--allow-partial') args.allowPartial = true;
    else if (!other(a, value)) throw new UsageError(`unknown argument ${a}`);
  }
  if (args.region === '') throw new UsageError('name the region: --region REGION (or set AWS_REGION)');
  regionOption(argv.includes('--region') ? '--region' : 'AWS_REGION', [args.region]);
  if (!/^[A-Za-z][A-Za-z0-9-]{0,127}$/.test(args.stack))
    throw new UsageError(`"${args.stack}" is not a stack name`);
  return args;
}
