import { isFunctionEvent, type TamperEvent, type TamperTarget, type TargetType } from '../model.js';
import type { Signal } from '../scoring.js';
import { globMatch, type OwnResources } from '../settings.js';
import { type Detection, type MitreTechnique, NO_MATCH, NOT_APPLICABLE, type Verdict } from './detection.js';
import { evaluateOwnFunction } from './detector-tampered-function.js';
import { harm, type Judgement, ORGANIZATION_STATEMENT_ID } from './detector-tampered-harm.js';

export { ORGANIZATION_STATEMENT_ID } from './detector-tampered-harm.js';
export { droppedSources, patternDigest } from './detector-tampered-patterns.js';

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

/** A deployment of a stack: CloudFormation makes every call on the stack's resources itself. */
const CLOUDFORMATION = 'cloudformation.amazonaws.com';

function own(list: readonly string[], arn: string | null, name: string): boolean {
  return list.some((pattern) =>
    pattern.startsWith('arn:') ? arn !== null && globMatch(pattern, arn) : globMatch(pattern, name),
  );
}

/** The list of own resources a target type is looked up in. */
function listOf(type: TargetType, resources: OwnResources): readonly string[] {
  switch (type) {
    case 'trail':
    case 'subscription':
    case 'event-bus':
      return [];
    case 'rule':
      return resources.rules;
    case 'topic':
      return resources.topics;
    case 'function':
      return resources.functions;
    case 'key':
      return resources.keys;
    case 'table':
      return resources.tables;
    case 'alarm':
      return resources.alarms;
    case 'queue':
      return resources.queues;
    case 'role':
      return resources.roles;
    case 'stack':
    case 'stack-set':
      return resources.stacks;
    case 'schedule':
      return resources.schedules;
  }
}

/**
 * The resources of layerwatch's the call touches (any trail counts: EventBridge depends on one);
 * empty when it touches none. A call that names several (DeleteAlarms) touches those that are own.
 */
function ownTargets(event: TamperEvent, resources: OwnResources): TamperTarget[] {
  const { target, parameters: p } = event;
  switch (target.type) {
    case 'trail':
      return [target];
    case 'event-bus':
      // The organization statement is layerwatch's whatever bus carries it.
      return p.statementId === ORGANIZATION_STATEMENT_ID ||
        (own(resources.eventBuses, target.arn, target.name) &&
          (event.call !== 'RemovePermission' || p.removeAllPermissions === true))
        ? [target]
        : [];
    case 'subscription': {
      const topic = typeof p.topicArn === 'string' ? p.topicArn : null;
      return topic !== null && own(resources.topics, topic, topic.split(':').pop() ?? topic) ? [target] : [];
    }
    default:
      // A mute rule that names no alarm (`*`) mutes layerwatch's too.
      return [target, ...event.others].filter(
        (t) => (t.type === 'alarm' && t.name === '*') || own(listOf(t.type, resources), t.arn, t.name),
      );
  }
}

/** The judgement's signal, and a word when CloudFormation made the call (a deployment looks the same). */
function signalsOf(judgement: Judgement, invokedBy: string | null): Signal[] {
  const signals: Signal[] = [
    judgement.blinds
      ? {
          id: 'tamper-blinds',
          points: 20,
          minScore: 60,
          reason: `${judgement.effect}: layerwatch is blind or silent`,
        }
      : { id: 'tamper-weakens', points: 0, minScore: 60, reason: judgement.effect },
  ];
  if (invokedBy === CLOUDFORMATION)
    signals.push({
      id: 'tamper-by-cloudformation',
      points: 0,
      reason:
        "CloudFormation made this call: a deployment, update or removal of layerwatch's stack makes exactly this call, so confirm one was under way (the stack's events name it); a template can blind layerwatch too, so it stays at least high",
    });
  return signals;
}

function evaluateTamper(event: TamperEvent, resources: OwnResources): Verdict {
  const touched = ownTargets(event, resources);
  const [first] = touched;
  if (!first) return NO_MATCH;
  const judgement = harm(event, resources);
  if (judgement === null) return NO_MATCH;
  const more =
    touched.length > 1
      ? ` (and ${touched
          .slice(1)
          .map((t) => t.name)
          .join(', ')})`
      : '';
  return {
    status: 'match',
    evidence: {
      title: `layerwatch tampered with: ${event.call} on ${first.type} ${first.name}${more}`,
      layerArn: null,
      subjects: [],
      signals: signalsOf(judgement, event.actor.invokedBy),
      target: first,
    },
  };
}

export const detectorTampered: Detection = {
  id: DETECTOR_TAMPERED,
  title: 'layerwatch blinded or disarmed',
  fires:
    "A successful call that stops, deletes or narrows a CloudTrail trail (any trail), or disables, deletes, rewires, reconfigures or replaces the code of one of layerwatch's own rules, bus, topics, subscriptions, functions, key, table, alarms, queues, roles, stacks, StackSet or schedules.",
  baseScore: 70,
  baseReason: 'a call blinded or disarmed the detector (base 70, at least high)',
  falsePositives: [
    'A deployment, update or teardown of layerwatch (`cdk deploy`, `cdk destroy`, a StackSet update): CloudFormation makes exactly these calls (userIdentity.invokedBy cloudformation.amazonaws.com), and they alert, at high rather than critical, with a reason saying CloudFormation made them.',
    'Trail changes made on purpose by the team that owns logging.',
  ],
  references: [
    'https://attack.mitre.org/techniques/T1562/008/',
    'https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-aws-service-specific-topics.html',
  ],
  mitre: [T1562_001, T1562_008],
  scoring: { actor: true, provenance: false },
  evaluate({ event, settings, change, hooks }) {
    if (event.kind === 'Tamper') return evaluateTamper(event, settings.ownResources);
    if (isFunctionEvent(event))
      return evaluateOwnFunction(event, change, hooks ?? null, settings.ownResources, signalsOf);
    return NOT_APPLICABLE;
  },
};
