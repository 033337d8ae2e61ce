/**
 * Scan filters. Account, region and --until drop events before detection (a function's baseline
 * only depends on its own account and region). --since only hides findings: earlier events still
 * build the baseline, so the first event after --since is diffed against what came before it.
 */
import type { Finding } from '../domain/finding.js';
import type { LambdaEvent } from '../domain/model.js';

export interface EventFilter {
  sinceMs: number | null;
  untilMs: number | null;
  accounts: string[];
  regions: string[];
}

export function keepEvent(event: LambdaEvent, f: EventFilter): boolean {
  const { meta } = event;
  if (f.untilMs !== null && meta.timeMs > f.untilMs) return false;
  if (f.accounts.length > 0 && !f.accounts.includes(meta.account)) return false;
  if (f.regions.length > 0 && !f.regions.includes(meta.region)) return false;
  return true;
}

export function keepFinding(finding: Finding, f: EventFilter): boolean {
  return f.sinceMs === null || Date.parse(finding.event.time) >= f.sinceMs;
}
