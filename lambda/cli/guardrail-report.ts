/** `guardrail`'s human output: what the policy allows and why, and what a replay would have denied. */

import type { Replay, ReplayedCall } from '../domain/guardrail/evaluate.js';
import type { Inventory } from '../domain/guardrail/inventory.js';
import { GUARDED_ACTIONS, type Guardrail, type GuardrailFormat } from '../domain/guardrail/policy.js';
import { terminalText } from './terminal-text.js';

const FORMAT_NAMES: Readonly<Record<GuardrailFormat, string>> = {
  scp: 'service control policy',
  identity: 'identity policy',
  boundary: 'permissions boundary',
};

export interface ReadCounts {
  files: number;
  events: number;
  configurations: number;
  /** Functions read from the state table. */
  baselines: number;
}

function pad(s: string, n: number): string {
  return s.length >= n ? `${s}  ` : s.padEnd(n + 2);
}

export function summaryText(
  g: Guardrail,
  format: GuardrailFormat,
  inventory: Inventory,
  read: ReadCounts,
): string {
  const width = Math.max(...g.allowed.map((e) => e.pattern.length));
  const lines = [
    `layerwatch guardrail: a ${FORMAT_NAMES[format]} of ${g.size} of ${g.limit} characters (as written, without whitespace), ` +
      `denying ${GUARDED_ACTIONS.join(' and ')} when any requested layer version is outside the allowed list (${g.allowed.length}):`,
    ...g.allowed.map((e) => `  ${pad(e.pattern, width)}${e.kind}: ${e.why}`),
    g.exempt.length > 0 ? 'Exempt (named principals the policy does not apply to):' : 'Exempt: nobody.',
    ...g.exempt.map((arn) => `  ${arn}`),
  ];
  if (g.refused.length > 0) {
    lines.push(
      `Refused although in use (${g.refused.length}): these calls fail once the policy is on; --allow keeps one:`,
    );
    for (const use of g.refused)
      lines.push(
        `  ${use.arn}  ${[...use.seen].join(', ')}${use.functions.size > 0 ? `: ${[...use.functions].sort().join(', ')}` : ''}`,
      );
  }
  if (g.merged.length > 0) lines.push(`Merged to fit: ${g.merged.join('; ')}.`);
  lines.push(
    `Read: ${read.files} input(s), ${read.events} Lambda event(s), ${read.configurations} function configuration document(s), ` +
      `${read.baselines} function(s) from the state table; ` +
      `${inventory.layers.size} layer version(s) in use, ${inventory.accounts.size} account(s) seen.`,
  );
  for (const gap of inventory.unreadable) lines.push(`Not read: ${gap}`);
  lines.push(
    'Not covered: a service control policy does not apply to the management account or to service-linked roles; ' +
      'publishing and sharing layers are not guarded (an allowed account may publish any layer); ' +
      'a call that sets no layers carries no lambda:Layer and is not refused.',
  );
  return `${lines.map(terminalText).join('\n')}\n`;
}

function callLine(label: string, call: ReplayedCall): string {
  const e = call.event;
  const who = call.principalArn ?? e.actor.arn ?? '(unknown principal)';
  const what = call.layers.length > 0 ? `layer ${call.layers.join(', ')}` : (call.reason ?? '');
  const why = call.reason !== null && call.layers.length > 0 ? ` (${call.reason})` : '';
  return `  ${label}  ${e.meta.time}  ${who}  ${e.meta.name} ${e.fn.arn}  ${what}${why}  [${e.meta.id}]`;
}

export function replayText(r: Replay): string {
  const denied = r.calls.filter((c) => c.verdict === 'denied');
  const exempt = r.calls.filter((c) => c.verdict === 'exempt');
  const unjudged = r.calls.filter((c) => c.verdict === 'unevaluated');
  const lines = [
    `Replay: ${r.evaluated} call(s) that set a function's layers; ${denied.length} would have been denied, ` +
      `${exempt.length} let through only by an exemption, ${unjudged.length} could not be judged.`,
    ...denied.map((c) => callLine('DENIED  ', c)),
    ...exempt.map((c) => callLine('EXEMPT  ', c)),
    ...unjudged.map((c) => callLine('UNJUDGED', c)),
  ];
  return `${lines.map(terminalText).join('\n')}\n`;
}
