/**
 * What keeps the security-tool formats (ASFF, OCSF) within their contracts whatever a record says:
 * an attacker writes the CloudTrail record (a layer ARN of any length, a partition `evil`, a region
 * of blanks, a version of 24 digits, a time before CloudTrail existed). Places (partition, region)
 * are kept only when they are real and agree with the finding's own; what is cut is named.
 */
import { partitionOf as partitionOfRegion } from '../arn.js';
import type { Finding } from '../finding.js';

/**
 * The form of a region name in every partition: us-east-1, eu-central-2, cn-north-1, us-gov-west-1,
 * us-isob-east-1, eusc-de-east-1. The CLI checks --region against the same form.
 */
const REGION_FORM = /^(us|eu|ap|sa|ca|me|af|il|mx|cn|eusc)(-(gov|iso|isob|isoe|isof))?-[a-z]+-\d{1,2}$/;

export function isRegionName(value: string | null | undefined): value is string {
  return typeof value === 'string' && value.length <= 16 && REGION_FORM.test(value);
}

/** Where a finding lives: its own partition and region (the region may be unknown: a forged one). */
export interface Place {
  partition: string;
  region: string | null;
}

/**
 * The finding's own place: the region it is rendered for (the importing region, else the event's),
 * when it is a real region of one of `partitions`; its partition. Otherwise the first partition
 * (`aws`) and no region.
 */
export function ownPlace(region: string, partitions: readonly string[]): Place {
  const partition = isRegionName(region) ? partitionOfRegion(region) : null;
  if (partition && partitions.includes(partition)) return { partition, region };
  return { partition: partitions[0] ?? 'aws', region: null };
}

/**
 * The place of a resource named by an ARN from the record: its region when it is a real region of
 * the finding's own partition (a layer from another region of the same partition is real), else
 * the finding's own region. The partition is always the finding's own: no resource of a finding
 * lives in another partition, so a different one is forged.
 */
export function resourcePlace(arnRegion: string | null | undefined, own: Place): Place {
  if (isRegionName(arnRegion) && partitionOfRegion(arnRegion) === own.partition)
    return { partition: own.partition, region: arnRegion };
  return own;
}

/** CloudTrail began on 2013-11-13: no CloudTrail event is older. */
export const EARLIEST_EVENT_MS = Date.UTC(2013, 10, 13);
/** The last instant an ISO 8601 timestamp of four-digit years can name. */
export const LATEST_EVENT_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/**
 * The event's time in milliseconds, brought within [EARLIEST_EVENT_MS, LATEST_EVENT_MS] (a forged
 * time cannot make a negative OCSF `time` or a six-digit ASFF year); `clamped` says it was moved.
 * The event's own text stays in the finding (`event.time`, OCSF `metadata.original_time`).
 */
export function renderTime(f: Finding): { ms: number; clamped: boolean } {
  const ms = Date.parse(f.event.time);
  if (Number.isNaN(ms)) throw new Error(`finding ${f.findingId}: event time "${f.event.time}" is not a date`);
  const bounded = Math.min(Math.max(ms, EARLIEST_EVENT_MS), LATEST_EVENT_MS);
  return { ms: bounded, clamped: bounded !== ms };
}

/** A whole number a JSON reader keeps exactly (a forged `1e+23` version is not one), else null. */
export function exactInteger(digits: string): number | null {
  const n = Number(digits);
  return /^\d+$/.test(digits) && Number.isSafeInteger(n) ? n : null;
}

/** Records the fields a renderer had to cut, so the rendered finding can say which. */
export class Cuts {
  private readonly paths: string[] = [];

  /** `value` at most `max` characters by `clip`; the path is recorded when it was cut. */
  fit(path: string, value: string, max: number, clip: (v: string, m: number) => string): string {
    const out = clip(value, max);
    if (out !== value) this.paths.push(path);
    return out;
  }

  add(path: string): void {
    this.paths.push(path);
  }

  get list(): readonly string[] {
    return this.paths;
  }
}
