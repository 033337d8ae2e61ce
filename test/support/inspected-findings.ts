/**
 * Findings with layer content inspection, for the engine, scoring and renderer tests: the engine
 * is given inspection reports as the Lambda's inspect step would hand them over.
 */
import { type Baseline, recordState } from '../../lambda/domain/baseline.js';
import type { PublishRecord } from '../../lambda/domain/correlation.js';
import { type Analysis, analyze } from '../../lambda/domain/engine.js';
import type { Finding } from '../../lambda/domain/finding.js';
import type { InspectionSignal } from '../../lambda/domain/inspection/model.js';
import type { LayerInspection } from '../../lambda/domain/layer-inspection.js';
import { isFunctionEvent } from '../../lambda/domain/model.js';
import { DEFAULT_SETTINGS, type DetectionSettings } from '../../lambda/domain/settings.js';
import { ACCOUNT, type Rec } from './records.js';
import { eventOf } from './run.js';

/** A CI role: not a person, not a deploy principal (so that scores are not clamped at 100). */
export function ciRole(): Rec {
  return {
    type: 'AssumedRole',
    principalId: 'AROAEXAMPLECIROLE001:build-42',
    arn: `arn:aws:sts::${ACCOUNT}:assumed-role/ci-runner/build-42`,
    accountId: ACCOUNT,
    accessKeyId: 'ASIAEXAMPLETEMPKEY09',
    sessionContext: {
      sessionIssuer: {
        type: 'Role',
        principalId: 'AROAEXAMPLECIROLE001',
        arn: `arn:aws:iam::${ACCOUNT}:role/ci-runner`,
        accountId: ACCOUNT,
        userName: 'ci-runner',
      },
      attributes: { creationDate: '2026-03-14T09:00:00Z', mfaAuthenticated: 'false' },
    },
  };
}

export const EXTENSION: InspectionSignal = {
  id: 'external-extension',
  severity: 'high',
  path: 'extensions/otel-collector',
  reason:
    "extensions/otel-collector is an executable: Lambda starts each executable in /opt/extensions beside every invocation, with the function's credentials, environment and events",
};
export const NATIVE: InspectionSignal = {
  id: 'native-code',
  severity: 'informational',
  path: 'python/lib/libz.so.1',
  reason: 'python/lib/libz.so.1 is an ELF shared object',
};
export const SDK: InspectionSignal = {
  id: 'sdk-shadowing',
  severity: 'medium',
  path: 'python/boto3',
  reason: 'python/boto3 replaces the runtime SDK',
};

/** A complete report of `arn` with `signals`. */
export function report(
  arn: string,
  signals: InspectionSignal[],
  overrides: Partial<LayerInspection> = {},
): LayerInspection {
  return {
    versionArn: arn,
    status: 'inspected',
    cached: false,
    codeSha256: 'c2hhMjU2LW9mLXRoZS16aXA=',
    files: 12,
    uncompressedBytes: 345_678,
    signals,
    gaps: [],
    ...overrides,
  };
}

export interface Context {
  inspections?: Record<string, LayerInspection>;
  publishes?: PublishRecord[];
  settings?: DetectionSettings;
}

/** Replays `history` for the baseline, then analyzes `record` with inspection reports. */
export function analyzeInspected(history: readonly Rec[], record: Rec, context: Context = {}): Analysis {
  const settings = context.settings ?? DEFAULT_SETTINGS;
  let baseline: Baseline | null = null;
  for (const r of history) {
    const event = eventOf(r);
    const a = analyze(event, { baseline, live: { status: 'not-read' }, settings });
    if (a.state && isFunctionEvent(event)) baseline = recordState(baseline, event.fn.arn, a.state);
  }
  return analyze(eventOf(record), {
    baseline,
    live: { status: 'not-read' },
    settings,
    inspections: context.inspections,
    publishes: context.publishes,
  });
}

export function inspectedFinding(history: readonly Rec[], record: Rec, context: Context = {}): Finding {
  const { finding } = analyzeInspected(history, record, context);
  if (!finding) throw new Error('expected a finding');
  return finding;
}
