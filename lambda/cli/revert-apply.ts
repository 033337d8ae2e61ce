/**
 * Carries out a revert's (or a restore's) steps, one at a time, each write guarded by the
 * `RevisionId` it was planned from. Nothing is left half-done: when a write fails, every write
 * before it is undone, last first, each undo guarded by the revision its own write produced; what
 * could not be undone is said, and the restore file (written before the first write) still holds it.
 */
import type { FunctionSnapshot, Routing } from '../domain/revert/snapshot.js';
import { type FunctionStep, inverseOf, type Step } from '../domain/revert/steps.js';
import { messageOf } from './parts.js';

/** The reads and writes a revert needs (LambdaFunctionEditor, or a fake in tests). */
export interface RevertPort {
  snapshot(arn: string): Promise<FunctionSnapshot>;
  setLayers(arn: string, layers: readonly string[], revisionId: string | null): Promise<string | null>;
  setRouting(arn: string, alias: string, to: Routing, revisionId: string | null): Promise<string | null>;
  setConcurrency(arn: string, n: number | null): Promise<void>;
}

/** Makes one step; returns the revision the write produced (null for concurrency). */
export async function write(port: RevertPort, arn: string, step: Step): Promise<string | null> {
  switch (step.kind) {
    case 'set-layers':
      return port.setLayers(arn, step.to, step.revisionId);
    case 'set-routing':
      return port.setRouting(arn, step.alias, step.to, step.revisionId);
    case 'set-concurrency':
      await port.setConcurrency(arn, step.to);
      return null;
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
