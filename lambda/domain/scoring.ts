/**
 * The risk model. A finding's score is its detection's base score plus the points of every signal
 * that applies, clamped to 0-100; its severity is the score's band (severity.ts). Every signal that
 * moved the score adds one human-readable reason. DETECTIONS.md documents the table.
 */
import { parseLayerArn } from './arn.js';
import type { Actor, EventMeta } from './model.js';
import { type Severity, severityOf } from './severity.js';

export interface Signal {
  /** Stable id, for tests and tuning. */
  id: string;
  points: number;
  reason: string;
}

export interface Score {
  riskScore: number;
  severity: Severity;
  reasons: string[];
}

export function score(base: number, baseReason: string, signals: readonly Signal[]): Score {
  const total = signals.reduce((sum, s) => sum + s.points, base);
  const riskScore = Math.max(0, Math.min(100, Math.round(total)));
  // Signals worth 0 points are context (they explain, they do not rank) and are listed without points.
  const reasons = [
    baseReason,
    ...signals.map((s) => (s.points === 0 ? s.reason : `${s.reason} (${signed(s.points)})`)),
  ];
  return { riskScore, severity: severityOf(riskScore), reasons };
}

function signed(points: number): string {
  return points > 0 ? `+${points}` : String(points);
}

const SERVICE_DEPLOYERS = ['cloudformation.amazonaws.com', 'servicecatalog.amazonaws.com'];

/** Signals about who made the call and how. */
export function actorSignals(actor: Actor, meta: EventMeta): Signal[] {
  const signals: Signal[] = [];
  const type = actor.type ?? '';
  if (type === 'Root') {
    signals.push({ id: 'actor-root', points: 25, reason: 'the root user made the call' });
  } else if (type === 'IAMUser') {
    signals.push({
      id: 'actor-iam-user',
      points: 10,
      reason: 'an IAM user (a human identity) made the call',
    });
  }
  if (actor.accessKeyId?.startsWith('AKIA')) {
    signals.push({ id: 'actor-long-term-key', points: 10, reason: 'with a long-term access key (AKIA...)' });
  }
  if (actor.invokedBy && SERVICE_DEPLOYERS.includes(actor.invokedBy)) {
    signals.push({
      id: 'actor-deploy-service',
      points: -25,
      reason: `made through ${actor.invokedBy} (a deployment)`,
    });
  }
  if (actor.accountId && actor.accountId !== meta.account) {
    signals.push({
      id: 'actor-cross-account',
      points: 15,
      reason: `the caller belongs to another account (${actor.accountId})`,
    });
  }
  return signals;
}

/** Signals about where added layers come from, relative to the function's account. */
export function layerOriginSignals(added: readonly string[], functionAccount: string): Signal[] {
  const foreign = new Set<string>();
  let unparseable = 0;
  for (const arn of added) {
    const parts = parseLayerArn(arn);
    if (!parts) unparseable += 1;
    else if (parts.account !== functionAccount) foreign.add(parts.account);
  }
  const signals: Signal[] = [];
  if (foreign.size > 0) {
    signals.push({
      id: 'layer-external-account',
      points: 20,
      reason: `a layer comes from another account (${[...foreign].sort().join(', ')})`,
    });
  }
  if (unparseable > 0) {
    signals.push({ id: 'layer-unparseable', points: 10, reason: 'a layer entry is not a valid layer ARN' });
  }
  return signals;
}
