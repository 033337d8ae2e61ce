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
