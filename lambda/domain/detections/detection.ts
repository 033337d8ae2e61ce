/** The contract every detection follows: stable metadata beside a pure evaluate(). */
import type { HookValues, HookVariableChange } from '../inspection/exec-hook-variable.js';
import type { LayerDiff } from '../layers.js';
import type { LambdaEvent, TamperTarget } from '../model.js';
import type { QualifierView } from '../qualifier-view.js';
import type { Signal } from '../scoring.js';
import type { DetectionSettings } from '../settings.js';

export interface MitreTechnique {
  techniqueId: string;
  techniqueName: string;
  tactic: string;
  url: string;
}

export const T1648: MitreTechnique = {
  techniqueId: 'T1648',
  techniqueName: 'Serverless Execution',
  tactic: 'Execution',
  url: 'https://attack.mitre.org/techniques/T1648/',
};

/** What the event did to a function's layer list, as the engine worked it out. */
export interface LayerChange {
  /** The list before the event; null when no baseline was known. */
  before: string[] | null;
  /** The list the event established; null when the event does not say. */
  after: string[] | null;
  /** True when the request carried `layers` (the caller set the list). */
  requested: boolean;
  /** before -> after, when both are known. */
  diff: LayerDiff | null;
  /** The function's live list when it was read (Lambda host), else null. */
  current: string[] | null;
}

/** What a function event did to its start-up hook variables, as the engine worked it out. */
export interface HookChange {
  /** The hook variables before the event; null when no earlier state knew them. */
  before: HookValues | null;
  /** The hook variables the host read from the live function (never any other variable). */
  after: HookValues;
  /** Every variable that differs (with `before` unknown: every one set). */
  changed: HookVariableChange[];
}

export interface DetectionInput {
  event: LambdaEvent;
  /** For function events (CreateFunction, UpdateFunctionConfiguration); null otherwise. */
  change: LayerChange | null;
  /** For function events whose host read the hook variables (the Lambda, the sweep); null otherwise. */
  hooks?: HookChange | null;
  /** Normalized file paths of layer versions, by version ARN, when the host read them. */
  layerPaths?: Readonly<Record<string, readonly string[]>>;
  settings: DetectionSettings;
  /** The function's versions and aliases at the event's time, and what the event sets for them. */
  qualifiers?: QualifierView;
}

export interface Evidence {
  /** Short, specific: what happened to what. Untrusted parts are escaped by renderers. */
  title: string;
  /** The layer version the finding is about (first added or changed), if any. */
  layerArn: string | null;
  /** Every layer version the finding is about: their provenance is scored and reported. */
  subjects: string[];
  /** Signals specific to this detection; the engine adds actor, provenance and correlation signals. */
  signals: Signal[];
  /** What the detection could not find out, in words (added to the finding's `gaps`). */
  gaps?: string[];
  /** detector-tampered: the layerwatch resource the finding is about (the finding's `target`). */
  target?: TamperTarget;
  /** Event ids of earlier events this one builds on (the attach a version froze, the publish an alias reaches). */
  related?: string[];
}

/** Three states so that "did not look" is never read as "looked, found nothing". */
export type Verdict =
  | { status: 'match'; evidence: Evidence }
  | { status: 'no-match' }
  | { status: 'not-applicable' };

export interface Detection {
  /** Stable, never renamed: suppressions and dashboards key on it. */
  id: string;
  title: string;
  /** What fires it. */
  fires: string;
  /** Starting score before signals (see scoring.ts). */
  baseScore: number;
  baseReason: string;
  falsePositives: string[];
  references: string[];
  mitre: MitreTechnique[];
  /** Which shared signal groups apply: who made the call, where the layers come from. */
  scoring: { actor: boolean; provenance: boolean };
  evaluate(input: DetectionInput): Verdict;
}

export const NOT_APPLICABLE: Verdict = { status: 'not-applicable' };
export const NO_MATCH: Verdict = { status: 'no-match' };

/** A layer ARN's name and optional version (a constant: a literal is a new object per evaluation). */
const LAYER_TAIL = /:layer:([^:]+)(?::(\d+))?$/;

export function shortLayer(arn: string): string {
  const m = LAYER_TAIL.exec(arn);
  return m ? (m[2] ? `${m[1]}:${m[2]}` : (m[1] as string)) : arn;
}
