/** Decides, from settings, whether a finding is published. Suppressed findings are still logged and counted. */
import type { Finding, Suppression } from './finding-model.js';
import { type DetectionSettings, globMatch } from './settings.js';
import { severityRank } from './severity.js';

export type { Suppression } from './finding-model.js';

/** Detections no setting can silence: an attacker who can edit settings must not hide them. */
export const UNSUPPRESSIBLE: readonly string[] = ['detector-tampered'];

export function suppressionOf(finding: Finding, settings: DetectionSettings): Suppression | null {
  if (UNSUPPRESSIBLE.includes(finding.detectionId)) return null;
  const s = settings.suppress;
  const principals = [finding.actor.arn, finding.actor.sessionIssuerArn].filter((x): x is string => !!x);
  for (const pattern of s.principals) {
    if (principals.some((p) => globMatch(pattern, p))) return { rule: 'suppress.principals', match: pattern };
  }
  const ua = finding.event.userAgent;
  for (const pattern of s.userAgents)
    if (ua && globMatch(pattern, ua)) return { rule: 'suppress.userAgents', match: pattern };
  const fn = finding.function?.arn;
  for (const pattern of s.functions)
    if (fn && globMatch(pattern, fn)) return { rule: 'suppress.functions', match: pattern };
  // Layer owners: only when every layer the finding is about belongs to a suppressed owner.
  const owners = finding.provenance.map((p) => p.account);
  if (
    s.layerAccounts.length > 0 &&
    owners.length > 0 &&
    owners.every((a) => a !== null && s.layerAccounts.includes(a))
  ) {
    return { rule: 'suppress.layerAccounts', match: owners.join(',') };
  }
  if (severityRank(finding.severity) < severityRank(settings.minSeverity))
    return { rule: 'minSeverity', match: settings.minSeverity };
  return null;
}
