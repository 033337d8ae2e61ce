/**
 * What each adapter sends to AWS, declared beside it: the IAM action and the kind of resource the
 * call targets. The stacks grant exactly these (lib/permissions.ts turns each kind into the ARNs of
 * a deployment), and the tests prove both directions: every command an adapter sends is declared
 * (test/lambda/adapters/calls.test.ts), and every declared call is allowed, with nothing beyond, in
 * every deployment mode (test/lib/permissions.test.ts, an IAM policy simulator over the templates).
 */

/**
 * - `function`: a Lambda function of a covered account and region;
 * - `layer-version`: a layer version of any account (attached layers may come from anywhere);
 * - `code-signing-config`: a code signing configuration of a covered account and region (a
 *   function's, read where the function is);
 * - `table`: the detector's state table;
 * - `topic`: an SNS topic of the deployment (which one is said where the adapter is used);
 * - `member-role`: the read-only role in a member account;
 * - `canary-function`: the heartbeat's canary function in a covered region (the one write layerwatch makes);
 * - `capacity-provider`: a Lambda Managed Instances capacity provider of a covered account and region;
 * - `securityhub-product`: the account's default Security Hub product (findings imported there);
 * - `event-bus`: the default event bus of the detector's account and region;
 * - `role`: an IAM role of the account (the CLI reads a function's execution role; no stack grants it);
 * - `sweep-queue`: the sweep's queue of account/region pairs;
 * - `any`: an action that supports no resource-level permission (granted on `*`).
 */
export type ResourceKind =
  | 'function'
  | 'layer-version'
  | 'code-signing-config'
  | 'table'
  | 'topic'
  | 'member-role'
  | 'canary-function'
  | 'capacity-provider'
  | 'securityhub-product'
  | 'event-bus'
  | 'role'
  | 'sweep-queue'
  | 'any';

export interface DeclaredCall {
  /** `service:Action`, as IAM spells it. */
  readonly action: string;
  readonly resource: ResourceKind;
}

/** Which topic of the deployment a `topic` call publishes to. */
export type TopicRole = 'alert' | 'operations';

/** The deployment options that add calls: two finding sinks, and organization discovery. */
export type CallOption = 'securityHub' | 'findingEvents' | 'organizationDiscovery';

/** A call as a runtime makes it: a declared call, bound to one of the deployment's topics if it targets one. */
export interface RuntimeCall extends DeclaredCall {
  readonly topic?: TopicRole;
  /** Made only when this option is on (granted only then). */
  readonly option?: CallOption;
}

/** Calls made only when `option` is on. */
export function whenOption(calls: readonly DeclaredCall[], option: CallOption): RuntimeCall[] {
  return calls.map((c) => ({ ...c, option }));
}

/** Binds an adapter's `topic` calls to one of the deployment's topics. */
export function onTopic(calls: readonly DeclaredCall[], topic: TopicRole): RuntimeCall[] {
  return calls.map((c) => (c.resource === 'topic' ? { ...c, topic } : c));
}

/** The calls of several adapters, each once. */
export function union(...lists: (readonly RuntimeCall[])[]): RuntimeCall[] {
  const seen = new Map<string, RuntimeCall>();
  for (const c of lists.flat()) seen.set(`${c.action}|${c.resource}|${c.topic ?? ''}|${c.option ?? ''}`, c);
  return [...seen.values()];
}
