/** The revert plan for people: per function, where the layers run, what changes, what cannot. */
import type { GuardedPlan } from './guards.js';
import type { Running } from './plan.js';
import { stepText } from './steps.js';

const pct = (share: number) => `${Math.round(share * 1000) / 10} %`;

function runningText(r: Running): string {
  if (r.qualifier === '$LATEST') return '$LATEST';
  if (r.qualifier === r.version) return `version ${r.version}`;
  return `alias ${r.qualifier} (version ${r.version}, ${pct(r.share)} of its traffic)`;
}

/** One function's plan (the CLI escapes each line for the terminal). */
export function planLines(p: GuardedPlan): string[] {
  const s = p.snapshot;
  const lines = [
    `function ${s.arn}${p.request.findingId ? ` (finding ${p.request.findingId})` : ''}`,
    `  layers to take off: ${p.request.subjects.join(', ')}`,
    `  runs them: ${p.running.length === 0 ? 'nothing any more' : p.running.map(runningText).join('; ')}`,
  ];
  if (p.steps.length === 0) lines.push('  changes: none');
  else {
    lines.push(`  changes${p.refusal ? ' (not applied: see below)' : ''}:`);
    lines.push(...p.steps.map((step, i) => `    ${i + 1}. ${stepText(step)}`));
  }
  for (const u of p.unchangeable) {
    const what = /^\d+$/.test(u.qualifier) ? `version ${u.qualifier}` : `alias ${u.qualifier}`;
    lines.push(`  cannot change ${what}: ${u.why}; ${u.advice}`);
  }
  if (p.refusal) lines.push(`  REFUSED (${p.refusal.guard}): ${p.refusal.reason}`);
  if (p.stackSteps.length > 0) lines.push(...p.stackSteps.map((l) => `  stack: ${l}`));
  return lines;
}
