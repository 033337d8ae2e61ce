/**
 * The chat body: an Amazon Q Developer in chat applications custom notification (Slack, Teams).
 * Every untrusted value is fenced in inline code so it cannot format, link or mention.
 */
import type { Finding } from '../finding.js';
import { cut, safeText } from '../text.js';
import {
  code,
  describeActor,
  describeOrigin,
  line,
  listOrNone,
  plain,
  postureLines,
  runsInText,
} from './describe.js';
import { hookChangeLines, hooksInForce } from './exec-hooks.js';
import { inspectionBlocks } from './inspection.js';

export interface ChatNotification {
  version: '1.0';
  source: 'custom';
  id: string;
  content: {
    textType: 'client-markdown';
    title: string;
    description: string;
    nextSteps: string[];
    keywords: string[];
  };
  metadata: {
    threadId: string;
    summary: string;
    eventType: string;
    relatedResources: string[];
    additionalContext: Record<string, string>;
  };
}

export function chatNotification(f: Finding, max = 512): ChatNotification {
  const d: string[] = [];
  d.push(`*Severity:* ${f.severity} (risk ${f.riskScore}/100) - ${code(f.detectionId, 64)}`);
  if (f.function) d.push(`*Function:* ${code(f.function.arn, max)}`);
  if (f.layers) {
    d.push(
      `*Before:* ${f.layers.before === null ? 'unknown (no baseline)' : code(listOrNone(f.layers.before, max), max * 6)}`,
    );
    d.push(`*After:* ${code(listOrNone(f.layers.after, max), max * 6)}`);
    if (f.layers.added.length > 0) d.push(`*Added:* ${code(listOrNone(f.layers.added, max), max * 6)}`);
    if (f.layers.removed.length > 0) d.push(`*Removed:* ${code(listOrNone(f.layers.removed, max), max * 6)}`);
  } else if (f.layer) {
    d.push(`*Layer:* ${code(f.layer.versionArn ?? f.layer.layerArn, max)}`);
  }
  for (const h of hookChangeLines(f, (v, n) => code(v, n))) d.push(`*Hook:* ${h}`);
  const hooks = hooksInForce(f, (v, n) => code(v, n));
  if (hooks !== null) d.push(`*Hooks now:* ${hooks}`);
  if (f.target)
    d.push(
      `*Target:* ${f.target.type} ${code(f.target.arn ?? f.target.name, max)} (${code(f.target.service, 20)})`,
    );
  if (f.permission) {
    d.push(
      `*Shared with:* ${code(f.permission.principal, max)}${f.permission.organizationId ? ` in ${code(f.permission.organizationId, 64)}` : ''}${f.permission.public ? ' *(public)*' : ''}`,
    );
  }
  d.push(
    `*Who:* ${code(f.actor.arn ?? f.actor.principalId ?? 'unknown', max)} (${code(f.actor.type ?? 'unknown', 40)}${f.actor.accessKeyId ? `, key ${code(f.actor.accessKeyId, 40)}` : ''}${f.actor.invokedBy ? `, via ${code(f.actor.invokedBy, 80)}` : ''})`,
  );
  d.push(`*Identity:* ${describeActor(f, code)}`);
  for (const p of f.provenance)
    d.push(`*Layer origin:* ${code(p.versionArn, max)}: ${cut(describeOrigin(p, plain), max)}`);
  for (const b of inspectionBlocks(f, code, 5)) {
    d.push(`*Layer content:* ${code(b.layer, max)}: ${b.status}`);
    for (const l of b.lines) d.push(`- ${l}`);
  }
  d.push(
    `*From:* ${code(f.event.sourceIp ?? 'unknown', 80)} with ${code(f.event.userAgent ?? 'unknown', 200)}`,
  );
  d.push(
    `*When:* ${code(f.event.time, 40)} in ${code(f.event.account, 20)} / ${code(f.event.region, 40)} (event ${code(f.event.id, 80)})`,
  );
  if (f.runsIn) d.push(`*Runs in:* ${code(runsInText(f.runsIn) || 'no qualifier known to run it now', max)}`);
  for (const p of postureLines(f)) d.push(`*${p.label}:* ${plain(p.text, max)}`);
  d.push('*Why:*');
  for (const r of f.reasons) d.push(`- ${plain(r, max)}`);
  for (const g of f.gaps) d.push(`- missing: ${code(g, max)}`);
  if (f.remediation.revertCommand) d.push(`*Revert:* ${code(f.remediation.revertCommand, max * 8)}`);
  return {
    version: '1.0',
    source: 'custom',
    id: f.findingId,
    content: {
      textType: 'client-markdown',
      title: `:rotating_light: ${f.severity.toUpperCase()}: ${plain(f.title, 200)}`,
      description: d.join('\n'),
      nextSteps: f.remediation.nextSteps.map((s) => code(s, max * 2)),
      keywords: [f.detectionId, f.severity, f.event.account].map((k) => line(k, 64)),
    },
    metadata: {
      threadId: cut(f.function?.arn ?? f.layer?.layerArn ?? f.target?.arn ?? f.event.account, 512),
      // Shown as text in notifications: no mention, link or markup ('a -> b' stays).
      summary: safeText(cut(`${f.severity}: ${f.title}`, 240)).replace(/[`*_~|[\]]/g, ' '),
      eventType: f.detectionId,
      relatedResources: [f.function?.arn, f.layer?.versionArn ?? f.layer?.layerArn, f.target?.arn]
        .filter((x): x is string => !!x)
        .map((x) => cut(x, 512)),
      additionalContext: {
        findingId: f.findingId,
        eventId: line(f.event.id, 128),
        riskScore: String(f.riskScore),
      },
    },
  };
}
