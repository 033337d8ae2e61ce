/**
 * The changes a revert (and its restore) makes, each with what it expects to find: `$LATEST`'s
 * layers, an alias's routing (both guarded by the `RevisionId` read with the plan), and the
 * reserved concurrency (the emergency brake). Each step knows its inverse, so that a run that fails
 * half-way puts back what it had done, and a restore is the inverse of what was applied.
 */
import { type Routing, routingText } from './snapshot.js';

export type Step =
  | { kind: 'set-layers'; from: string[]; to: string[]; revisionId: string | null }
  | { kind: 'set-routing'; alias: string; from: Routing; to: Routing; revisionId: string | null }
  /** Reserved concurrency: 0 stops every invocation; null removes the reservation. */
  | { kind: 'set-concurrency'; from: number | null; to: number | null };

/** A step with the function it changes. */
export interface FunctionStep {
  functionArn: string;
  step: Step;
}

/** The step that undoes `step`, guarded by the revision its write produced. */
export function inverseOf(step: Step, revisionAfter: string | null): Step {
  switch (step.kind) {
    case 'set-layers':
      return { kind: 'set-layers', from: step.to, to: step.from, revisionId: revisionAfter };
    case 'set-routing':
      return { ...step, from: step.to, to: step.from, revisionId: revisionAfter };
    case 'set-concurrency':
      return { kind: 'set-concurrency', from: step.to, to: step.from };
  }
}

const list = (layers: readonly string[]) => (layers.length === 0 ? '(no layers)' : layers.join(', '));
const concurrency = (n: number | null) =>
  n === null
    ? 'no reserved concurrency'
    : n === 0
      ? 'reserved concurrency 0 (throttled)'
      : `reserved concurrency ${n}`;

/** The step in words: what changes, from what, to what. */
export function stepText(step: Step): string {
  switch (step.kind) {
    case 'set-layers':
      return `$LATEST layers: ${list(step.from)} -> ${list(step.to)} (RevisionId ${step.revisionId ?? 'unknown'})`;
    case 'set-routing':
      return `alias ${step.alias}: ${routingText(step.from)} -> ${routingText(step.to)} (RevisionId ${step.revisionId ?? 'unknown'})`;
    case 'set-concurrency':
      return `${concurrency(step.from)} -> ${concurrency(step.to)}`;
  }
}

/** What a step changes, as a key: two steps on the same thing cannot both be in one run. */
export function targetOf(step: Step): string {
  return step.kind === 'set-routing' ? `alias:${step.alias}` : step.kind;
}
