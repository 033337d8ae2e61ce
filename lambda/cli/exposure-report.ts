/**
 * The "did it run?" part of a plan and of `layerwatch exposure`: Lambda's metrics per qualifier
 * that runs the layers, since the attach (domain/revert/exposure.ts), and the credentials the code
 * could reach (the execution role). A read that fails is said with AWS's error, never as "0".
 */
import {
  type Exposure,
  exposureLine,
  exposureOf,
  exposureQueries,
  exposureTargets,
  exposureWindow,
} from '../domain/revert/exposure.js';
import type { Running } from '../domain/revert/plan.js';
import type { RevertRequest } from '../domain/revert/request.js';
import type { FunctionSnapshot } from '../domain/revert/snapshot.js';
import { messageOf } from './parts.js';

/** CloudWatch GetMetricData (OperationsReader.series, or a fake in tests). */
export interface ExposureView {
  series(
    region: string,
    queries: readonly { namespace: string; name: string; dimensions: Record<string, string>; stat: string }[],
    window: { start: Date; end: Date; periodSeconds: number },
  ): Promise<{ points: { time: Date; value: number }[] }[]>;
}

export interface ExposureReport {
  lines: string[];
  exposures: Exposure[];
  /** The metrics could not be read (the lines say why). */
  failed: boolean;
}

export async function exposureReport(
  p: { snapshot: FunctionSnapshot; running: readonly Running[]; request: RevertRequest },
  view: ExposureView,
  now: Date,
): Promise<ExposureReport> {
  const s = p.snapshot;
  const window = exposureWindow(p.request.since, now);
  const since = window.sinceKnown
    ? `since the attach (${p.request.since}; counted from the period that holds it)`
    : `in the last 14 days (the attach time is unknown: --since TIME)`;
  const lines = [`  did it run? Lambda's metrics ${since}, ${window.periodSeconds} s periods:`];
  const role = `  credentials it could reach: the execution role ${s.role ?? '(unknown)'}${s.role ? ` (its policies: aws iam list-attached-role-policies --role-name ${s.role.split('/').at(-1)}; aws iam list-role-policies --role-name ${s.role.split('/').at(-1)})` : ''}`;
  const targets = exposureTargets(s, p.running);
  try {
    const series = await view.series(s.region, exposureQueries(targets), window);
    const exposures = exposureOf(
      targets,
      series.map((x) => x.points),
    );
    lines.push(...exposures.map((e) => `    ${exposureLine(e, window.periodSeconds)}`), role);
    return { lines, exposures, failed: false };
  } catch (error) {
    lines.push(
      `    could not be read in ${s.region}: ${messageOf(error)}: whether the code ran is unknown`,
      role,
    );
    return { lines, exposures: [], failed: true };
  }
}
