/**
 * `layerwatch revert` as named steps: requests (findings or --function) -> read each function ->
 * plan and guards -> print (and --out) -> with --apply: read again, refuse on any change since the
 * plan, the guards and the cap again on what was just read, the restore file, then the writes.
 */
import { isDeepStrictEqual } from 'node:util';
import { messageOf } from '../adapters/errors.js';
import type { Baseline } from '../domain/baseline.js';
import { changesBetween } from '../domain/revert/changes.js';
import { PLAN_KIND, type PlanFile, parsePlanFile } from '../domain/revert/files.js';
import { capRefusal, guard, refusalOf } from '../domain/revert/guards.js';
import { planFunction } from '../domain/revert/plan.js';
import { planLines } from '../domain/revert/render.js';
import { type RevertRequest, requestOfBaseline, requestOfFunction } from '../domain/revert/request.js';
import { RESTORE_KIND, type RestoreFile } from '../domain/revert/restore.js';
import type { FunctionSnapshot } from '../domain/revert/snapshot.js';
import { type FunctionStep, type Step, stepText } from '../domain/revert/steps.js';
import { type ApplyResult, applySteps, type RevertPort } from '../pipeline/revert-apply.js';
import { EXIT, type Io } from './command.js';
import { type ExposureView, exposureReport } from './exposure-report.js';
import type { RevertArgs } from './revert-args.js';
import { mergeRequests, readRequests } from './revert-input.js';

export interface RevertDeps {
  port: RevertPort;
  /** A function's baseline in the deployment's state table (`--state-table`). */
  baseline?: (table: string, functionArn: string) => Promise<Baseline | null>;
  /** CloudWatch reads for the plan's "did it run?" part; null leaves it out. */
  exposure: ExposureView | null;
  io: Io;
  now: () => Date;
  out: (line: string) => void;
  err: (line: string) => void;
  readText: (path: string) => Promise<string>;
  writeText: (path: string, text: string) => Promise<void>;
}

/** A plan to apply: the function as planned and the steps. */
export interface Planned {
  snapshot: FunctionSnapshot;
  steps: Step[];
  findingId: string | null;
}

async function requestsOf(args: RevertArgs, deps: RevertDeps): Promise<RevertRequest[] | number> {
  if (args.functionArn !== null && args.stateTable !== null) {
    let r: RevertRequest | string;
    try {
      const baseline = deps.baseline ? await deps.baseline(args.stateTable, args.functionArn) : null;
      r = requestOfBaseline(args.functionArn, baseline, args.since as string);
    } catch (error) {
      r = `--state-table ${args.stateTable}: ${messageOf(error)}`;
    }
    if (typeof r === 'string') {
      deps.err(`layerwatch revert: ${r}`);
      return EXIT.incomplete;
    }
    return [r];
  }
  if (args.functionArn !== null) {
    const r = requestOfFunction(args.functionArn, args.layers, args.since);
    if (typeof r === 'string') {
      deps.err(`layerwatch revert: ${r}`);
      return EXIT.incomplete;
    }
    return [r];
  }
  const read = await readRequests(args.findings, deps.io);
  for (const p of read.problems) deps.err(`layerwatch revert: ${p}`);
  if (read.problems.length > 0) return EXIT.incomplete;
  for (const p of read.skipped) deps.err(`layerwatch revert: skipped: ${p}`);
  return mergeRequests(read.requests);
}

/** Reads every function; a function that cannot be read ends the run before anything is changed. */
async function snapshots(arns: readonly string[], deps: RevertDeps): Promise<FunctionSnapshot[] | number> {
  const out: FunctionSnapshot[] = [];
  for (const arn of arns) {
    try {
      out.push(await deps.port.snapshot(arn));
    } catch (error) {
      deps.err(`layerwatch revert: ${messageOf(error)}; nothing was changed`);
      return EXIT.incomplete;
    }
  }
  return out;
}

export async function runPlan(args: RevertArgs, deps: RevertDeps): Promise<number> {
  const requests = await requestsOf(args, deps);
  if (typeof requests === 'number') return requests;
  const read = await snapshots(
    requests.map((r) => r.functionArn),
    deps,
  );
  if (typeof read === 'number') return read;
  const options = { throttle: args.throttle, qualifier: args.qualifier };
  const plans = requests.map((r, i) =>
    guard(planFunction(read[i] as FunctionSnapshot, r, options), { stack: args.stack, force: args.force }),
  );
  deps.out(`layerwatch revert: plan for ${plans.length} function(s), read ${deps.now().toISOString()}`);
  for (const p of plans) {
    for (const line of planLines(p)) deps.out(line);
    if (deps.exposure)
      for (const line of (await exposureReport(p, deps.exposure, deps.now())).lines) deps.out(line);
  }
  const cap = capRefusal(plans, args.maxFunctions);
  if (cap) deps.out(`REFUSED (cap): ${cap}`);
  if (args.out !== null) {
    const file: PlanFile = {
      kind: PLAN_KIND,
      version: 1,
      createdAt: deps.now().toISOString(),
      options,
      functions: plans,
    };
    try {
      await deps.writeText(args.out, `${JSON.stringify(file, null, 2)}\n`);
    } catch (error) {
      deps.err(`layerwatch revert: --out ${args.out}: ${messageOf(error)}; nothing was changed`);
      return EXIT.incomplete;
    }
    deps.out(`layerwatch revert: plan written to ${args.out} (apply it with --plan ${args.out} --apply)`);
  }
  if (!args.apply) {
    const n = plans.reduce((sum, p) => sum + p.steps.length, 0);
    deps.out(`layerwatch revert: ${n} change(s) planned; nothing was changed (--apply carries the plan out)`);
    return EXIT.ok;
  }
  return applyPlanned(
    plans.map((p) => ({ snapshot: p.snapshot, steps: p.steps, findingId: p.request.findingId })),
    args,
    deps,
  );
}

export async function runPlanFile(args: RevertArgs, deps: RevertDeps): Promise<number> {
  let parsed: ReturnType<typeof parsePlanFile>;
  try {
    parsed = parsePlanFile(JSON.parse(await deps.readText(args.plan as string)));
  } catch (error) {
    deps.err(`layerwatch revert: --plan ${args.plan}: ${messageOf(error)}`);
    return EXIT.incomplete;
  }
  if (typeof parsed === 'string') {
    deps.err(`layerwatch revert: --plan ${args.plan}: ${parsed}`);
    return EXIT.incomplete;
  }
  // A plan is applied only as the plan of its own snapshot and layers: an edited step is refused.
  const { options } = parsed;
  const edited = parsed.plans.filter(
    (p) => !isDeepStrictEqual(planFunction(p.snapshot, p.request, options).steps, p.steps),
  );
  if (edited.length > 0) {
    for (const p of edited)
      deps.out(
        `REFUSED: ${p.snapshot.arn}: the steps in ${args.plan} are not the plan of its own snapshot and layers (edited?); make a new plan`,
      );
    deps.out('layerwatch revert: refused; nothing was changed');
    return EXIT.failOn;
  }
  return applyPlanned(
    parsed.plans.map((p) => ({ snapshot: p.snapshot, steps: p.steps, findingId: p.request.findingId })),
    args,
    deps,
  );
}

/** Why the run may not go on, per function, judged on what was read just now; [] when it may. */
function refusals(planned: readonly Planned[], now: readonly FunctionSnapshot[], args: RevertArgs): string[] {
  const out: string[] = [];
  planned.forEach((p, i) => {
    const current = now[i] as FunctionSnapshot;
    const changed = changesBetween(p.snapshot, current);
    if (changed.length > 0)
      out.push(`${current.arn} changed since the plan: ${changed.join('; ')}. Make a new plan.`);
    const refusal = refusalOf(current, { stack: args.stack, force: args.force });
    if (refusal && p.steps.length > 0) out.push(`${current.arn}: ${refusal.reason}`);
  });
  const changing = planned.filter((p) => p.steps.length > 0).length;
  if (changing > args.maxFunctions)
    out.push(`this run would change ${changing} functions, more than --max-functions ${args.maxFunctions}`);
  return out;
}

export async function applyPlanned(
  planned: readonly Planned[],
  args: RevertArgs,
  deps: RevertDeps,
): Promise<number> {
  const now = await snapshots(
    planned.map((p) => p.snapshot.arn),
    deps,
  );
  if (typeof now === 'number') return now;
  const refused = refusals(planned, now, args);
  if (refused.length > 0) {
    for (const r of refused) deps.out(`REFUSED: ${r}`);
    deps.out('layerwatch revert: refused; nothing was changed');
    return EXIT.failOn;
  }
  const steps: FunctionStep[] = planned.flatMap((p) =>
    p.steps.map((step) => ({ functionArn: p.snapshot.arn, step })),
  );
  if (steps.length === 0) {
    deps.out('layerwatch revert: nothing to change');
    return EXIT.ok;
  }
  const path =
    args.restoreFile ?? `layerwatch-restore-${deps.now().toISOString().replace(/[:.]/g, '-')}.json`;
  const restore: RestoreFile = {
    kind: RESTORE_KIND,
    version: 1,
    writtenAt: deps.now().toISOString(),
    findingIds: planned.map((p) => p.findingId).filter((x): x is string => x !== null),
    functions: planned
      .filter((p) => p.steps.length > 0)
      .map((p) => ({ functionArn: p.snapshot.arn, applied: p.steps })),
  };
  try {
    await deps.writeText(path, `${JSON.stringify(restore, null, 2)}\n`);
  } catch (error) {
    deps.err(
      `layerwatch revert: the restore file ${path} could not be written (${messageOf(error)}); nothing was changed`,
    );
    return EXIT.incomplete;
  }
  deps.out(
    `layerwatch revert: previous state written to ${path} (layerwatch revert --restore ${path} puts it back)`,
  );
  return report(await applySteps(deps.port, steps), deps, 'revert');
}

/** What an apply did, step by step; exit 0 when every step was made, else 2. */
export function report(r: ApplyResult, deps: RevertDeps, what: string): number {
  const line = (s: FunctionStep) => `${s.functionArn}: ${stepText(s.step)}`;
  for (const s of r.done) deps.out(`DONE    ${line(s)}`);
  if (!r.failed) {
    deps.out(`layerwatch ${what}: ${r.done.length} change(s) made`);
    return EXIT.ok;
  }
  deps.out(`FAILED  ${line(r.failed.step)}: ${r.failed.error}`);
  for (const s of r.undone) deps.out(`UNDONE  ${line(s)}`);
  for (const s of r.stuck) deps.out(`STUCK   ${line(s.step)}: the undo failed: ${s.error}`);
  deps.out(
    r.stuck.length === 0
      ? `layerwatch ${what}: failed; every change made before the failure was undone`
      : `layerwatch ${what}: failed; ${r.stuck.length} change(s) could not be undone (listed as STUCK)`,
  );
  return EXIT.incomplete;
}
