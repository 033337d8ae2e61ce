/**
 * What the handler reads for an example finding: the function's live configuration
 * (GetFunctionConfiguration, as its adapter keeps it), and the posture its posture step gives
 * (lambda/pipeline/posture.ts, its pure part): code signing as the example functions have it (none),
 * the own account, and the state table's baselines (the scenario's) only when a requested layer is
 * a known publisher's.
 */
import { parseFunctionArn } from '../lambda/domain/arn.js';
import type { Baseline } from '../lambda/domain/baseline.js';
import type { LiveConfiguration } from '../lambda/domain/engine.js';
import type { Finding } from '../lambda/domain/finding.js';
import { guardedRequest, needsLayersInUse } from '../lambda/domain/guardrail/verdict.js';
import { hookVariablesOf } from '../lambda/domain/inspection/exec-hook-variable.js';
import { isFunctionEvent, type LambdaEvent } from '../lambda/domain/model.js';
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

/** The live configuration of a function event's function, when the scenario gives its environment. */
export function liveOf(
  step: { environment?: Record<string, string>; liveLayers?: string[] },
  event: LambdaEvent,
): LiveConfiguration {
  if (!isFunctionEvent(event) || step.environment === undefined) return { status: 'not-read' };
  const after = event.responded.state === 'list' ? event.responded.layers : [];
  return {
    status: 'ok',
    layers: step.liveLayers ?? after,
    runtime: event.details.runtime,
    role: event.details.role,
    // As the adapter does: every variable that is not a start-up hook is dropped at once.
    hooks: hookVariablesOf(step.environment),
  };
}
