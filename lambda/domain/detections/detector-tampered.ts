import { createHash } from 'node:crypto';
import type { EventSelectors, TamperEvent } from '../model.js';
import type { Signal } from '../scoring.js';
import { globMatch, type OwnResources } from '../settings.js';
import { type Detection, type MitreTechnique, NO_MATCH, NOT_APPLICABLE } from './detection.js';

export const DETECTOR_TAMPERED = 'detector-tampered';

/** MITRE ATT&CK T1562.001 and .008: disable or modify tools, disable or modify cloud logs. */
const T1562_001: MitreTechnique = {
  techniqueId: 'T1562.001',
  techniqueName: 'Impair Defenses: Disable or Modify Tools',
  tactic: 'Defense Evasion',
  url: 'https://attack.mitre.org/techniques/T1562/001/',
};
const T1562_008: MitreTechnique = {
  techniqueId: 'T1562.008',
  techniqueName: 'Impair Defenses: Disable or Modify Cloud Logs',
  tactic: 'Defense Evasion',
  url: 'https://attack.mitre.org/techniques/T1562/008/',
};

/** The statement the organization-mode stack puts on the detector's bus (lib/organization.ts). */
export const ORGANIZATION_STATEMENT_ID = 'layerwatch-organization-put-events';
/** The heartbeat's canary never runs: reserved concurrency 0 is its normal state. */
const CANARY = 'layerwatch-canary';
/** Event sources whose write management events layerwatch needs: Lambda's, and those of the tamper watch. */
const NEEDED_SOURCES = [
  'lambda.amazonaws.com',
  'cloudtrail.amazonaws.com',
  'events.amazonaws.com',
  'sns.amazonaws.com',
  'kms.amazonaws.com',
  'dynamodb.amazonaws.com',
];

/** What each call does to layerwatch, and whether it blinds it outright (critical) or in part (high). */
const EFFECTS: Record<string, { effect: string; blinds: boolean }> = {
  'cloudtrail:StopLogging': {
    effect: 'the trail stopped logging: EventBridge receives no CloudTrail event from it',
    blinds: true,
  },
  'cloudtrail:DeleteTrail': {
    effect: 'the trail was deleted: EventBridge receives no CloudTrail event from it',
    blinds: true,
  },
  'cloudtrail:UpdateTrail': { effect: 'the trail now logs less or elsewhere', blinds: false },
  'cloudtrail:PutEventSelectors': {
    effect: 'the trail no longer logs the write management events layerwatch reads',
    blinds: true,
  },
  'events:DisableRule': {
    effect: 'a layerwatch rule was disabled: its events no longer reach the detector',
    blinds: true,
  },
  'events:DeleteRule': {
    effect: 'a layerwatch rule was deleted: its events no longer reach the detector',
    blinds: true,
  },
  'events:RemoveTargets': {
    effect: 'targets were removed from a layerwatch rule: its events go nowhere',
    blinds: true,
  },
  'events:PutRule': { effect: 'a layerwatch rule was set to DISABLED', blinds: true },
  'events:DeleteEventBus': { effect: "layerwatch's event bus was deleted", blinds: true },
  'events:RemovePermission': {
    effect: "member accounts may no longer put events on layerwatch's bus",
    blinds: true,
  },
  'sns:DeleteTopic': {
    effect: 'a layerwatch topic was deleted: alerts or alarms reach nobody',
    blinds: true,
  },
  'sns:Unsubscribe': { effect: 'a subscriber was removed from a layerwatch topic', blinds: false },
  'sns:SetTopicAttributes': {
    effect: 'an attribute of a layerwatch topic changed (its policy or key can stop alerts)',
    blinds: false,
  },
  'sns:RemovePermission': { effect: 'a permission was removed from a layerwatch topic', blinds: false },
  'lambda:DeleteFunction': { effect: 'a layerwatch function was deleted', blinds: true },
  'lambda:PutFunctionConcurrency': {
    effect: 'a layerwatch function may no longer run (reserved concurrency 0)',
    blinds: true,
  },
  'lambda:DeleteFunctionEventInvokeConfig': {
    effect:
      "a layerwatch function's retries and failure destination were removed: failed alerts are lost silently",
    blinds: false,
  },
  'lambda:RemovePermission': {
    effect: 'a permission to invoke a layerwatch function was removed (its rule can no longer invoke it)',
    blinds: false,
  },
  'kms:DisableKey': {
    effect: "layerwatch's key was disabled: its encrypted topic refuses alerts",
    blinds: true,
  },
  'kms:ScheduleKeyDeletion': {
    effect: "layerwatch's key is scheduled for deletion (and disabled until then): its topic refuses alerts",
    blinds: true,
  },
  'dynamodb:DeleteTable': {
    effect: "layerwatch's state table was deleted: baselines, idempotency and correlation are gone",
    blinds: true,
  },
};

function own(list: readonly string[], arn: string | null, name: string): boolean {
  return list.some((pattern) =>
    pattern.startsWith('arn:') ? arn !== null && globMatch(pattern, arn) : globMatch(pattern, name),
  );
}

/** True when the call touches layerwatch (any trail counts: EventBridge depends on one). */
function touchesLayerwatch(event: TamperEvent, resources: OwnResources): boolean {
  const { target, parameters: p } = event;
  switch (target.type) {
    case 'trail':
      return true;
    case 'rule':
      return own(resources.rules, target.arn, target.name);
    case 'event-bus':
      // The organization statement is layerwatch's whatever bus carries it.
      return (
        p.statementId === ORGANIZATION_STATEMENT_ID ||
        (own(resources.eventBuses, target.arn, target.name) &&
          (event.call === 'DeleteEventBus' || p.removeAllPermissions === true))
      );
    case 'topic':
      return own(resources.topics, target.arn, target.name);
    case 'subscription': {
      const topic = typeof p.topicArn === 'string' ? p.topicArn : null;
      return topic !== null && own(resources.topics, topic, topic.split(':').pop() ?? topic);
    }
    case 'function':
      return own(resources.functions, target.arn, target.name);
    case 'key':
      return own(resources.keys, target.arn, target.name);
    case 'table':
      return own(resources.tables, target.arn, target.name);
    case 'alarm':
      return own(resources.alarms, target.arn, target.name);
    case 'queue':
      return own(resources.queues, target.arn, target.name);
    case 'role':
      return own(resources.roles, target.arn, target.name);
    case 'stack':
    case 'stack-set':
      return own(resources.stacks, target.arn, target.name);
    case 'schedule':
      return own(resources.schedules, target.arn, target.name);
  }
}

/** The JSON value with every object's keys sorted: the same pattern, however it was written. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (typeof value !== 'object' || value === null) return value;
  const o = value as Record<string, unknown>;
  return Object.fromEntries(
    Object.keys(o)
      .sort()
      .map((k) => [k, canonical(o[k])]),
  );
}

/** A short digest of an event pattern (JSON text or value), by content; null when it is not JSON. */
export function patternDigest(pattern: unknown): string | null {
  let value = pattern;
  if (typeof pattern === 'string') {
    try {
      value = JSON.parse(pattern);
    } catch {
      return null;
    }
  }
  return createHash('sha256')
    .update(JSON.stringify(canonical(value)))
    .digest('hex')
    .slice(0, 16);
}

/** The remote alarm relays' patterns name alarms of other stacks: not listed, and not a detection path. */
function isAlarmRelay(pattern: string): boolean {
  return pattern.includes('"aws.cloudwatch"') && pattern.includes('layerwatch-remote-');
}

/** PutRule: DISABLED, or another pattern than the ones layerwatch deploys (when they are known). */
function putRuleHarm(event: TamperEvent, known: readonly string[]): string | null {
  const { state, eventPattern } = event.parameters;
  if (state === 'DISABLED') return EFFECTS['events:PutRule']?.effect ?? null;
  if (typeof eventPattern !== 'string' || known.length === 0 || isAlarmRelay(eventPattern)) return null;
  const digest = patternDigest(eventPattern);
  return digest !== null && known.includes(digest)
    ? null
    : "a layerwatch rule's event pattern was replaced: it no longer selects the events layerwatch needs";
}

/** Null when the call, as made, cannot blind layerwatch; else what it does. */
function harm(event: TamperEvent, resources: OwnResources): string | null {
  const { parameters: p } = event;
  switch (`${event.target.service}:${event.call}`) {
    case 'cloudtrail:UpdateTrail': {
      const what: string[] = [];
      if (p.isMultiRegionTrail === false)
        what.push('it no longer logs other regions (IsMultiRegionTrail false)');
      if (p.isOrganizationTrail === false)
        what.push("it no longer logs the organization's accounts (IsOrganizationTrail false)");
      if (p.s3BucketName !== null && p.s3BucketName !== undefined)
        what.push(`its log files now go to bucket ${String(p.s3BucketName)}`);
      return what.length > 0 ? `the trail was changed: ${what.join('; ')}` : null;
    }
    case 'cloudtrail:PutEventSelectors': {
      const lost = droppedSources(event.selectors);
      return lost.length > 0
        ? `the trail no longer logs write management events of ${lost.join(', ')}`
        : null;
    }
    case 'events:PutRule':
      return putRuleHarm(event, resources.rulePatterns);
    case 'lambda:PutFunctionConcurrency':
      return p.reservedConcurrentExecutions === 0 && event.target.name !== CANARY
        ? (EFFECTS['lambda:PutFunctionConcurrency']?.effect ?? null)
        : null;
    default:
      return EFFECTS[`${event.target.service}:${event.call}`]?.effect ?? null;
  }
}

/**
 * The needed event sources whose write management events the selectors no longer log. Basic
 * selectors: a selector with management events, not read-only, not excluding the source. Advanced
 * selectors: one of category Management whose readOnly and eventSource conditions admit writes of it.
 */
export function droppedSources(selectors: EventSelectors | null): string[] {
  if (!selectors) return [];
  return NEEDED_SOURCES.filter((source) => {
    const basic = selectors.basic.some(
      (s) =>
        s.includeManagementEvents !== false &&
        (s.readWriteType === null || ['All', 'WriteOnly'].includes(s.readWriteType)) &&
        !s.excludeManagementEventSources.includes(source),
    );
    const advanced = selectors.advanced.some((s) => {
      const field = (name: string) => s.fieldSelectors.filter((f) => f.field === name);
      const management = field('eventCategory').some((f) => f.equals.includes('Management'));
      const writes = field('readOnly').every(
        (f) => !f.equals.includes('true') && !f.notEquals.includes('false'),
      );
      const sourceOk = field('eventSource').every(
        (f) =>
          (f.equals.length === 0 || f.equals.includes(source)) &&
          !f.notEquals.includes(source) &&
          (f.startsWith.length === 0 || f.startsWith.some((x) => source.startsWith(x))) &&
          !f.notStartsWith.some((x) => source.startsWith(x)),
      );
      return management && writes && sourceOk;
    });
    return !basic && !advanced;
  });
}

export const detectorTampered: Detection = {
  id: DETECTOR_TAMPERED,
  title: 'layerwatch blinded or disarmed',
  fires:
    "A successful call that stops, deletes or narrows a CloudTrail trail (any trail), or disables, deletes or disconnects one of layerwatch's own rules, bus, topics, subscriptions, functions, key or table.",
  baseScore: 70,
  baseReason: 'a call blinded or disarmed the detector (base 70, at least high)',
  falsePositives: [
    'A planned teardown (`cdk destroy`) or a redeployment that replaces resources: it looks exactly like tampering, and alerts.',
    'Trail changes made on purpose by the team that owns logging.',
  ],
  references: [
    'https://attack.mitre.org/techniques/T1562/008/',
    'https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-aws-service-specific-topics.html',
  ],
  mitre: [T1562_001, T1562_008],
  scoring: { actor: true, provenance: false },
  evaluate({ event, settings }) {
    if (event.kind !== 'Tamper') return NOT_APPLICABLE;
    if (!touchesLayerwatch(event, settings.ownResources)) return NO_MATCH;
    const effect = harm(event, settings.ownResources);
    if (effect === null) return NO_MATCH;
    const blinds = EFFECTS[`${event.target.service}:${event.call}`]?.blinds ?? false;
    const signals: Signal[] = [
      blinds
        ? {
            id: 'tamper-blinds',
            points: 20,
            minScore: 60,
            reason: `${effect}: layerwatch is blind or silent`,
          }
        : { id: 'tamper-weakens', points: 0, minScore: 60, reason: effect },
    ];
    const { target } = event;
    return {
      status: 'match',
      evidence: {
        title: `layerwatch tampered with: ${event.call} on ${target.type} ${target.name}`,
        layerArn: null,
        subjects: [],
        signals,
      },
    };
  },
};
