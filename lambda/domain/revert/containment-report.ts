/**
 * What the containment publishes to the alert topic after each custom action: who asked (as far as
 * the event says), each function's plan with its guards, and what was done, refused or left.
 */
import type { AlertMessage } from '../render/alert.js';
import { cut, safeText } from '../text.js';
import type { Asker } from './custom-action.js';
import type { GuardedPlan } from './guards.js';
import { planLines } from './render.js';
import { type FunctionStep, stepText } from './steps.js';

export interface ContainmentReport {
  asker: Asker;
  /** Why the whole request was refused (not this action's event, the cap), or null. */
  refused: string | null;
  skipped: string[];
  plans: GuardedPlan[];
  done: FunctionStep[];
  /** The write that failed, what was undone after it, what could not be. */
  failed: { step: FunctionStep; error: string } | null;
  undone: FunctionStep[];
  stuck: { step: FunctionStep; error: string }[];
}

export function outcomeOf(r: ContainmentReport): 'refused' | 'failed' | 'contained' | 'nothing to do' {
  if (r.refused !== null) return 'refused';
  if (r.failed !== null) return 'failed';
  if (r.done.length > 0) return 'contained';
  // Every plan refused by a guard (own function, stack-managed): nothing done, and why is said.
  return r.plans.some((p) => p.refusal !== null) ? 'refused' : 'nothing to do';
}

const line = (s: FunctionStep) => `${s.functionArn}: ${stepText(s.step)}`;

export function containmentLines(r: ContainmentReport): string[] {
  const a = r.asker;
  const lines = [
    `layerwatch containment: ${outcomeOf(r)}`,
    `Asked through Security Hub custom action ${a.actionArn} (event ${a.eventId}, ${a.time}).`,
    "Security Hub's event does not name the person who chose the action: CloudTrail and Security Hub's history of the finding do.",
  ];
  if (r.refused !== null) lines.push(`REFUSED: ${r.refused}; nothing was changed`);
  for (const s of r.skipped) lines.push(`skipped: ${s}`);
  for (const p of r.plans) lines.push('', ...planLines(p));
  if (r.done.length > 0) lines.push('', 'done:', ...r.done.map((s) => `  ${line(s)}`));
  if (r.failed) {
    lines.push('', `FAILED: ${line(r.failed.step)}: ${r.failed.error}`);
    lines.push(...r.undone.map((s) => `  undone: ${line(s)}`));
    lines.push(...r.stuck.map((s) => `  STUCK (not undone): ${line(s.step)}: ${s.error}`));
  }
  if (r.done.length > 0)
    lines.push(
      '',
      'To put it back: npx layerwatch revert --restore with a restore file of these steps, or the console (the previous layers and routing are above).',
    );
  return lines.map((l) => safeText(cut(l, 2000)));
}

export function renderContainmentReport(r: ContainmentReport): AlertMessage {
  const outcome = outcomeOf(r);
  const functions = new Set(r.plans.map((p) => p.snapshot.arn)).size;
  const subject = `[HIGH] layerwatch containment ${outcome}: ${functions} function(s)`.slice(0, 99);
  const text = containmentLines(r).join('\n');
  const chat = {
    version: '1.0',
    source: 'custom',
    content: {
      textType: 'client-markdown',
      title: `:shield: layerwatch containment ${outcome}`,
      description: ['```', cut(text, 3500).replace(/```/g, "'''"), '```'].join('\n'),
    },
  };
  const json = JSON.stringify({ kind: 'containment-report', outcome, ...r });
  return {
    subject,
    message: JSON.stringify({
      default: JSON.stringify(chat),
      https: JSON.stringify(chat),
      email: text,
      sqs: json,
      lambda: json,
    }),
    attributes: {
      severity: { DataType: 'String', StringValue: 'high' },
      detectionId: { DataType: 'String', StringValue: 'layerwatch-containment' },
    },
  };
}
