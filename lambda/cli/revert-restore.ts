/**
 * `layerwatch revert --restore FILE`: reads each function of the restore file, refuses (naming it)
 * when anything the revert set has changed since (unless --force), never touches layerwatch's own
 * functions, then puts the previous state back with the same guarded, all-or-nothing writes.
 */

import { messageOf } from '../adapters/errors.js';
import { parseRestoreFile } from '../domain/revert/files.js';
import { isOwnFunction } from '../domain/revert/guards.js';
import { restorePlan } from '../domain/revert/restore.js';
import type { FunctionStep } from '../domain/revert/steps.js';
import { applySteps } from '../pipeline/revert-apply.js';
import { EXIT } from './command.js';
import type { RevertArgs } from './revert-args.js';
import { type RevertDeps, report } from './revert-run.js';

export async function runRestore(args: RevertArgs, deps: RevertDeps): Promise<number> {
  const path = args.restore as string;
  let file: ReturnType<typeof parseRestoreFile>;
  try {
    file = parseRestoreFile(JSON.parse(await deps.readText(path)));
  } catch (error) {
    deps.err(`layerwatch revert: --restore ${path}: ${messageOf(error)}`);
    return EXIT.incomplete;
  }
  if (typeof file === 'string') {
    deps.err(`layerwatch revert: --restore ${path}: ${file}`);
    return EXIT.incomplete;
  }
  const steps: FunctionStep[] = [];
  const refused: string[] = [];
  for (const entry of file.functions) {
    let now: Awaited<ReturnType<RevertDeps['port']['snapshot']>>;
    try {
      now = await deps.port.snapshot(entry.functionArn);
    } catch (error) {
      deps.err(`layerwatch revert: ${messageOf(error)}; nothing was changed`);
      return EXIT.incomplete;
    }
    if (isOwnFunction(now, args.stack)) {
      refused.push(`${now.arn} is layerwatch's own function: a restore never changes it`);
      continue;
    }
    const plan = restorePlan(entry, now);
    if (plan.changed.length > 0 && !args.force)
      refused.push(
        `${now.arn} changed since the revert: ${plan.changed.join('; ')} (--force restores over it)`,
      );
    steps.push(...plan.steps.map((step) => ({ functionArn: now.arn, step })));
  }
  if (refused.length > 0) {
    for (const r of refused) deps.out(`REFUSED: ${r}`);
    deps.out('layerwatch revert --restore: refused; nothing was changed');
    return EXIT.failOn;
  }
  deps.out(
    `layerwatch revert --restore: putting back the state of ${file.writtenAt} (${file.functions.length} function(s))`,
  );
  return report(await applySteps(deps.port, steps), deps, 'revert --restore');
}
