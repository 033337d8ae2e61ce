/**
 * Carries out a revert's (or a restore's) steps, one at a time, each write guarded by the
 * `RevisionId` it was planned from. Nothing is left half-done: when a write fails, every write
 * before it is undone, last first, each undo guarded by the revision its own write produced; what
 * could not be undone is said, and the restore file (written before the first write) still holds it.
 */
import { isDeepStrictEqual } from 'node:util';
import { awsErrorName, messageOf } from '../adapters/errors.js';
import { type FunctionSnapshot, type Routing, sameRouting } from '../domain/revert/snapshot.js';
import { type FunctionStep, inverseOf, type Step } from '../domain/revert/steps.js';

/** The reads and writes a revert needs (LambdaFunctionEditor, or a fake in tests). */
export interface RevertPort {
  snapshot(arn: string): Promise<FunctionSnapshot>;
  setLayers(arn: string, layers: readonly string[], revisionId: string | null): Promise<string | null>;
  setRouting(arn: string, alias: string, to: Routing, revisionId: string | null): Promise<string | null>;
  setConcurrency(arn: string, n: number | null): Promise<void>;
}

function send(port: RevertPort, arn: string, step: Step): Promise<string | null> {
  switch (step.kind) {
    case 'set-layers':
      return port.setLayers(arn, step.to, step.revisionId);
    case 'set-routing':
      return port.setRouting(arn, step.alias, step.to, step.revisionId);
    case 'set-concurrency':
      return port.setConcurrency(arn, step.to).then(() => null);
  }
}

/** The revision of what `step` writes, when the function already holds its target; else null. */
async function reached(
  port: RevertPort,
  arn: string,
  step: Step,
): Promise<{ revision: string | null } | null> {
  const now = await port.snapshot(arn);
  if (step.kind === 'set-layers')
    return isDeepStrictEqual(now.layers, step.to) ? { revision: now.revisionId } : null;
  if (step.kind === 'set-routing') {
    const alias = now.aliases.find((a) => a.name === step.alias);
    return alias && sameRouting(alias, step.to) ? { revision: alias.revisionId } : null;
  }
  return null;
}

/**
 * Makes one step; returns the revision the write produced (null for concurrency). The SDK retries a
 * write whose answer was lost; the retry then names a revision the first attempt already replaced,
 * and AWS refuses it: a refusal when the function already holds the step's target is that write's
 * own success, not a change by someone else.
 */
export async function write(port: RevertPort, arn: string, step: Step): Promise<string | null> {
  try {
    return await send(port, arn, step);
  } catch (error) {
    if (awsErrorName(error) !== 'PreconditionFailedException') throw error;
    const done = await reached(port, arn, step).catch(() => null);
    if (done) return done.revision;
    throw error;
  }
}

export interface ApplyResult {
  done: FunctionStep[];
  /** The write that failed (the run stopped there), with AWS's error. */
  failed: { step: FunctionStep; error: string } | null;
  /** Writes undone after the failure. */
  undone: FunctionStep[];
  /** Writes that could not be undone: they stay, and the restore file holds their previous state. */
  stuck: { step: FunctionStep; error: string }[];
}

export async function applySteps(port: RevertPort, steps: readonly FunctionStep[]): Promise<ApplyResult> {
  const made: { step: FunctionStep; after: string | null }[] = [];
  for (const step of steps) {
    try {
      made.push({ step, after: await write(port, step.functionArn, step.step) });
    } catch (error) {
      const result: ApplyResult = {
        done: [],
        failed: { step, error: messageOf(error) },
        undone: [],
        stuck: [],
      };
      for (const m of made.reverse()) {
        try {
          await write(port, m.step.functionArn, inverseOf(m.step.step, m.after));
          result.undone.push(m.step);
        } catch (undoError) {
          result.stuck.push({ step: m.step, error: messageOf(undoError) });
        }
      }
      return result;
    }
  }
  return { done: made.map((m) => m.step), failed: null, undone: [], stuck: [] };
}
