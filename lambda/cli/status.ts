/**
 * `layerwatch status`: the operations dashboard's answers in the terminal, from the same metrics
 * and alarms. Is it seeing (each watched region's and member account's heartbeat and latency, the
 * sweep)? Is it telling (findings, suppressions, delivery failures, the queues, the handler, the
 * alarms)? Each part is read alone (lambda/cli/parts.ts): one that cannot be read is named with AWS's
 * error and the others still answer. Exit 1 when a region is blind, a queue holds messages or an
 * alarm fires; else 2 when a part could not be read (unless --allow-partial); else 0.
 */
import type { StackState } from '../adapters/deployment-reader.js';
import type { AlarmState, MetricId, Series, SeriesQuery } from '../adapters/operations-reader.js';
import { UsageError } from './command.js';
import { parseStackOptions } from './option-values.js';

export interface StatusView {
  stack(name: string, region: string): Promise<StackState | null>;
  queueDepth(url: string, region: string): Promise<number>;
  alarms(prefix: string, region: string): Promise<AlarmState[]>;
  metrics(namespace: string, name: string, region: string): Promise<MetricId[]>;
  series(
    region: string,
    queries: readonly SeriesQuery[],
    window: { start: Date; end: Date; periodSeconds: number },
  ): Promise<Series[]>;
}

export interface StatusArgs {
  stack: string;
  region: string;
  hours: number;
  allowPartial: boolean;
}

/** `ok`; `problem` (exit 1: blind, waiting, firing); `unread` (exit 2); `info`. */
export interface StatusLine {
  mark: 'OK' | 'BLIND' | 'WAITING' | 'ALARM' | 'INFO' | 'ERROR' | 'SKIP';
  part: string;
  detail: string;
}

export const STATUS_USAGE = `usage: layerwatch status [--stack NAME] [--region REGION] [--hours N] [--allow-partial]

The operations dashboard in the terminal, with your AWS credentials (read-only): is it seeing
(the heartbeat and detection latency of every watched region and member account, the last sweep)
and is it telling (findings published by detection and severity, suppressed, delivery failures per
sink, the dead-letter and failure queues, the handler's errors and throttles, enrichment failures and
inspection gaps, every alarm of the stack). Each part is read alone; one that cannot be read says
AWS's error and the region, and the others still answer.
  --stack NAME      the detector stack (default LayerWatch)
  --region REGION   its region (default: AWS_REGION, or the profile's)
  --hours N         the window of the counts (default 24, at most 336)
  --allow-partial   exit 0 (not 2) when a part could not be read; it is still reported
Exit: 0 healthy, 1 a region is blind, a queue holds messages or an alarm fires (this wins over 2),
2 a part could not be read or a usage error.`;

export function parseStatusArgs(
  argv: readonly string[],
  env: Record<string, string | undefined>,
): StatusArgs {
  let hours = 24;
  const options = parseStackOptions(argv, env, (a, value) => {
    if (a !== '--hours') return false;
    hours = hoursOption(value());
    return true;
  });
  return { ...options, hours };
}

function hoursOption(text: string): number {
  const n = Number(text);
  // ListMetrics and the 5-minute periods of GetMetricData reach back two weeks.
  if (!/^\d+$/.test(text) || n < 1 || n > 336)
    throw new UsageError(`--hours ${text}: a whole number from 1 to 336`);
  return n;
}

const MINUTE = 60_000;
/** Two hours without a heartbeat: the blind-region alarm's own threshold (lib/constructs/heartbeat.ts). */
const BLIND_AFTER_MINUTES = 120;

/** What the parts read, from the stack's outputs and alarms. */
export interface StatusContext {
  view: StatusView;
  args: StatusArgs;
  stack: StackState;
  alarms: AlarmState[];
  window: { start: Date; end: Date; periodSeconds: number };
  now: Date;
}

const own = (name: string, service = 'layerwatch'): SeriesQuery => ({
  namespace: 'LayerWatch',
  name,
  dimensions: { service },
  stat: 'Sum',
});
const total = (s: Series | undefined) => (s?.points ?? []).reduce((n, p) => n + p.value, 0);
const lastNonZero = (s: Series | undefined) => (s?.points ?? []).filter((p) => p.value > 0).at(-1)?.time;

/** The heartbeat of each watched region or member account and region, as its alarm watches it. */
export async function seeingLines(c: StatusContext): Promise<StatusLine[]> {
  const beats = c.alarms.filter((a) => a.metricName === 'Heartbeat');
  if (beats.length === 0)
    return [{ mark: 'INFO', part: 'heartbeat', detail: 'off in this deployment: blindness is not watched' }];
  const queries = beats.flatMap((b): SeriesQuery[] => [
    { namespace: 'LayerWatch', name: 'Heartbeat', dimensions: b.dimensions, stat: 'Sum' },
    {
      namespace: 'LayerWatch',
      name: 'DetectionLatency',
      dimensions: { service: 'layerwatch', Region: b.dimensions.Region ?? '' },
      stat: 'Maximum',
    },
  ]);
  // The last beat within the window, or within the last BLIND_AFTER_MINUTES if the window is shorter.
  const start = new Date(Math.min(c.window.start.getTime(), c.now.getTime() - BLIND_AFTER_MINUTES * MINUTE));
  const series = await c.view.series(c.args.region, queries, { ...c.window, start, periodSeconds: 300 });
  return beats.map((b, i) => {
    const where = b.dimensions.Account
      ? `${b.dimensions.Account} ${b.dimensions.Region}`
      : `${b.dimensions.Region}`;
    const last = lastNonZero(series[2 * i]);
    const age = last ? Math.round((c.now.getTime() - last.getTime()) / MINUTE) : null;
    const latencies = (series[2 * i + 1]?.points ?? []).map((p) => p.value);
    const latency =
      latencies.length > 0
        ? `latency at most ${Math.round(Math.max(...latencies))} ms`
        : 'no latency measured';
    const seen = age === null ? 'no heartbeat in the window' : `last heartbeat ${age} min ago`;
    const blind = b.state === 'ALARM' || age === null || age > BLIND_AFTER_MINUTES;
    return {
      mark: blind ? 'BLIND' : 'OK',
      part: `heartbeat ${where}`,
      detail: `${seen}, ${latency}; alarm ${b.state}${blind ? ': layerwatch is blind there (layerwatch verify says why)' : ''}`,
    };
  });
}

export async function sweepLine(c: StatusContext): Promise<StatusLine> {
  const names = ['SweepFunctions', 'SweepSeeded', 'SweepDrifted', 'SweepUnreachable'];
  const s = await c.view.series(
    c.args.region,
    names.map((n) => own(n, 'layerwatch-sweep')),
    c.window,
  );
  const last = (s[0]?.points ?? []).at(-1)?.time;
  if (!last)
    return { mark: 'INFO', part: 'sweep', detail: `no run in the last ${c.args.hours} h (it runs daily)` };
  const [functions, seeded, drifted, unreachable] = s.map(total);
  return {
    mark: 'OK',
    part: 'sweep',
    detail: `last run ${Math.round((c.now.getTime() - last.getTime()) / MINUTE)} min ago; in ${c.args.hours} h: ${functions} function(s) seen, ${seeded} seeded, ${drifted} drifted, ${unreachable} unreachable`,
  };
}

/** Sums of an emitted metric over the window, by the values of its dimensions (ListMetrics). */
async function byDimensions(c: StatusContext, name: string, keys: readonly string[]): Promise<string> {
  const found = await c.view.metrics('LayerWatch', name, c.args.region);
  const wanted = found.filter(
    (m) => m.dimensions.service === 'layerwatch' && keys.every((k) => m.dimensions[k] !== undefined),
  );
  const series = await c.view.series(
    c.args.region,
    wanted.map((m) => ({ ...m, stat: 'Sum' })),
    c.window,
  );
  const parts = wanted
    .map((m, i) => [keys.map((k) => m.dimensions[k]).join(' '), total(series[i])] as const)
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1]);
  const sum = parts.reduce((n, [, v]) => n + v, 0);
  return parts.length === 0 ? '0' : `${sum} (${parts.map(([k, v]) => `${k}: ${v}`).join(', ')})`;
}

export async function findingsLine(c: StatusContext): Promise<StatusLine> {
  const [published, suppressed, failures] = await Promise.all([
    byDimensions(c, 'FindingsPublished', ['detectionId', 'severity']),
    byDimensions(c, 'FindingsSuppressed', ['detectionId']),
    byDimensions(c, 'DeliveryFailures', ['sink']),
  ]);
  return {
    mark: 'OK',
    part: 'findings',
    detail: `in ${c.args.hours} h: ${published} published, ${suppressed} suppressed, ${failures} delivery failure(s)`,
  };
}

export async function handlerLine(c: StatusContext): Promise<StatusLine> {
  const fn = c.stack.outputs.HandlerName ?? '';
  const lambda = (name: string): SeriesQuery => ({
    namespace: 'AWS/Lambda',
    name,
    dimensions: { FunctionName: fn },
    stat: 'Sum',
  });
  const names = ['EnrichmentFailures', 'LayerInspectionGaps', 'LayerInspections', 'InspectionCacheHits'];
  const s = (
    await c.view.series(
      c.args.region,
      [lambda('Errors'), lambda('Throttles'), ...names.map((n) => own(n))],
      c.window,
    )
  ).map(total);
  const [errors, throttles, enrichment, gaps, inspections = 0, hits = 0] = s;
  const rate = inspections > 0 ? `${Math.round((100 * hits) / inspections)} %` : 'no inspection';
  return {
    mark: 'OK',
    part: 'handler',
    detail: `in ${c.args.hours} h: ${errors} error(s), ${throttles} throttle(s); ${enrichment} enrichment failure(s), ${gaps} inspection gap(s); cache hit rate ${rate}`,
  };
}

/** Every queue the stack names (outputs `...QueueUrl`): any message waiting is a problem. */
export function queueParts(c: StatusContext): { part: string; run: () => Promise<StatusLine> }[] {
  return Object.entries(c.stack.outputs)
    .filter(([k]) => /QueueUrl$/.test(k))
    .map(([key, url]) => ({
      part: `queue ${key.replace(/Url$/, '')}`,
      run: async (): Promise<StatusLine> => {
        const depth = await c.view.queueDepth(url, c.args.region);
        return depth === 0
          ? { mark: 'OK', part: `queue ${key.replace(/Url$/, '')}`, detail: 'empty' }
          : {
              mark: 'WAITING',
              part: `queue ${key.replace(/Url$/, '')}`,
              detail: `${depth} message(s) waiting: events or alerts not delivered (README: Re-drive)`,
            };
      },
    }));
}

/** Every alarm of the stack that is not OK (the blind-region alarms are on their heartbeat's line). */
export function alarmLines(alarms: readonly AlarmState[]): StatusLine[] {
  const others = alarms.filter((a) => a.metricName !== 'Heartbeat');
  const firing = others.filter((a) => a.state === 'ALARM');
  return [
    ...firing.map((a): StatusLine => ({ mark: 'ALARM', part: `alarm ${a.name}`, detail: a.reason })),
    {
      mark: 'OK',
      part: 'alarms',
      detail: `${alarms.length} alarm(s) of the stack: ${alarms.filter((a) => a.state === 'OK').length} OK, ${alarms.filter((a) => a.state === 'ALARM').length} ALARM, ${alarms.filter((a) => a.state === 'INSUFFICIENT_DATA').length} INSUFFICIENT_DATA`,
    },
  ];
}
