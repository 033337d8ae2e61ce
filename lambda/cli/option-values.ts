/** Checks shared by the commands' options; each throws a UsageError that names the option. */
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

/**
 * The form of a region name in every AWS partition: an area, a direction (with the partition's
 * marker in aws-us-gov, aws-iso...), a number: us-east-1, eu-central-2, cn-north-1, us-gov-west-1,
 * us-isob-east-1, eusc-de-east-1. Checked before any call, so that a typo is a usage error and not
 * a DNS failure in a region that does not exist.
 */
const REGION_FORM = /^(us|eu|ap|sa|ca|me|af|il|mx|cn|eusc)(-(gov|iso|isob|isoe|isof))?-[a-z]+-\d{1,2}$/;
export const REGION_EXAMPLES = 'us-east-1, eu-west-3, ap-southeast-2, cn-north-1, us-gov-west-1';

export function isRegionName(value: string): boolean {
  return REGION_FORM.test(value);
}

/** Each value must have a region's form; `what` names where it came from (an option, AWS_REGION). */
export function regionOption(what: string, values: readonly string[]): string[] {
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
