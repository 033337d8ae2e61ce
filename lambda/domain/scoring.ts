/**
 * The risk model. A finding's score is its detection's base score plus the points of every signal
 * that applies, clamped to 0-100; then capped by the lowest `maxScore` of its signals and raised to
 * the highest `minScore` (floors win over caps). Its severity is the score's band (severity.ts).
 * Every signal adds one human-readable reason. DETECTIONS.md documents the table.
 */
import type { ActorContext } from './actor.js';
import { type PublishRecord, publishesBefore } from './correlation.js';
import type { Actor } from './model.js';
import type { LayerProvenance } from './provenance.js';
import { type Severity, severityOf } from './severity.js';

export interface Signal {
  /** Stable id, for tests and tuning. */
  id: string;
  points: number;
  reason: string;
  /** The score is at least this (for example a public share is always high). */
  minScore?: number;
  /** The score is at most this, unless a floor says otherwise. */
  maxScore?: number;
}

export interface Score {
  riskScore: number;
  severity: Severity;
  reasons: string[];
}

export function score(base: number, baseReason: string, signals: readonly Signal[]): Score {
  // One pass over the signals: no arrays of caps, floors or reasons to copy and spread.
  let sum = base;
  let cap = Number.POSITIVE_INFINITY;
  let floor = Number.NEGATIVE_INFINITY;
  const reasons = [baseReason];
  for (const s of signals) {
    sum += s.points;
    if (s.maxScore !== undefined) cap = Math.min(cap, s.maxScore);
    if (s.minScore !== undefined) floor = Math.max(floor, s.minScore);
    // Signals worth 0 points are context (they explain, they do not rank) and are listed without points.
    reasons.push(s.points === 0 ? s.reason : `${s.reason} (${signed(s.points)})`);
  }
  // No cap is +Infinity and no floor -Infinity: either leaves the total as it is.
  const total = Math.max(Math.min(Math.max(0, Math.min(100, Math.round(sum))), cap), floor);
  return { riskScore: total, severity: severityOf(total), reasons };
}

function signed(points: number): string {
  return points > 0 ? `+${points}` : String(points);
}

const DEPLOY_SERVICES = ['cloudformation.amazonaws.com', 'servicecatalog.amazonaws.com'];

/** Signals about who made the call and how. */
export function actorSignals(actor: Actor, ctx: ActorContext): Signal[] {
  const signals: Signal[] = [];
  if (ctx.kind === 'root')
    signals.push({ id: 'actor-root', points: 25, reason: 'the root user (a human identity) made the call' });
  else if (ctx.human) {
    const who =
      ctx.kind === 'iam-user'
        ? 'an IAM user'
        : ctx.kind === 'sso-user'
          ? `an IAM Identity Center user (permission set ${ctx.ssoPermissionSet})`
          : ctx.kind === 'federated-user'
            ? 'a federated user'
            : 'a console session';
    signals.push({ id: 'actor-human', points: 10, reason: `${who} (a human identity) made the call` });
  }
  if (ctx.credentials === 'long-term') {
    signals.push({
      id: 'actor-long-term-key',
      points: 10,
      reason: 'with a long-term access key (AKIA...), not temporary credentials',
    });
  }
  if (
    (ctx.kind === 'iam-user' || ctx.kind === 'root') &&
    ctx.consoleSession &&
    actor.mfaAuthenticated === false
  ) {
    signals.push({ id: 'actor-no-mfa', points: 5, reason: 'in a console session without MFA' });
  }
  if (actor.invokedBy && DEPLOY_SERVICES.includes(actor.invokedBy)) {
    signals.push({
      id: 'actor-deploy-service',
      points: -25,
      reason: `made through ${actor.invokedBy} (a deployment)`,
    });
  } else if (ctx.deployPrincipal) {
    signals.push({
      id: 'actor-deploy-principal',
      points: -25,
      reason: 'made by a known deploy role (settings: deployPrincipals)',
    });
  }
  if (ctx.crossAccount) {
    signals.push({
      id: 'actor-cross-account',
      points: 15,
      reason: `the caller belongs to another account (${actor.accountId})`,
    });
  }
  if (ctx.tooling) {
    signals.push({
      id: 'actor-tooling',
      points: 0,
      reason: `the user agent says ${ctx.tooling} (callers set their user agent: context only)`,
    });
  }
  return signals;
}

const RELATION_SIGNALS: Record<
  LayerProvenance['relation'],
  Omit<Signal, 'reason'> & { reason: (accounts: string) => string }
> = {
  external: {
    id: 'layer-external-account',
    points: 25,
    reason: (a) => `a layer comes from an unknown external account (${a})`,
  },
  organization: {
    id: 'layer-organization-account',
    points: 5,
    reason: (a) => `a layer comes from another account of the organization (${a})`,
  },
  'known-publisher': {
    id: 'layer-known-publisher',
    points: -15,
    reason: (a) => `a layer comes from a known publisher (${a})`,
  },
  'same-account': {
    id: 'layer-same-account',
    points: 0,
    reason: () => "the layer belongs to the function's own account",
  },
  unknown: { id: 'layer-unparseable', points: 10, reason: () => 'a layer entry is not a valid layer ARN' },
};

/** One signal per kind of origin among the layers, then what the lookups said. */
export function provenanceSignals(provenance: readonly LayerProvenance[]): Signal[] {
  const signals: Signal[] = [];
  for (const relation of [
    'external',
    'unknown',
    'organization',
    'known-publisher',
    'same-account',
  ] as const) {
    const matching = provenance.filter((p) => p.relation === relation);
    if (matching.length === 0) continue;
    const accounts = [
      ...new Set(
        matching.map((p) => (p.publisher ? `${p.publisher.name}, ${p.account}` : (p.account ?? '?'))),
      ),
    ].join('; ');
    const { reason, ...rest } = RELATION_SIGNALS[relation];
    signals.push({ ...rest, reason: reason(accounts) });
  }
  for (const p of provenance) {
    if (p.lookup === 'access-denied') {
      signals.push({
        id: 'layer-unreadable',
        points: 0,
        reason: `the detector may not read ${p.versionArn}: its code cannot be inspected from here`,
      });
    } else if (p.lookup === 'not-found') {
      signals.push({
        id: 'layer-deleted',
        points: 5,
        reason: `${p.versionArn} no longer exists (deleted after it was attached?)`,
      });
    }
    if (p.sharing === 'public')
      signals.push({
        id: 'layer-public',
        points: 0,
        reason: `${p.versionArn} is public (usable by every AWS account)`,
      });
  }
  return signals;
}

/** Publish-then-attach: a version published within the window before this event. */
export function correlationSignals(
  subjects: readonly string[],
  actorKey: string | null,
  timeMs: number,
  publishes: readonly PublishRecord[],
  windowMinutes: number,
): { signals: Signal[]; related: string[] } {
  const found = publishesBefore(publishes, subjects, timeMs, windowMinutes);
  const signals: Signal[] = found.map((p) => {
    const minutes = Math.round((timeMs - p.timeMs) / 60_000);
    return actorKey !== null && p.actorKey === actorKey
      ? {
          id: 'published-then-attached',
          points: 20,
          minScore: 60,
          reason: `the same principal published ${p.layerVersionArn} ${minutes} min before attaching it (event ${p.eventId})`,
        }
      : {
          id: 'recently-published',
          points: 0,
          reason: `${p.layerVersionArn} was published ${minutes} min earlier by another principal (event ${p.eventId})`,
        };
  });
  return { signals, related: found.map((p) => p.eventId) };
}
