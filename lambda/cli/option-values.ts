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
