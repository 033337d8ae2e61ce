/**
 * Grants a runtime exactly the calls its adapters declare (lambda/runtime-calls.ts), each on the
 * ARNs of its resource kind in this deployment. Nothing is granted by hand elsewhere; the policy
 * simulation in test/lib/permissions.test.ts proves the result in every deployment mode.
 */
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { CallOption, ResourceKind, RuntimeCall, TopicRole } from '../lambda/adapters/calls.js';
import { CANARY_FUNCTION_NAME } from '../lambda/domain/heartbeat.js';

export interface PublishTarget {
  readonly topic: sns.ITopic;
  /** The customer-managed key that encrypts the topic, if any: publishing needs a data key. */
  readonly key?: kms.IKey;
}

export interface CallTargets {
  readonly partition: string;
  /** The detector's account and every region whose functions it reads with its own role. */
  readonly account: string;
  readonly regions: readonly string[];
  /** Regions with a heartbeat canary (the detector's, and forwarder regions). */
  readonly canaryRegions: readonly string[];
  readonly tableArn: string;
  readonly topics: Readonly<Record<TopicRole, PublishTarget>>;
  /** The read-only role of member accounts, when the deployment reaches other accounts. */
  readonly memberRole?: { readonly name: string; readonly organizationId?: string };
  /** The sinks this deployment turned on: their calls are granted, the others' are not. */
  readonly options: Readonly<Record<CallOption, boolean>>;
  /** The detector's home region (Security Hub and the event bus are regional). */
  readonly homeRegion: string;
  /** The sweep's queue of pairs, for the runtime that queues them. */
  readonly sweepQueueArn?: string;
}

/** Publishing to a KMS-encrypted topic: SNS asks for a data key with the publisher's credentials. */
export const TOPIC_KEY_ACTIONS = ['kms:Decrypt', 'kms:GenerateDataKey*'] as const;

export function grantCalls(grantee: iam.IGrantable, calls: readonly RuntimeCall[], t: CallTargets): void {
  const byResource = new Map<
    string,
    { actions: Set<string>; statement: Omit<iam.PolicyStatementProps, 'actions'> }
  >();
  const add = (key: string, action: string, statement: Omit<iam.PolicyStatementProps, 'actions'>) => {
    const entry = byResource.get(key) ?? { actions: new Set<string>(), statement };
    entry.actions.add(action);
    byResource.set(key, entry);
  };
  for (const call of calls) {
    if (call.option && !t.options[call.option]) continue; // that sink is off: never sent
    if (call.resource === 'topic') {
      if (!call.topic) throw new Error(`layerwatch: ${call.action} targets a topic but names none`);
      const target = t.topics[call.topic];
      add(`topic:${call.topic}`, call.action, { resources: [target.topic.topicArn] });
      if (target.key) {
        for (const a of TOPIC_KEY_ACTIONS) add(`key:${call.topic}`, a, { resources: [target.key.keyArn] });
      }
      continue;
    }
    if (call.resource === 'member-role' && !t.memberRole) continue; // never sent: no other account is reached
    add(call.resource, call.action, statementFor(call.resource, t));
  }
  for (const { actions, statement } of byResource.values()) {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({ ...statement, actions: [...actions].sort() }),
    );
  }
}

function statementFor(
  kind: Exclude<ResourceKind, 'topic'>,
  t: CallTargets,
): Omit<iam.PolicyStatementProps, 'actions'> {
  switch (kind) {
    case 'function':
      return {
        resources: [...new Set(t.regions)].map(
          (r) => `arn:${t.partition}:lambda:${r}:${t.account}:function:*`,
        ),
      };
    case 'capacity-provider':
      // Lambda Managed Instances: the function versions on a capacity provider are listed.
      return {
        resources: [...new Set(t.regions)].map(
          (r) => `arn:${t.partition}:lambda:${r}:${t.account}:capacity-provider:*`,
        ),
      };
    case 'code-signing-config':
      // A function's code signing configuration, read in the function's account and region.
      return {
        resources: [...new Set(t.regions)].map(
          (r) => `arn:${t.partition}:lambda:${r}:${t.account}:code-signing-config:*`,
        ),
      };
    case 'layer-version':
      // Layers attached to a function may belong to any account and region: their metadata is read.
      return { resources: [`arn:${t.partition}:lambda:*:*:layer:*:*`] };
    case 'table':
      return { resources: [t.tableArn] };
    case 'member-role': {
      const role = t.memberRole as NonNullable<CallTargets['memberRole']>;
      return {
        resources: [`arn:${t.partition}:iam::*:role/${role.name}`],
        ...(role.organizationId
          ? { conditions: { StringEquals: { 'aws:ResourceOrgID': role.organizationId } } }
          : {}),
      };
    }
    case 'canary-function':
      // The one write: the heartbeat changes the description of its own canary, nothing else.
      return {
        resources: [...new Set(t.canaryRegions)].map(
          (r) => `arn:${t.partition}:lambda:${r}:${t.account}:function:${CANARY_FUNCTION_NAME}`,
        ),
      };
    case 'securityhub-product':
      return {
        resources: [
          `arn:${t.partition}:securityhub:${t.homeRegion}:${t.account}:product/${t.account}/default`,
        ],
      };
    case 'event-bus':
      return { resources: [`arn:${t.partition}:events:${t.homeRegion}:${t.account}:event-bus/default`] };
    case 'role':
      return { resources: [`arn:${t.partition}:iam::${t.account}:role/*`] };
    case 'sweep-queue':
      if (!t.sweepQueueArn) throw new Error('layerwatch: a call on the sweep queue, but no queue was given');
      return { resources: [t.sweepQueueArn] };
    case 'any':
      return { resources: ['*'] };
  }
}

/**
 * The member role's grants: the calls the detector sends through it, on the functions of the
 * member account in any region (one role serves every region of the account), any layer, and `*`
 * for calls without resource-level permission. Calls on the detector's own resources never go there.
 */
export function grantMemberCalls(
  role: iam.IGrantable,
  calls: readonly RuntimeCall[],
  partition: string,
  account: string,
): void {
  const resources: Partial<Record<ResourceKind, string>> = {
    function: `arn:${partition}:lambda:*:${account}:function:*`,
    'capacity-provider': `arn:${partition}:lambda:*:${account}:capacity-provider:*`,
    'layer-version': `arn:${partition}:lambda:*:*:layer:*:*`,
    'code-signing-config': `arn:${partition}:lambda:*:${account}:code-signing-config:*`,
    any: '*',
  };
  const byResource = new Map<string, string[]>();
  for (const call of calls) {
    const resource = resources[call.resource];
    if (!resource)
      throw new Error(`layerwatch: ${call.action} on a ${call.resource} cannot go through the member role`);
    byResource.set(resource, [...(byResource.get(resource) ?? []), call.action]);
  }
  for (const [resource, actions] of byResource) {
    role.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: [...new Set(actions)].sort(), resources: [resource] }),
    );
  }
}

/**
 * The member heartbeat role's grant: its declared calls on the canary of its account and region only
 * (a call on anything else is refused at synthesis).
 */
export function grantCanaryCalls(role: iam.IRole, calls: readonly RuntimeCall[], canaryArn: string): void {
  const actions = calls.map((c) => {
    if (c.resource !== 'canary-function')
      throw new Error(
        `layerwatch: the member heartbeat sends ${c.action} on a ${c.resource}: only the canary`,
      );
    return c.action;
  });
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({ actions: [...new Set(actions)].sort(), resources: [canaryArn] }),
  );
}
