/**
 * What a revert may change. layerwatch's own functions never (an attacker who can get a finding
 * written about the detector must not get its responder to edit it); a function a CloudFormation
 * stack manages, only with `--force` (its owners' way back is the stack's drift revert or their own
 * redeploy, which the plan gives instead); at most `maxFunctions` functions in one run.
 */
import { CANARY_FUNCTION_NAME } from '../heartbeat.js';
import { shellQuote } from '../remediation.js';
import type { FunctionPlan } from './plan.js';
import type { FunctionSnapshot } from './snapshot.js';

/**
 * The stacks of a deployment: the detector stack's name (`--stack`), the forwarder stacks
 * (`LayerWatchForwarder-<region>`, lib/app.ts) and the member StackSet's instances
 * (`StackSet-layerwatch-member-...`, lib/own-resources.ts); a test holds these prefixes to lib's.
 */
export const OWN_STACK_PREFIXES = ['LayerWatchForwarder-', 'StackSet-layerwatch-member-'] as const;

export interface Refusal {
  guard: 'own-function' | 'stack-managed';
  reason: string;
}

export interface GuardedPlan extends FunctionPlan {
  /** Why the plan's steps are not applied (null: they may be). */
  refusal: Refusal | null;
  /** For a stack-managed function: the stack's drift revert, the way its owners deploy it. */
  stackSteps: string[];
}

export interface GuardOptions {
  /** The detector stack's name. */
  stack: string;
  /** Apply to a stack-managed function through the Lambda API anyway. */
  force: boolean;
}

/** A function of the deployment: by its stack's tag, or by the name CloudFormation generates from the stack's. */
export function isOwnFunction(s: Pick<FunctionSnapshot, 'name' | 'stackName'>, stack: string): boolean {
  const own = (name: string) =>
    name === stack || name.startsWith(`${stack}-`) || OWN_STACK_PREFIXES.some((p) => name.startsWith(p));
  return s.name === CANARY_FUNCTION_NAME || own(s.name) || (s.stackName !== null && own(s.stackName));
}

/** The stack's drift revert (CloudFormation drift-aware change set), or the owners' redeploy. */
export function stackSteps(s: FunctionSnapshot): string[] {
  if (s.stackName === null) return [];
  const stack = shellQuote(s.stackName);
  const where = `--stack-name ${stack} --change-set-name layerwatch-revert-drift --region ${shellQuote(s.region)}`;
  return [
    `Stack ${s.stackName} manages ${s.name}: revert the drift the way its owners deploy it, so that the stack and the function agree again.`,
    `aws cloudformation create-change-set ${where} --use-previous-template --deployment-mode REVERT_DRIFT --capabilities CAPABILITY_IAM CAPABILITY_NAMED_IAM CAPABILITY_AUTO_EXPAND`,
    `aws cloudformation describe-change-set ${where}   (check that it sets the layers back, and changes nothing else you did not expect)`,
    `aws cloudformation execute-change-set ${where}`,
    `Or the owners redeploy (CDK: cdk deploy --revert-drift). If the template itself names the layer, the stack put it there: the template must change, and a drift revert would not remove it.`,
  ];
}

/** Why a function may not be changed by the Lambda API (null: it may). */
export function refusalOf(s: FunctionSnapshot, options: GuardOptions): Refusal | null {
  if (isOwnFunction(s, options.stack))
    return {
      guard: 'own-function',
      reason: `${s.name} is layerwatch's own function (stack ${s.stackName ?? options.stack}): a revert never changes it; redeploy layerwatch (npx cdk deploy) and run npx layerwatch verify`,
    };
  if (s.stackName !== null && !options.force)
    return {
      guard: 'stack-managed',
      reason: `stack ${s.stackName} manages ${s.name}: the plan is the stack's drift revert below; --force changes it through the Lambda API instead (the stack then drifts from what it last deployed)`,
    };
  return null;
}

export function guard(plan: FunctionPlan, options: GuardOptions): GuardedPlan {
  return { ...plan, refusal: refusalOf(plan.snapshot, options), stackSteps: stackSteps(plan.snapshot) };
}

/** The functions a run would change, or why the run is refused (more than `max`). */
export function capRefusal(plans: readonly GuardedPlan[], max: number): string | null {
  const changing = plans.filter((p) => p.refusal === null && p.steps.length > 0);
  if (changing.length <= max) return null;
  return `this run would change ${changing.length} functions, more than --max-functions ${max}: nothing was changed (raise --max-functions, or revert fewer findings at once)`;
}
