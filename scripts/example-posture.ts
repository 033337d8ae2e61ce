/**
 * The posture the handler's posture step gives an example finding (lambda/pipeline/posture.ts, its
 * pure part): code signing as the example functions have it (none), the own account, and the state
 * table's baselines (the scenario's) only when a requested layer is a known publisher's.
 */
import { parseFunctionArn } from '../lambda/domain/arn.js';
import type { Baseline } from '../lambda/domain/baseline.js';
import type { Finding } from '../lambda/domain/finding.js';
import { guardedRequest, needsLayersInUse } from '../lambda/domain/guardrail/verdict.js';
import type { LambdaEvent } from '../lambda/domain/model.js';
import { postureGaps } from '../lambda/domain/posture.js';
import type { DetectionSettings } from '../lambda/domain/settings.js';
import { ownAccounts, postureOf } from '../lambda/pipeline/posture.js';

export function addExamplePosture(
  finding: Finding,
  event: LambdaEvent,
  settings: DetectionSettings,
  baseline: Baseline | null,
): void {
  const fn = finding.function ? parseFunctionArn(finding.function.arn) : null;
  if (!fn) {
    finding.posture = null;
    return;
  }
  const own = ownAccounts(event, fn, settings, null);
  const latest = baseline?.states.at(-1);
  const baselines = baseline && latest ? [{ functionArn: baseline.functionArn, layers: latest.layers }] : [];
  const posture = postureOf(event, fn, settings, {
    codeSigning: { state: 'none', configArn: null, allowedPublishers: [], detail: null },
    organization: null,
    layersInUse: needsLayersInUse(guardedRequest(event), own, settings.knownPublishers)
      ? { baselines }
      : null,
  });
  finding.posture = posture;
  finding.gaps.push(...postureGaps(posture));
}
