/**
 * The "did it run?" part of a plan and of `layerwatch exposure`: Lambda's metrics per qualifier
 * that runs the layers, since the attach (domain/revert/exposure.ts), and the credentials the code
 * could reach (the execution role). A read that fails is said with AWS's error, never as "0".
 */

import { messageOf } from '../adapters/errors.js';
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

/** CloudWatch GetMetricData (OperationsReader.series, or a fake in tests). */
export interface ExposureView {
  series(
    region: string,
    queries: readonly { namespace: string; name: string; dimensions: Record<string, string>; stat: string }[],
    window: { start: Date; end: Date; periodSeconds: number },
  ): Promise<{ points: { time: Date; value: number }[] }[]>;
  /** The execution role's policies by name (IamRoleReader); absent: the commands that list them are given. */
  rolePolicies?(roleArn: string, region: string): Promise<{ attached: string[]; inline: string[] }>;
}

const listed = (names: readonly string[]) => (names.length === 0 ? 'none' : names.join(', '));

/** The credentials a layer's code could use: the execution role, with its policies' names. */
async function roleLine(s: FunctionSnapshot, view: ExposureView): Promise<string> {
  const head = '  credentials it could reach: the execution role';
  if (s.role === null) return `${head} is unknown`;
  const name = s.role.split('/').at(-1);
  if (!view.rolePolicies)
    return `${head} ${s.role} (its policies: aws iam list-attached-role-policies --role-name ${name}; aws iam list-role-policies --role-name ${name})`;
  try {
    const p = await view.rolePolicies(s.role, s.region);
    const attached = p.attached.map(
      (arn) => `${arn.split('/').at(-1)}${arn.includes(':iam::aws:policy/') ? ' (AWS managed)' : ''}`,
    );
    return `${head} ${s.role}: attached policies ${listed(attached)}; inline policies ${listed(p.inline)}`;
  } catch (error) {
    return `${head} ${s.role}; its policies could not be read: ${messageOf(error)}`;
  }
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
  const role = await roleLine(s, view);
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
