/**
 * The deployment's own resources, as the handler receives them (LAYERWATCH_OWN_RESOURCES, read by
 * lambda/config.ts): what detector-tampered watches besides every trail. Built from the constructs'
 * names and ARNs (tokens, resolved by CloudFormation), plus the fixed names of the forwarding rules
 * of forwarder and member stacks and of the canaries, which live in other regions and accounts.
 */
import { Stack, Token } from 'aws-cdk-lib';
import type * as events from 'aws-cdk-lib/aws-events';
import type { Construct } from 'constructs';
import { patternDigest } from '../lambda/domain/detections/detector-tampered.js';
import type { OwnResources } from '../lambda/domain/settings.js';
import { MEMBER_HEARTBEAT_SCHEDULE } from './constructs/heartbeat.js';
import { REMOTE_ALARM_PREFIX } from './event-patterns.js';
import { FORWARDING_RULE_PREFIX } from './forwarding-rule.js';

/** The forwarders' and members' dead-letter alarms (fixed prefix, other stacks). */
export const REMOTE_ALARMS = `${REMOTE_ALARM_PREFIX}*`;
/** The member heartbeat's schedule (group `default`). */
export const MEMBER_HEARTBEAT_SCHEDULE_NAME = MEMBER_HEARTBEAT_SCHEDULE;

/** Lambda's limit for all environment variables of a function together is 4 KB. */
const ENVIRONMENT_BUDGET = 3800;
/** What an unresolved name or ARN may resolve to, at most, for the budget (CloudFormation's generated names stay under it). */
const TOKEN_ROOM = 100;

export function ownResourcesJson(scope: Construct, own: OwnResources): string {
  const unique = Object.fromEntries(
    Object.entries(own).map(([kind, list]) => [kind, [...new Set(list as string[])]]),
  ) as unknown as OwnResources;
  return Stack.of(scope).toJsonString(unique);
}

const MEMBER_STACK_SET_PREFIX = 'layerwatch-member-';

/** The member StackSet of an organization deployment, one per security account and region. */
export function memberStackSetName(region: string): string {
  return `${MEMBER_STACK_SET_PREFIX}${region}`;
}

/**
 * What the member StackSet's stack instances create with generated names: CloudFormation names an
 * instance stack `StackSet-<StackSet name>-<id>` and prefixes generated names with it (cut short
 * where a name has a limit, as IAM's 64 characters: the prefix without the region survives).
 */
export const MEMBER_STACK_INSTANCES = `StackSet-${MEMBER_STACK_SET_PREFIX}*`;

/** lib/app.ts names each forwarder stack `LayerWatchForwarder-<region>`: their generated names start so. */
export const FORWARDER_STACKS = 'LayerWatchForwarder-*';

/** The fixed-name rules of forwarder and member stacks (their own region and account). */
export const FORWARDING_RULES = `${FORWARDING_RULE_PREFIX}*`;

/**
 * Throws when the handler's environment could exceed Lambda's 4 KB: every value counted at its
 * length, an unresolved token at the most it may resolve to.
 */
export function checkEnvironmentSize(environment: Record<string, string>, own: OwnResources): void {
  let size = 0;
  for (const [key, value] of Object.entries(environment))
    size += key.length + (Token.isUnresolved(value) ? estimate(value) : value.length);
  const listed = Object.values(own).flat() as string[];
  size += 200 + listed.reduce((n, s) => n + (Token.isUnresolved(s) ? TOKEN_ROOM : s.length + 3), 0);
  if (size > ENVIRONMENT_BUDGET)
    throw new Error(
      `layerwatch: the handler's environment may reach ${size} characters with the settings and the list of its own resources; Lambda allows 4 KB in all: shorten the settings`,
    );
}

/** A string with tokens in it: its literal part, plus the room of each token. */
function estimate(value: string): number {
  const tokens = value.match(/\$\{Token\[[^\]]+\]\}/g) ?? [];
  return value.length - tokens.join('').length + tokens.length * TOKEN_ROOM;
}

/**
 * The digests of the rules' event patterns as CloudFormation receives them (and PutRule logs them),
 * so that the handler can tell a redeployment from a replaced pattern.
 */
export function patternDigests(rules: readonly events.Rule[]): string[] {
  const digests = rules.map((rule) => {
    const cfn = rule.node.defaultChild as events.CfnRule;
    const pattern = Stack.of(rule).resolve(cfn.eventPattern);
    const digest = patternDigest(pattern);
    if (digest === null || Token.isUnresolved(JSON.stringify(pattern)))
      throw new Error(`layerwatch: the pattern of ${rule.node.path} is not literal`);
    return digest;
  });
  return [...new Set(digests)];
}
