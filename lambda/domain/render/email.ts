/** The email body: a plain-text report, every untrusted value on one line and cut. */
import type { Finding } from '../finding.js';
import { cut } from '../text.js';
import { describeActor, describeOrigin, line, listOrNone, postureLines, runsInText } from './describe.js';
import { hookChangeLines, hooksInForce } from './exec-hooks.js';
import { inspectionBlocks } from './inspection.js';

export function emailText(f: Finding, max = 2048): string {
  const out: string[] = [];
  out.push(`${f.severity.toUpperCase()} (risk ${f.riskScore}/100): ${line(f.title, 300)}`, '');
  whatChanged(out, f, max);
  whoAndWhere(out, f, max);
  whereFrom(out, f, max);
  whatItRuns(out, f, max);
  const posture = postureLines(f);
  if (posture.length > 0) {
    out.push('', 'WHAT WOULD HAVE STOPPED IT');
    for (const p of posture) out.push(`  ${`${p.label}:`.padEnd(14)}${line(p.text, max)}`);
  }
  out.push('', 'WHY IT MATTERS');
  if (f.target) {
    out.push('  layerwatch sees layer changes through a trail, EventBridge rules, its functions, topics,');
    out.push('  key and table: a call that breaks one leaves the next change unseen or unreported');
    out.push('  (MITRE ATT&CK T1562, Impair Defenses).');
  } else {
    out.push('  A layer runs inside the function with the function role: code in it can read the');
    out.push("  function's data and secrets and act with its permissions (MITRE ATT&CK T1648).");
  }
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
    `  ${f.remediation.revertCommand ? line(f.remediation.revertCommand, max * 8) : f.detectionId === 'lambda-layer-attach-denied' ? 'Nothing to revert: the call was refused, the function did not change.' : 'No revert command: the previous state is not known.'}`,
  );
  out.push('', `Finding ${f.findingId} (schema v${f.schemaVersion}).`);
  return out.join('\n');
}

/** The function or layer, and its layers before and after. */
function whatChanged(out: string[], f: Finding, max: number): void {
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
  for (const h of hookChangeLines(f, line)) out.push(`  Hook:        ${h}`);
  if (f.runsIn) out.push(`  Runs in:     ${runsInText(f.runsIn) || 'no qualifier known to run it now'}`);
  const hooks = hooksInForce(f, line);
  if (hooks !== null) out.push(`  Hooks now:   ${hooks}`);
  if (f.target) {
    out.push(`  Target:      ${f.target.type} ${line(f.target.name, max)} (${f.target.service})`);
    out.push(`  ARN:         ${line(f.target.arn, max)}`);
  }
  if (f.permission) {
    out.push(
      `  Shared with: ${line(f.permission.principal, max)}${f.permission.organizationId ? ` (organization ${line(f.permission.organizationId, 64)})` : ''}${f.permission.public ? ' - PUBLIC' : ''}`,
    );
  }
}

/** The caller, their credentials, and where the call came from. */
function whoAndWhere(out: string[], f: Finding, max: number): void {
  out.push('', 'WHO AND FROM WHERE');
  out.push(`  Identity:    ${line(f.actor.arn ?? f.actor.principalId, max)} (${line(f.actor.type, 40)})`);
  if (f.actor.sessionIssuerArn) out.push(`  Role:        ${line(f.actor.sessionIssuerArn, max)}`);
  out.push(
    `  Access key:  ${line(f.actor.accessKeyId, 64)}   MFA: ${f.actor.mfaAuthenticated === null ? 'unknown' : f.actor.mfaAuthenticated ? 'yes' : 'no'}`,
  );
  if (f.actor.invokedBy) out.push(`  Through:     ${line(f.actor.invokedBy, 128)}`);
  out.push(`  Kind:        ${describeActor(f, line)}`);
  out.push(`  Source IP:   ${line(f.event.sourceIp, 128)}`);
  out.push(`  User agent:  ${line(f.event.userAgent, max)}`);
  out.push(
    `  When:        ${line(f.event.time, 40)} (account ${f.event.account}, region ${line(f.event.region, 64)})`,
  );
  out.push(`  Event:       ${line(f.event.name, 128)} ${line(f.event.id, 128)}`);
}

/** Where each layer comes from, and what its lookup said. */
function whereFrom(out: string[], f: Finding, max: number): void {
  if (f.provenance.length > 0) {
    out.push('', 'WHERE THE LAYER COMES FROM');
    for (const p of f.provenance) {
      out.push(`  ${line(p.versionArn, max)}`);
      out.push(`    ${cut(describeOrigin(p, line), max)}`);
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
}

/** What the layers' content will run (Lambda host), one sentence per signal. */
function whatItRuns(out: string[], f: Finding, max: number): void {
  const blocks = inspectionBlocks(f, (v, n) => `\`${line(v, Math.min(n, max))}\``, 20);
  if (blocks.length === 0) return;
  out.push('', 'WHAT THE LAYER WILL RUN');
  for (const b of blocks) {
    out.push(`  ${line(b.layer, max)}: ${b.status}`);
    for (const l of b.lines) out.push(`    - ${cut(l, max)}`);
  }
}
