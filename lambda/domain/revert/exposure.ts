/**
 * Did the layer's code run? Per qualifier that runs it, Lambda's own metrics since the attach
 * (namespace AWS/Lambda): invocations, errors and duration, by the dimensions Lambda emits them
 * with. An alias's share that ran a version is `Resource` NAME:ALIAS with `ExecutedVersion`; a
 * version called by its number is `Resource` NAME:VERSION; `$LATEST` called without a qualifier is
 * `Resource` NAME, and called by name `Resource` NAME:$LATEST (both are counted). Pure: the queries
 * to send and what the answers say.
 */
import type { Running } from './plan.js';
import type { FunctionSnapshot } from './snapshot.js';

export interface ExposureQuery {
  namespace: 'AWS/Lambda';
  name: 'Invocations' | 'Errors' | 'Duration';
  stat: 'Sum' | 'Maximum';
  dimensions: Record<string, string>;
}

export interface ExposureTarget {
  /** `$LATEST`, `alias prod (version 8)`, `version 8`. */
  label: string;
  /** False for `$LATEST` when it no longer runs the layers (it is still counted: it ran them since the attach). */
  runsNow: boolean;
  /** Every dimension set whose counts add up to this qualifier's. */
  dimensionSets: Record<string, string>[];
}

export interface ExposureWindow {
  start: Date;
  end: Date;
  periodSeconds: number;
  /** False when the attach time is unknown and the window is the default one. */
  sinceKnown: boolean;
}

/** When no attach time is known: CloudWatch keeps 5-minute data 63 days; two weeks is asked. */
export const DEFAULT_WINDOW_DAYS = 14;
const DAY = 86_400_000;

/**
 * Periods CloudWatch still holds for a window that starts so long ago (1-minute data for 15 days,
 * 5-minute for 63, hourly for 455), at most a few thousand points per series.
 */
export function exposureWindow(since: string | null, now: Date): ExposureWindow {
  const known = since !== null && !Number.isNaN(Date.parse(since));
  const start = new Date(known ? Date.parse(since) : now.getTime() - DEFAULT_WINDOW_DAYS * DAY);
  const age = now.getTime() - start.getTime();
  const periodSeconds = age <= DAY ? 60 : age <= 15 * DAY ? 300 : 3600;
  // A period starts on its boundary: the first one holds the attach.
  const aligned = new Date(Math.floor(start.getTime() / (periodSeconds * 1000)) * periodSeconds * 1000);
  return { start: aligned, end: now, periodSeconds, sinceKnown: known };
}

export function exposureTargets(s: FunctionSnapshot, running: readonly Running[]): ExposureTarget[] {
  const fn = { FunctionName: s.name };
  const latestRuns = running.some((r) => r.qualifier === '$LATEST');
  const out: ExposureTarget[] = [
    {
      label: '$LATEST',
      runsNow: latestRuns,
      dimensionSets: [
        { ...fn, Resource: s.name },
        { ...fn, Resource: `${s.name}:$LATEST` },
      ],
    },
  ];
  for (const r of running) {
    if (r.qualifier === '$LATEST' || r.version === null) continue;
    if (r.qualifier === r.version)
      out.push({
        label: `version ${r.version}`,
        runsNow: true,
        dimensionSets: [{ ...fn, Resource: `${s.name}:${r.version}` }],
      });
    else
      out.push({
        label: `alias ${r.qualifier} (version ${r.version})`,
        runsNow: true,
        dimensionSets: [{ ...fn, Resource: `${s.name}:${r.qualifier}`, ExecutedVersion: r.version }],
      });
  }
  return out;
}

const STATS: readonly Pick<ExposureQuery, 'name' | 'stat'>[] = [
  { name: 'Invocations', stat: 'Sum' },
  { name: 'Errors', stat: 'Sum' },
  { name: 'Duration', stat: 'Sum' },
  { name: 'Duration', stat: 'Maximum' },
];

/** Per target, per dimension set, the four series; in that order (read back by `exposureOf`). */
export function exposureQueries(targets: readonly ExposureTarget[]): ExposureQuery[] {
  return targets.flatMap((t) =>
    t.dimensionSets.flatMap((dimensions) =>
      STATS.map((s) => ({ namespace: 'AWS/Lambda' as const, ...s, dimensions })),
    ),
  );
}

export interface Point {
  time: Date;
  value: number;
}

export interface Exposure {
  label: string;
  runsNow: boolean;
  invocations: number;
  errors: number;
  /** Milliseconds; null without an invocation. */
  averageMs: number | null;
  maxMs: number | null;
  first: Date | null;
  last: Date | null;
}

/** The answers of `exposureQueries`, in its order, added up per target. */
export function exposureOf(targets: readonly ExposureTarget[], series: readonly Point[][]): Exposure[] {
  let i = 0;
  return targets.map((t) => {
    const e: Exposure = {
      label: t.label,
      runsNow: t.runsNow,
      invocations: 0,
      errors: 0,
      averageMs: null,
      maxMs: null,
      first: null,
      last: null,
    };
    let durationSum = 0;
    for (const _ of t.dimensionSets) {
      const [invocations = [], errors = [], duration = [], max = []] = series.slice(i, i + STATS.length);
      i += STATS.length;
      for (const p of invocations.filter((x) => x.value > 0)) {
        e.invocations += p.value;
        if (e.first === null || p.time < e.first) e.first = p.time;
        if (e.last === null || p.time > e.last) e.last = p.time;
      }
      e.errors += errors.reduce((n, p) => n + p.value, 0);
      durationSum += duration.reduce((n, p) => n + p.value, 0);
      for (const p of max) e.maxMs = Math.max(e.maxMs ?? 0, p.value);
    }
    if (e.invocations > 0) e.averageMs = Math.round(durationSum / e.invocations);
    else e.maxMs = null;
    return e;
  });
}

/** `2026-03-14T09:10:00Z and 09:15:00Z`: the period a point stands for. */
function between(start: Date, periodSeconds: number): string {
  const end = new Date(start.getTime() + periodSeconds * 1000);
  return `${start.toISOString().replace('.000Z', 'Z')} and ${end.toISOString().slice(11, 19)}Z`;
}

export function exposureLine(e: Exposure, periodSeconds: number): string {
  const where = e.runsNow ? e.label : `${e.label} (no longer runs them; counted since the attach)`;
  if (e.invocations === 0 || e.first === null || e.last === null)
    return `${where}: 0 invocations: the layer's code did not run there`;
  return `${where}: ${e.invocations} invocation(s), ${e.errors} error(s), duration average ${e.averageMs} ms, maximum ${Math.round(e.maxMs ?? 0)} ms; the first between ${between(e.first, periodSeconds)}, the last between ${between(e.last, periodSeconds)}`;
}
