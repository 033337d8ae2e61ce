/**
 * What each watched call does to layerwatch when it touches one of its resources (or any trail):
 * nothing (null), weakens it (high), or blinds or silences it (critical). detector-tampered.ts
 * decides whether the call touches layerwatch at all; this file judges the call as it was made.
 */
import type { TamperEvent, TamperTarget } from '../model.js';
import { globMatch, type OwnResources } from '../settings.js';
import { droppedSources, putRuleHarm } from './detector-tampered-patterns.js';

export interface Judgement {
  /** What the call did to layerwatch, in words. */
  effect: string;
  /** True when it blinds or silences layerwatch outright (critical); else it weakens it (high). */
  blinds: boolean;
}

/** The statement the organization-mode stack puts on the detector's bus (lib/organization.ts). */
export const ORGANIZATION_STATEMENT_ID = 'layerwatch-organization-put-events';
/** The heartbeat's canary never runs (reserved concurrency 0): it only proves that events arrive. */
export const CANARY = 'layerwatch-canary';
/** The member roles trust the detector's role by this tag (lib/constructs/runtime-function.ts). */
export const ROLE_TAG = 'layerwatch:role';

const blinds = (effect: string): Judgement => ({ effect, blinds: true });
const weakens = (effect: string): Judgement => ({ effect, blinds: false });

/** The calls whose harm does not depend on their parameters, once they touch layerwatch. */
export const EFFECTS: Readonly<Record<string, Judgement>> = {
  'cloudtrail:StopLogging': blinds(
    'the trail stopped logging: EventBridge receives no CloudTrail event from it',
  ),
  'cloudtrail:DeleteTrail': blinds('the trail was deleted: EventBridge receives no CloudTrail event from it'),
  'events:DisableRule': blinds('a layerwatch rule was disabled: its events no longer reach the detector'),
  'events:DeleteRule': blinds('a layerwatch rule was deleted: its events no longer reach the detector'),
  'events:RemoveTargets': blinds('targets were removed from a layerwatch rule: its events go nowhere'),
  'events:DeleteEventBus': blinds("layerwatch's event bus was deleted"),
  'events:RemovePermission': blinds("member accounts may no longer put events on layerwatch's bus"),
  'sns:DeleteTopic': blinds('a layerwatch topic was deleted: alerts or alarms reach nobody'),
  'sns:Unsubscribe': weakens('a subscriber was removed from a layerwatch topic'),
  'sns:SetTopicAttributes': weakens(
    'an attribute of a layerwatch topic changed (its policy or key can stop alerts)',
  ),
  'sns:RemovePermission': weakens('a permission was removed from a layerwatch topic'),
  'lambda:DeleteFunction': blinds('a layerwatch function was deleted'),
  'lambda:DeleteFunctionEventInvokeConfig': weakens(
    "a layerwatch function's retries and failure destination were removed: failed alerts are lost silently",
  ),
  'lambda:RemovePermission': weakens(
    'a permission to invoke a layerwatch function was removed (its rule can no longer invoke it)',
  ),
  'kms:DisableKey': blinds("layerwatch's key was disabled: its encrypted topic refuses alerts"),
  'kms:ScheduleKeyDeletion': blinds(
    "layerwatch's key is scheduled for deletion (and disabled until then): its topic refuses alerts",
  ),
  'kms:PutKeyPolicy': blinds(
    "the key policy of layerwatch's key was replaced: a policy that no longer lets SNS, EventBridge or the runtimes use the key makes the topic refuse every alert",
  ),
  'dynamodb:DeleteTable': blinds(
    "layerwatch's state table was deleted: baselines, idempotency and correlation are gone",
  ),
  'dynamodb:PutResourcePolicy': weakens(
    "a resource policy was put on layerwatch's state table: a deny there makes every event fail (retries, then the dead-letter queue)",
  ),
  'cloudwatch:DeleteAlarms': blinds(
    "layerwatch's alarms were deleted: its failures and blind regions (missing heartbeats) page nobody",
  ),
  'cloudwatch:DisableAlarmActions': blinds(
    "the actions of layerwatch's alarms were disabled: its failures and blind regions page nobody",
  ),
  'cloudwatch:PutAlarmMuteRule': blinds(
    "a mute rule now silences layerwatch's alarms: on its schedule, its failures and blind regions page nobody",
  ),
  'sns:PutDataProtectionPolicy': blinds(
    'a data protection policy was put on a layerwatch topic: it can deny or mask every alert that carries an account id or ARN',
  ),
  'lambda:DeleteResourcePolicy': blinds(
    'the resource policy of a layerwatch function was deleted: EventBridge may no longer invoke it, so its rules deliver nothing',
  ),
  'lambda:PutResourcePolicy': blinds(
    'the resource policy of a layerwatch function was replaced whole: if it no longer lets EventBridge invoke it, its rules deliver nothing',
  ),
  'cloudformation:UpdateStackInstances': weakens(
    "stack instances of layerwatch's member StackSet were updated: their parameters or accounts follow the request",
  ),
  'cloudwatch:SetAlarmState': weakens(
    "a layerwatch alarm's state was set by hand: an OK hides an alarm until its next evaluation",
  ),
  'sqs:DeleteQueue': weakens(
    'a layerwatch dead-letter or failure queue was deleted: events that failed delivery are lost, and its alarm has nothing to count',
  ),
  'sqs:PurgeQueue': weakens(
    'a layerwatch dead-letter or failure queue was purged: the events that failed delivery (the evidence) are gone',
  ),
  'sqs:RemovePermission': weakens(
    'a permission was removed from a layerwatch queue: failed events may no longer reach it',
  ),
  'iam:DeleteRolePolicy': blinds(
    "an inline policy was deleted from a layerwatch role: layerwatch's grants are inline, so the runtime loses what it needs",
  ),
  'iam:DetachRolePolicy': weakens(
    'a managed policy was detached from a layerwatch role: the runtime may lose its logs or other permissions',
  ),
  'iam:UpdateAssumeRolePolicy': blinds(
    'the trust policy of a layerwatch role was replaced: the service that runs as it may no longer assume it (or someone else now may)',
  ),
  'iam:PutRolePermissionsBoundary': blinds(
    'a permissions boundary was put on a layerwatch role: it caps every permission the runtime has',
  ),
  'iam:DeleteRole': blinds('a layerwatch role was deleted: the runtime that runs as it cannot start'),
  'cloudformation:UpdateStackSet': blinds(
    "layerwatch's member StackSet was updated: every member account's forwarding rules, roles and heartbeat follow the new template",
  ),
  'cloudformation:DeleteStackInstances': blinds(
    "stack instances of layerwatch's member StackSet were deleted: those accounts and regions are no longer watched",
  ),
  'cloudformation:DeleteStackSet': blinds("layerwatch's member StackSet was deleted"),
  'cloudformation:DeleteStack': blinds(
    'a layerwatch stack is being deleted: its rules, functions and alarms go with it',
  ),
  'scheduler:DeleteSchedule': weakens(
    "the member heartbeat's schedule was deleted: that region's blind alarm fires, but the heartbeat no longer proves it is watched",
  ),
};

/** Null when the call, as made, cannot blind layerwatch; else what it does. */
export function harm(event: TamperEvent, resources: OwnResources): Judgement | null {
  const { parameters: p } = event;
  const key = `${event.target.service}:${event.call}`;
  switch (key) {
    case 'cloudtrail:UpdateTrail':
      return updateTrailHarm(p);
    case 'cloudtrail:PutEventSelectors': {
      const lost = droppedSources(event.selectors);
      return lost.length > 0
        ? blinds(`the trail no longer logs write management events of ${lost.join(', ')}`)
        : null;
    }
    case 'events:PutRule': {
      const effect = putRuleHarm(event, resources.rulePatterns);
      return effect === null ? null : blinds(effect);
    }
    case 'events:PutTargets':
      return putTargetsHarm(event, resources);
    case 'events:PutPermission':
      if (p.statementId === ORGANIZATION_STATEMENT_ID)
        return blinds(
          "the organization's statement on layerwatch's bus was put again: its principal or condition may no longer admit the member accounts",
        );
      return p.policyReplaced === true
        ? blinds(
            "the policy of layerwatch's bus was replaced whole: the member accounts' statement may be gone",
          )
        : weakens(
            "a statement was added to the policy of layerwatch's bus: another account may now put events on it",
          );
    case 'sns:SetSubscriptionAttributes':
      return subscriptionHarm(p.attributeName ?? null);
    case 'lambda:PutFunctionConcurrency':
      return p.reservedConcurrentExecutions === 0 && event.target.name !== CANARY
        ? blinds('a layerwatch function may no longer run (reserved concurrency 0)')
        : null;
    case 'lambda:UpdateFunctionCode':
      return codeHarm(event);
    case 'lambda:PutFunctionEventInvokeConfig':
    case 'lambda:UpdateFunctionEventInvokeConfig':
      return invokeConfigHarm(event);
    default:
      return otherHarm(key, event, resources);
  }
}

function otherHarm(key: string, event: TamperEvent, resources: OwnResources): Judgement | null {
  const { parameters: p } = event;
  switch (key) {
    case 'cloudwatch:PutMetricAlarm':
      return alarmHarm(p, resources);
    case 'sqs:SetQueueAttributes':
      return weakens(
        `attributes of a layerwatch queue were set (${String(p.attributes ?? 'none named')}): its policy, redrive, key or retention decide whether failed events are kept${p.messageRetentionPeriod != null ? `; messages now expire after ${String(p.messageRetentionPeriod)} s` : ''}`,
      );
    case 'iam:PutRolePolicy':
      return p.deny === true
        ? blinds(
            `an inline policy with a Deny (${String(p.policyName)}) was put on a layerwatch role: the runtime is refused what it denies`,
          )
        : weakens(
            `an inline policy (${String(p.policyName)}) was put on a layerwatch role: whatever runs as it gains those permissions, or loses them if it replaced layerwatch's own`,
          );
    case 'iam:AttachRolePolicy': {
      const arn = String(p.policyArn ?? '');
      return /:policy\/AWSDenyAll$/.test(arn)
        ? blinds('AWSDenyAll was attached to a layerwatch role: the runtime may do nothing')
        : weakens(
            `a managed policy (${arn}) was attached to a layerwatch role: its Deny statements, if any, bind the runtime`,
          );
    }
    case 'iam:UntagRole':
    case 'iam:TagRole':
      return roleTagHarm(event);
    case 'scheduler:UpdateSchedule':
      return weakens(
        `the member heartbeat's schedule was changed${p.state === 'DISABLED' ? ' (DISABLED)' : ''}: its target, role or timing decide whether the heartbeat proves the region is watched`,
      );
    default:
      return EFFECTS[key] ?? null;
  }
}

function updateTrailHarm(p: TamperEvent['parameters']): Judgement | null {
  const what: string[] = [];
  if (p.isMultiRegionTrail === false) what.push('it no longer logs other regions (IsMultiRegionTrail false)');
  if (p.isOrganizationTrail === false)
    what.push("it no longer logs the organization's accounts (IsOrganizationTrail false)");
  if (p.s3BucketName !== null && p.s3BucketName !== undefined)
    what.push(`its log files now go to bucket ${String(p.s3BucketName)}`);
  return what.length > 0 ? weakens(`the trail was changed: ${what.join('; ')}`) : null;
}

/**
 * PutTargets on a layerwatch rule. Input, InputPath or an InputTransformer rewrite every event the
 * rule delivers (a transformer can turn each into a valid-looking heartbeat, so detection stops
 * while the heartbeat stays green); a target that is not layerwatch's sends its events elsewhere.
 */
function putTargetsHarm(event: TamperEvent, resources: OwnResources): Judgement {
  const p = event.parameters;
  const rewrites = (['inputTransformer', 'input', 'inputPath'] as const).filter((k) => p[k] === true);
  if (rewrites.length > 0)
    return blinds(
      `a layerwatch rule's targets now rewrite every event it delivers (${rewrites.join(', ')}): detection can stop while the heartbeat stays green`,
    );
  const arns = typeof p.targetArns === 'string' ? p.targetArns.split(',') : [];
  const foreign = arns.filter((arn) => !isOwnDestination(arn, event, resources));
  if (foreign.length > 0)
    return blinds(
      `a layerwatch rule now sends its events to ${foreign.join(', ')}, which is not layerwatch's`,
    );
  return weakens(
    "a layerwatch rule's targets were set again (to layerwatch's own destinations): a redeployment, or a change of retries or dead-letter queue",
  );
}

/** A function, topic or queue of layerwatch's, an own bus, or the default bus of the call's account. */
function isOwnDestination(arn: string, event: TamperEvent, resources: OwnResources): boolean {
  const last = (sep: string) => arn.split(sep).pop() ?? arn;
  const matches = (list: readonly string[], name: string) =>
    list.some((pattern) => (pattern.startsWith('arn:') ? globMatch(pattern, arn) : globMatch(pattern, name)));
  if (arn.includes(':lambda:')) return matches(resources.functions, last(':function:').split(':')[0] ?? '');
  if (arn.includes(':sns:')) return matches(resources.topics, last(':'));
  if (arn.includes(':sqs:')) return matches(resources.queues, last(':'));
  if (arn.includes(':event-bus/'))
    return (
      matches(resources.eventBuses, last('event-bus/')) ||
      arn === `arn:${arn.split(':')[1]}:events:${arn.split(':')[3]}:${event.meta.account}:event-bus/default`
    );
  return false;
}

function subscriptionHarm(attribute: TamperEvent['parameters'][string]): Judgement {
  const name = typeof attribute === 'string' ? attribute : 'an attribute';
  if (name === 'FilterPolicy' || name === 'FilterPolicyScope')
    return blinds(
      `${name} was set on a subscription of a layerwatch topic: a filter can drop every alert before it reaches the subscriber`,
    );
  return weakens(
    `${name} was set on a subscription of a layerwatch topic: its delivery, redrive or format decide whether alerts arrive`,
  );
}

function codeHarm(event: TamperEvent): Judgement | null {
  if (event.parameters.dryRun === true) return null;
  return event.target.name === CANARY
    ? weakens(
        'the code of the heartbeat canary was replaced: it never runs, but nothing but a deployment changes it',
      )
    : blinds(
        'the code of a layerwatch function was replaced: it can drop every event, or report each as clean',
      );
}

function invokeConfigHarm(event: TamperEvent): Judgement {
  const p = event.parameters;
  const what: string[] = [];
  if (p.maximumRetryAttempts === 0) what.push('no retries');
  if (p.maximumEventAgeInSeconds !== null && p.maximumEventAgeInSeconds !== undefined)
    what.push(`events dropped after ${String(p.maximumEventAgeInSeconds)} s`);
  what.push(p.onFailure ? `failed events go to ${String(p.onFailure)}` : 'no failure destination named');
  return weakens(
    `the asynchronous invocation of a layerwatch function was reconfigured (${what.join('; ')}): failed events can be lost silently`,
  );
}

/** PutMetricAlarm on a layerwatch alarm: muted, or its actions no longer reach a layerwatch topic. */
function alarmHarm(p: TamperEvent['parameters'], resources: OwnResources): Judgement {
  if (p.actionsEnabled === false)
    return blinds(
      'a layerwatch alarm was put again with its actions disabled (ActionsEnabled false): it pages nobody',
    );
  const actions = typeof p.alarmActions === 'string' ? p.alarmActions.split(',') : [];
  const own = actions.filter((arn) =>
    resources.topics.some((t) =>
      t.startsWith('arn:') ? globMatch(t, arn) : globMatch(t, arn.split(':').pop() ?? ''),
    ),
  );
  if (own.length === 0)
    return blinds(
      `a layerwatch alarm was put again with ${actions.length === 0 ? 'no alarm actions' : `actions that are not layerwatch's (${actions.join(', ')})`}: it pages nobody`,
    );
  return weakens(
    `a layerwatch alarm was put again: its metric, threshold (${String(p.comparisonOperator)} ${String(p.threshold)}), periods or missing-data treatment (${String(p.treatMissingData)}) decide whether it still fires`,
  );
}

/** The member roles trust the detector's role by its tag: removing or changing it cuts the members off. */
function roleTagHarm(event: TamperEvent): Judgement | null {
  const keys = typeof event.parameters.tagKeys === 'string' ? event.parameters.tagKeys.split(',') : [];
  if (!keys.includes(ROLE_TAG)) return null;
  return blinds(
    `the tag ${ROLE_TAG} of a layerwatch role was ${event.call === 'UntagRole' ? 'removed' : 'set again'}: the member accounts' roles trust the detector's role by it, so reading them can fail`,
  );
}

/** A target for messages: its type and ARN, else its name. */
export function describeTarget(t: TamperTarget): string {
  return `${t.type} ${t.arn ?? t.name}`;
}
