/**
 * The parts of a multi-part command (verify's checks, a hunt's regions and event names, a scan's
 * files and rows) and how each ended: one table of outcomes for every command. A part that throws
 * is isolated: it is reported with the AWS error's name and where it happened, and the others go
 * on. The exit code follows one rule for all (see `command.ts`).
 */
import { awsErrorName, messageOf } from '../adapters/errors.js';
import { EXIT } from './command.js';

/**
 * `done`: read completely (a check that passed or failed counts here: its answer was read);
 * `failed`: could not be read, with the AWS error; `skipped`: not tried, and why.
 */
export type PartStatus = 'done' | 'failed' | 'skipped';

export interface PartOutcome {
  /** What the part is: `rule NAME`, `cloudtrail event history eu-west-1`, `row 7`. */
  part: string;
  status: PartStatus;
  /** For a failed part: AWS's error name (`ResourceNotFoundException`, `AccessDeniedException`). */
  error?: string;
  /** Where: a region, a row and column, an event name. */
  where?: string;
  detail: string;
}

/** The names AWS services give a resource that is not there (deleted, or never made). */
export function isNotFound(errorName: string): boolean {
  return /NotFound|NonExistent|DoesNotExist|NoSuch/.test(errorName);
}

export function failedPart(part: string, error: unknown, where?: string): PartOutcome {
  const name = awsErrorName(error);
  return {
    part,
    status: 'failed',
    error: name,
    ...(where ? { where } : {}),
    detail: `${name}: ${messageOf(error)}`,
  };
}

/** Runs one part; what it throws becomes its failed outcome instead of ending the command. */
export async function isolate<T>(
  part: string,
  run: () => Promise<T>,
  where?: string,
): Promise<{ ok: true; value: T } | { ok: false; outcome: PartOutcome }> {
  try {
    return { ok: true, value: await run() };
  } catch (error) {
    return { ok: false, outcome: failedPart(part, error, where) };
  }
}

/** The same for a part that is read synchronously (a row, a column). */
export function isolateSync<T>(
  part: string,
  run: () => T,
  where?: string,
): { ok: true; value: T } | { ok: false; outcome: PartOutcome } {
  try {
    return { ok: true, value: run() };
  } catch (error) {
    return { ok: false, outcome: failedPart(part, error, where) };
  }
}

/** How many parts ended each way: every kind is counted, none is left out of the summary. */
export function countParts(outcomes: readonly PartOutcome[]): Record<PartStatus, number> {
  const counts: Record<PartStatus, number> = { done: 0, failed: 0, skipped: 0 };
  for (const o of outcomes) counts[o.status] += 1;
  return counts;
}

/**
 * The parts in one line for people: `66 lookups: 34 done, 2 failed (UnrecognizedClientException: 2),
 * 30 skipped`. Every kind is named, even at 0.
 */
export function partsLine(what: string, outcomes: readonly PartOutcome[]): string {
  const n = countParts(outcomes);
  const errors = new Map<string, number>();
  for (const o of outcomes)
    if (o.status === 'failed') errors.set(o.error ?? 'Error', (errors.get(o.error ?? 'Error') ?? 0) + 1);
  const why = [...errors].map(([name, count]) => `${name}: ${count}`).join(', ');
  return `${outcomes.length} ${what}: ${n.done} done, ${n.failed} failed${why ? ` (${why})` : ''}, ${n.skipped} skipped`;
}

export interface ExitInputs {
  /** A finding reached --fail-on, or (verify) a check failed. */
  failOnReached: boolean;
  /** A part was not read completely. */
  incomplete: boolean;
  allowPartial: boolean;
}

/** 1 when --fail-on is reached (it wins); else 2 when a part was not read completely (unless allowed); else 0. */
export function exitFor(x: ExitInputs): number {
  if (x.failOnReached) return EXIT.failOn;
  if (x.incomplete && !x.allowPartial) return EXIT.incomplete;
  return EXIT.ok;
}
