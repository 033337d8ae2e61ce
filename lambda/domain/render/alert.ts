/**
 * Renders a finding for people and machines: the SNS subject, the email body, the chat
 * (Amazon Q Developer in chat applications) custom notification, and the SNS JSON message that
 * carries one body per protocol. Every untrusted string is flattened to one line and, in chat,
 * fenced in inline code so it cannot format, link or mention.
 */
import type { Finding } from '../finding.js';
import { cut, oneLine, printableAscii, utf8Length } from '../text.js';
import { shrink } from './shrink.js';

/** SNS limit for a whole message (all protocol bodies of a JSON-structured message together). */
export const SNS_MAX_BYTES = 262_144;
/** Room kept for message attributes and the service's own accounting. */
const BUDGET_BYTES = SNS_MAX_BYTES - 6_144;
export const SUBJECT_MAX = 99;

/** A finding as it travels in alerts: possibly cut to fit, and then marked. */
export type RenderedFinding = Finding & { truncated?: true };

export interface AlertMessage {
  subject: string;
  /** The `Message` for SNS Publish with `MessageStructure=json`. */
  message: string;
  attributes: Record<string, { DataType: 'String' | 'Number'; StringValue: string }>;
}

export function subjectOf(finding: Finding): string {
  const text = printableAscii(`[${finding.severity.toUpperCase()}] ${finding.title}`);
  return text.length <= SUBJECT_MAX ? text : `${text.slice(0, SUBJECT_MAX - 3)}...`;
}

/** Inline code for chat: no backticks, angle brackets or line breaks can escape it. */
function code(value: string, max: number): string {
  const safe = oneLine(cut(value, max)).replace(/`/g, "'").replace(/</g, '\u2039').replace(/>/g, '\u203a');
  return safe.length === 0 ? '`-`' : `\`${safe}\``;
}

/** Our own prose with untrusted values inside: one line, no chat markup characters. */
function plain(value: string, max: number): string {
  return oneLine(cut(value, max)).replace(/[`*_~<>|[\]]/g, ' ');
}

function describeActor(f: Finding): string {
  const a = f.actor;
  const parts = [a.human ? `human (${a.kind})` : a.kind];
  parts.push(
    a.credentials === 'long-term'
      ? 'long-term access key'
      : a.credentials === 'temporary'
        ? 'temporary credentials'
        : 'credentials unknown',
  );
  if (a.consoleSession) parts.push('console session');
  if (a.ssoPermissionSet) parts.push(`permission set ${oneLine(cut(a.ssoPermissionSet, 64))}`);
  if (a.deployPrincipal) parts.push('known deploy role');
  if (a.crossAccount) parts.push('from another account');
  if (a.tooling) parts.push(`user agent says ${a.tooling}`);
  return parts.join(', ');
}

function describeOrigin(p: Finding['provenance'][number]): string {
  const owner =
    p.relation === 'same-account'
      ? `the function's own account (${p.account})`
      : p.relation === 'organization'
        ? `organization account ${p.account}`
        : p.relation === 'known-publisher'
          ? `known publisher ${p.publisher?.name} (${p.account}; source ${p.publisher?.source})`
          : p.relation === 'external'
            ? `UNKNOWN EXTERNAL account ${p.account}`
            : 'not a layer ARN';
  const lookup =
    p.lookup === 'ok'
      ? `readable, ${p.sharing === 'public' ? 'PUBLIC' : p.sharing === 'shared' ? `shared with ${p.sharedWith.join(', ')}` : p.sharing}`
      : p.lookup === 'not-read'
        ? 'not looked up'
        : `lookup ${p.lookup}`;
  return `owner: ${owner}; ${lookup}`;
}

function line(value: string | null | undefined, max: number): string {
  return value ? oneLine(cut(value, max)) : '-';
}

function listOrNone(items: readonly string[] | null | undefined, max: number): string {
  if (items === null || items === undefined) return 'unknown';
  return items.length === 0 ? '(none)' : items.map((x) => line(x, max)).join(', ');
}

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
  if (f.permission) {
    d.push(
      `*Shared with:* ${code(f.permission.principal, max)}${f.permission.organizationId ? ` in ${code(f.permission.organizationId, 64)}` : ''}${f.permission.public ? ' *(public)*' : ''}`,
    );
  }
  d.push(
    `*Who:* ${code(f.actor.arn ?? f.actor.principalId ?? 'unknown', max)} (${code(f.actor.type ?? 'unknown', 40)}${f.actor.accessKeyId ? `, key ${code(f.actor.accessKeyId, 40)}` : ''}${f.actor.invokedBy ? `, via ${code(f.actor.invokedBy, 80)}` : ''})`,
  );
  d.push(`*Identity:* ${describeActor(f)}`);
  for (const p of f.provenance)
    d.push(`*Layer origin:* ${code(p.versionArn, max)}: ${plain(describeOrigin(p), max)}`);
  d.push(
    `*From:* ${code(f.event.sourceIp ?? 'unknown', 80)} with ${code(f.event.userAgent ?? 'unknown', 200)}`,
  );
  d.push(
    `*When:* ${code(f.event.time, 40)} in ${code(f.event.account, 20)} / ${code(f.event.region, 40)} (event ${code(f.event.id, 80)})`,
  );
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
      threadId: cut(f.function?.arn ?? f.layer?.layerArn ?? f.event.account, 512),
      summary: oneLine(cut(`${f.severity}: ${f.title}`, 240)),
      eventType: f.detectionId,
      relatedResources: [f.function?.arn, f.layer?.versionArn ?? f.layer?.layerArn]
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

export function emailText(f: Finding, max = 2048): string {
  const out: string[] = [];
  out.push(`${f.severity.toUpperCase()} (risk ${f.riskScore}/100): ${line(f.title, 300)}`, '');
  out.push('WHAT CHANGED');
  out.push(`  Detection:   ${f.detectionId}`);
  if (f.function) out.push(`  Function:    ${line(f.function.arn, max)}`);
  if (f.function?.runtime || f.function?.role)
    out.push(`  Runtime/role: ${line(f.function.runtime, 64)} / ${line(f.function.role, max)}`);
  if (f.layers) {
    out.push(
      `  Before:      ${f.layers.before === null ? 'unknown (no baseline yet)' : listOrNone(f.layers.before, max)}`,
    );
    out.push(`  After:       ${listOrNone(f.layers.after, max)}`);
    out.push(`  Added:       ${listOrNone(f.layers.added, max)}`);
    out.push(`  Removed:     ${listOrNone(f.layers.removed, max)}`);
    for (const v of f.layers.versionChanged)
      out.push(`  Version:     ${line(v.from, max)} -> ${line(v.to, max)}`);
    if (f.layers.current) out.push(`  Now live:    ${listOrNone(f.layers.current, max)}`);
  } else if (f.layer) {
    out.push(`  Layer:       ${line(f.layer.versionArn ?? f.layer.layerArn, max)}`);
  }
  if (f.permission) {
    out.push(
      `  Shared with: ${line(f.permission.principal, max)}${f.permission.organizationId ? ` (organization ${line(f.permission.organizationId, 64)})` : ''}${f.permission.public ? ' - PUBLIC' : ''}`,
    );
  }
  out.push('', 'WHO AND FROM WHERE');
  out.push(`  Identity:    ${line(f.actor.arn ?? f.actor.principalId, max)} (${line(f.actor.type, 40)})`);
  if (f.actor.sessionIssuerArn) out.push(`  Role:        ${line(f.actor.sessionIssuerArn, max)}`);
  out.push(
    `  Access key:  ${line(f.actor.accessKeyId, 64)}   MFA: ${f.actor.mfaAuthenticated === null ? 'unknown' : f.actor.mfaAuthenticated ? 'yes' : 'no'}`,
  );
  if (f.actor.invokedBy) out.push(`  Through:     ${line(f.actor.invokedBy, 128)}`);
  out.push(`  Kind:        ${describeActor(f)}`);
  out.push(`  Source IP:   ${line(f.event.sourceIp, 128)}`);
  out.push(`  User agent:  ${line(f.event.userAgent, max)}`);
  out.push(
    `  When:        ${line(f.event.time, 40)} (account ${f.event.account}, region ${line(f.event.region, 64)})`,
  );
  out.push(`  Event:       ${line(f.event.name, 128)} ${line(f.event.id, 128)}`);
  if (f.provenance.length > 0) {
    out.push('', 'WHERE THE LAYER COMES FROM');
    for (const p of f.provenance) {
      out.push(`  ${line(p.versionArn, max)}`);
      out.push(`    ${line(describeOrigin(p), max)}`);
      if (p.details) {
        const d = p.details;
        out.push(
          `    Description: ${line(d.description, 300)}; created ${line(d.createdDate, 40)}; ${d.codeSize ?? '?'} bytes; sha256 ${line(d.codeSha256, 64)}`,
        );
        out.push(
          `    Signed:      ${d.signingProfileVersionArn ? line(d.signingProfileVersionArn, max) : 'no (no signing profile)'}`,
        );
      }
    }
  }
  out.push('', 'WHY IT MATTERS');
  out.push('  A layer runs inside the function with the function role: code in it can read the');
  out.push("  function's data and secrets and act with its permissions (MITRE ATT&CK T1648).");
  for (const r of f.reasons) out.push(`  - ${line(r, max)}`);
  if (f.gaps.length > 0) {
    out.push('', 'NOT KNOWN');
    for (const g of f.gaps) out.push(`  - ${line(g, max)}`);
  }
  if (f.related.length > 0) out.push('', `RELATED EVENTS: ${f.related.map((r) => line(r, 128)).join(', ')}`);
  out.push('', 'WHAT TO CHECK');
  for (const s of f.remediation.nextSteps) out.push(`  - ${line(s, max * 2)}`);
  out.push('', 'REVERT');
  out.push(
    `  ${f.remediation.revertCommand ? line(f.remediation.revertCommand, max * 8) : 'No revert command: the previous state is not known.'}`,
  );
  out.push('', `Finding ${f.findingId} (schema v${f.schemaVersion}).`);
  return out.join('\n');
}

function structured(finding: RenderedFinding, max: number): string {
  const chat = JSON.stringify(chatNotification(finding, max));
  const json = JSON.stringify(finding);
  return JSON.stringify({
    default: chat,
    https: chat,
    email: emailText(finding, max),
    sqs: json,
    lambda: json,
  });
}

/**
 * Builds the SNS message. Long fields are cut, never the publish: the message is rendered with
 * smaller and smaller limits until it fits, and the finding it carries says `truncated: true`.
 */
export function renderAlert(finding: Finding): AlertMessage {
  const attributes: AlertMessage['attributes'] = {
    severity: { DataType: 'String', StringValue: finding.severity },
    detectionId: { DataType: 'String', StringValue: finding.detectionId },
    riskScore: { DataType: 'Number', StringValue: String(finding.riskScore) },
  };
  const subject = subjectOf(finding);
  // Most alerts fit as they are: render the finding itself first, and cut only when needed.
  const whole = structured(finding, 512);
  if (utf8Length(whole) <= BUDGET_BYTES) return { subject, message: whole, attributes };
  for (const [chars, items] of [
    [2048, 64],
    [512, 16],
    [128, 8],
    [48, 4],
  ] as const) {
    const shrunk = shrink(finding, chars, items);
    const rendered: RenderedFinding = shrunk.cut ? { ...shrunk.value, truncated: true } : shrunk.value;
    const message = structured(rendered, Math.min(chars, 512));
    if (utf8Length(message) <= BUDGET_BYTES) return { subject, message, attributes };
  }
  // Unreachable for any finding the core builds (every field is bounded); kept so a publish never fails on size.
  const minimal = { ...shrink(finding, 16, 2).value, truncated: true as const };
  return { subject, message: structured(minimal, 16), attributes };
}
