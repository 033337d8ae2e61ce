/**
 * The restore file: written before the first change of an `--apply`, it holds every step the run
 * makes (each step's `from` is the state before). `revert --restore FILE` puts each back, last first,
 * when the function is still as the revert left it; a change made since is named and refused (unless
 * `--force`), because putting back an old state over a newer one is a change of its own.
 */
import { type FunctionSnapshot, routingText, sameRouting } from './snapshot.js';
import type { Step } from './steps.js';

export const RESTORE_KIND = 'layerwatch-revert-restore';

export interface RestoreEntry {
  functionArn: string;
  /** The revert's steps, in the order applied. */
  applied: Step[];
}

export interface RestoreFile {
  kind: typeof RESTORE_KIND;
  version: 1;
  writtenAt: string;
  findingIds: string[];
  functions: RestoreEntry[];
}

const list = (layers: readonly string[]) => (layers.length === 0 ? '(no layers)' : layers.join(', '));
const same = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((x, i) => x === b[i]);

/** Whether the function still holds what `step` set; the difference in words when not. */
function drifted(step: Step, now: FunctionSnapshot): string | null {
  switch (step.kind) {
    case 'set-layers':
      return same(now.layers, step.to)
        ? null
        : `$LATEST's layers are ${list(now.layers)}, not what the revert set (${list(step.to)})`;
    case 'set-routing': {
      const alias = now.aliases.find((a) => a.name === step.alias);
      if (!alias) return `alias ${step.alias} no longer exists`;
      return sameRouting(alias, step.to)
        ? null
        : `alias ${step.alias} routes to ${routingText(alias)}, not what the revert set (${routingText(step.to)})`;
    }
    case 'set-concurrency':
      return now.reservedConcurrency === step.to
        ? null
        : `reserved concurrency is ${now.reservedConcurrency ?? 'none'}, not what the revert set (${step.to ?? 'none'})`;
  }
}

/** The step that puts back `step.from` over the state read now, guarded by the revision read now. */
function back(step: Step, now: FunctionSnapshot): Step | null {
  switch (step.kind) {
    case 'set-layers':
      return { kind: 'set-layers', from: [...now.layers], to: step.from, revisionId: now.revisionId };
    case 'set-routing': {
      const alias = now.aliases.find((a) => a.name === step.alias);
      if (!alias) return null;
      const from = { version: alias.version, weights: { ...alias.weights } };
      return { kind: 'set-routing', alias: step.alias, from, to: step.from, revisionId: alias.revisionId };
    }
    case 'set-concurrency':
      return { kind: 'set-concurrency', from: now.reservedConcurrency, to: step.from };
  }
}

export interface RestorePlan {
  steps: Step[];
  /** What changed since the revert (the restore refuses unless forced). */
  changed: string[];
}

export function restorePlan(entry: RestoreEntry, now: FunctionSnapshot): RestorePlan {
  const changed: string[] = [];
  const steps: Step[] = [];
  for (const step of [...entry.applied].reverse()) {
    const why = drifted(step, now);
    if (why) changed.push(why);
    const undo = back(step, now);
    if (undo) steps.push(undo);
  }
  return { steps, changed };
}
