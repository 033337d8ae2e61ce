/**
 * Turns the calls each runtime declares (lambda/runtime-calls.ts) into the concrete requests a
 * deployment makes: every account and region it covers, the table, the topics and their keys, the
 * member roles. The principals and resource policies come from the synthesized templates.
 */
import type { CallOption, ResourceKind, RuntimeCall, TopicRole } from '../../lambda/adapters/calls.js';
import { CANARY_FUNCTION_NAME } from '../../lambda/domain/heartbeat.js';
import { MEMBER_ROLE_CALLS, RUNTIME_CALLS } from '../../lambda/runtime-calls.js';
import { partitionOf, referencedId, resourcesOfType, TemplateResolver } from './cfn-resolver.js';
import type { SynthesizedDeployment } from './deployments.js';
import type { AccessRequest, Needs, PolicyDocument, Principal } from './iam-simulation.js';
import { attachedPolicy, rolePrincipal } from './iam-simulation.js';
import { documentedPolicy } from './receivers.js';

export type RuntimeName = keyof typeof RUNTIME_CALLS;

/**
 * How each runtime's function is recognized in a template, by its environment (never by logical id).
 * A runtime added to RUNTIME_CALLS must be added here (the type says so; `runtimeFunction` too).
 */
export const RUNTIME_MATCHERS: { readonly [K in RuntimeName]: (env: Record<string, unknown>) => boolean } = {
  handler: (env) =>
    'ALERT_TOPIC_ARN' in env &&
    'BASELINE_TABLE' in env &&
    !('SWEEP_ACCOUNTS' in env) &&
    !('SWEEP_DEAD_LETTER_QUEUE_ARN' in env),
  sweep: (env) => 'SWEEP_ACCOUNTS' in env,
  sweepWorker: (env) => 'SWEEP_DEAD_LETTER_QUEUE_ARN' in env,
  heartbeat: (env) => 'HEARTBEAT_CANARIES' in env,
  containment: (env) => 'CONTAINMENT_ACTION_ARN' in env,
};

/** Runtimes a deployment has only when an option turns them on. */
export const OPTIONAL_RUNTIMES: ReadonlySet<RuntimeName> = new Set(['containment']);

/** The runtimes this deployment runs. */
export function runtimesOf(d: SynthesizedDeployment): RuntimeName[] {
  return RUNTIMES.filter(
    (r) =>
      !OPTIONAL_RUNTIMES.has(r) ||
      resourcesOfType(d.detector.template, 'AWS::Lambda::Function').some(([, f]) => {
        const env = (f.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)
          ?.Variables;
        return env !== undefined && RUNTIME_MATCHERS[r](env);
      }),
  );
}

export const RUNTIMES = Object.keys(RUNTIME_CALLS) as RuntimeName[];

/** Services whose calls are made in the account they read (lambda/adapters/accounts.ts, clientsPerAccount). */
const PER_ACCOUNT_SERVICES = new Set(['lambda']);

/** An account that owns layers and is no part of the deployment (layers may come from anywhere). */
export const FOREIGN_ACCOUNT = '999988887777';

export interface RuntimeFunction {
  readonly logicalId: string;
  readonly roleId: string;
  readonly env: Record<string, unknown>;
}

/** The one function of the detector template that runs `runtime`; anything else fails loudly. */
export function runtimeFunction(d: SynthesizedDeployment, runtime: string): RuntimeFunction {
  const matcher = (RUNTIME_MATCHERS as Record<string, (env: Record<string, unknown>) => boolean>)[runtime];
  if (!matcher) throw new Error(`runtime "${runtime}" of RUNTIME_CALLS has no matcher in RUNTIME_MATCHERS`);
  const found = resourcesOfType(d.detector.template, 'AWS::Lambda::Function').filter(([, r]) => {
    const env = (r.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables;
    return env !== undefined && matcher(env);
  });
  if (found.length !== 1) {
    throw new Error(
      `${d.name}: expected one function running "${runtime}", found ${found.length} (${found.map(([id]) => id).join(', ')})`,
    );
  }
  const [logicalId, fn] = found[0] as [string, { Properties: Record<string, unknown> }];
  const roleId = referencedId(fn.Properties.Role);
  if (!roleId) throw new Error(`${d.name}: the ${runtime} function has no role of this template`);
  const env = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
  return { logicalId, roleId, env };
}

export interface TopicKey {
  readonly arn: string;
  readonly policy: PolicyDocument;
  /** Where the key policy comes from: the template, or the statement README documents (imported key). */
  readonly source: 'template' | 'documented statement';
}

/** A deployment, resolved where it is deployed: principals, topics, keys, table, bus. */
export class DeploymentModel {
  readonly home: TemplateResolver;

  constructor(readonly d: SynthesizedDeployment) {
    const { homeAccount: account, homeRegion: region } = d.coverage;
    this.home = new TemplateResolver(d.detector.template, { account, region });
  }

  get partition(): string {
    return this.home.partition;
  }

  runtimePrincipal(runtime: RuntimeName): Principal {
    const { roleId } = runtimeFunction(this.d, runtime);
    const org = this.d.coverage.organizationId;
    return rolePrincipal(this.home, roleId, `${runtime} role`, org ? { 'aws:PrincipalOrgID': org } : {});
  }

  /** The read-only role of a member account, from the member template (created in the first member region). */
  memberPrincipal(account: string): Principal {
    const { member } = this.d;
    const roleName = this.d.coverage.memberRoleName;
    const region = this.d.config.organization?.regions[0];
    if (!member || !roleName || !region) throw new Error(`${this.d.name}: no member template or role name`);
    const resolver = new TemplateResolver(member.template, { account, region });
    const roles = resourcesOfType(member.template, 'AWS::IAM::Role').filter(
      ([id, r]) => r.Properties?.RoleName === roleName && resolver.exists(id),
    );
    if (roles.length !== 1)
      throw new Error(`${this.d.name}: member template has ${roles.length} roles named ${roleName}`);
    const [roleId] = roles[0] as [string, unknown];
    return rolePrincipal(resolver, roleId, `member role in ${account}`, {
      'aws:PrincipalOrgID': this.d.coverage.organizationId ?? '',
    });
  }

  /** The member role's trust policy, resolved in `account`. */
  memberTrustPolicy(account: string): PolicyDocument {
    const { member } = this.d;
    const region = this.d.config.organization?.regions[0];
    if (!member || !region) throw new Error(`${this.d.name}: no member template`);
    const resolver = new TemplateResolver(member.template, { account, region });
    const [, role] =
      resourcesOfType(member.template, 'AWS::IAM::Role').find(
        ([, r]) => r.Properties?.RoleName === this.d.coverage.memberRoleName,
      ) ?? [];
    if (!role?.Properties?.AssumeRolePolicyDocument) {
      throw new Error(`${this.d.name}: no member role ${this.d.coverage.memberRoleName} with a trust policy`);
    }
    return resolver.resolve(role.Properties.AssumeRolePolicyDocument) as PolicyDocument;
  }

  /** The topic a runtime publishes to in `role`, as its environment names it. */
  topicArn(runtime: RuntimeName, role: TopicRole): string {
    const { env } = runtimeFunction(this.d, runtime);
    const variable = role === 'alert' ? 'ALERT_TOPIC_ARN' : 'OPERATIONS_TOPIC_ARN';
    if (!(variable in env))
      throw new Error(`${this.d.name}: ${runtime} publishes to the ${role} topic but has no ${variable}`);
    return this.home.text(env[variable]);
  }

  /** The KMS key of a topic: from the template, or the imported alert topic's key; undefined if none. */
  topicKey(topicArn: string, where: TemplateResolver = this.home): TopicKey | undefined {
    for (const [id, topic] of resourcesOfType(where.template, 'AWS::SNS::Topic')) {
      if (where.ref(id) !== topicArn) continue;
      const keyRef = topic.Properties?.KmsMasterKeyId;
      if (keyRef === undefined) return undefined;
      const keyId = referencedId(keyRef);
      const key = keyId ? where.template.Resources?.[keyId] : undefined;
      if (!keyId || key?.Type !== 'AWS::KMS::Key') {
        // An AWS managed key (alias/aws/sns): its policy admits no one else, so model it as empty.
        const value = where.text(keyRef);
        const { account, region } = where.placement;
        const arn = value.startsWith('arn:')
          ? value
          : `arn:${where.partition}:kms:${region}:${account}:${value}`;
        return { arn, policy: { Version: '2012-10-17', Statement: [] }, source: 'template' };
      }
      return {
        arn: where.getAtt(keyId, 'Arn'),
        policy: where.resolve(key.Properties?.KeyPolicy) as PolicyDocument,
        source: 'template',
      };
    }
    // A key the user brings: the key policy README documents for it (Prerequisites).
    const { alertTopicArn, alertTopicKmsKeyArn, operationsTopicArn, operationsTopicKmsKeyArn } =
      this.d.config;
    const imported =
      topicArn === alertTopicArn
        ? alertTopicKmsKeyArn
        : topicArn === operationsTopicArn
          ? operationsTopicKmsKeyArn
          : undefined;
    if (imported) {
      return {
        arn: imported,
        policy: documentedPolicy('imported-key-policy', topicArn),
        source: 'documented statement',
      };
    }
    return undefined;
  }

  /** The detector's state table (exactly one). */
  tableArn(): string {
    const tables = [
      ...resourcesOfType(this.d.detector.template, 'AWS::DynamoDB::Table'),
      ...resourcesOfType(this.d.detector.template, 'AWS::DynamoDB::GlobalTable'),
    ];
    if (tables.length !== 1)
      throw new Error(`${this.d.name}: expected one DynamoDB table, found ${tables.length}`);
    return this.home.getAtt((tables[0] as [string, unknown])[0], 'Arn');
  }

  centralBusArn(): string {
    const { homeAccount, homeRegion } = this.d.coverage;
    return `arn:${this.partition}:events:${homeRegion}:${homeAccount}:event-bus/default`;
  }

  /** The default bus's resource policy, from the detector's AWS::Events::EventBusPolicy resources. */
  busPolicy(): PolicyDocument | undefined {
    const statements = resourcesOfType(this.d.detector.template, 'AWS::Events::EventBusPolicy')
      .filter(([, r]) => (r.Properties?.EventBusName ?? 'default') === 'default')
      .map(([, r]) => this.home.resolve(r.Properties?.Statement) as PolicyDocument['Statement'][number]);
    return statements.length > 0 ? { Version: '2012-10-17', Statement: statements } : undefined;
  }

  /** Every (principal, region) that reads Lambda in a covered account: the detector at home, member roles elsewhere. */
  lambdaReaders(runtime: RuntimeName): { principal: Principal; account: string; region: string }[] {
    const c = this.d.coverage;
    const detector = this.runtimePrincipal(runtime);
    return [
      ...c.homeRegions.map((region) => ({ principal: detector, account: c.homeAccount, region })),
      ...c.memberAccounts.flatMap((account) => {
        const member = this.memberPrincipal(account);
        return c.memberRegions.map((region) => ({ principal: member, account, region }));
      }),
    ];
  }
}

function serviceOf(action: string): string {
  return action.split(':')[0] ?? '';
}

/** Every concrete request `runtime` makes in this deployment, for each call it declares. */
export function runtimeRequests(model: DeploymentModel, runtime: RuntimeName): AccessRequest[] {
  return callsOf(model, runtime).flatMap((call) => callRequests(model, runtime, call));
}

/** Environment variable of the runtimes that turns each sink option on (lib/layerwatch.ts). */
const OPTION_VARIABLE: Record<CallOption, string> = {
  securityHub: 'SECURITY_HUB',
  findingEvents: 'FINDING_EVENTS',
  organizationDiscovery: 'ORGANIZATION_DISCOVERY',
};

/** The calls `runtime` makes in this deployment: the declared ones, less those of sinks it turned off. */
export function callsOf(model: DeploymentModel, runtime: RuntimeName): readonly RuntimeCall[] {
  const env = runtimeFunction(model.d, runtime).env;
  return RUNTIME_CALLS[runtime].filter((c) => !c.option || env[OPTION_VARIABLE[c.option]] === 'true');
}

/** The concrete requests one declared call of `runtime` stands for. */
export function callRequests(
  model: DeploymentModel,
  runtime: RuntimeName,
  call: RuntimeCall,
): AccessRequest[] {
  const why = `${model.d.name} / ${runtime}: ${call.action} (${call.resource}${call.topic ? ` ${call.topic}` : ''})`;
  const c = model.d.coverage;
  const at = (
    p: Principal,
    resource: string,
    resourceAccount: string,
    extra: Partial<AccessRequest> = {},
  ) => ({
    principal: p,
    action: call.action,
    resource,
    resourceAccount,
    why,
    ...extra,
  });
  const detector = model.runtimePrincipal(runtime);
  const readers = PER_ACCOUNT_SERVICES.has(serviceOf(call.action))
    ? model.lambdaReaders(runtime)
    : [{ principal: detector, account: c.homeAccount, region: c.homeRegion }];
  const byKind: Record<ResourceKind, () => AccessRequest[]> = {
    // The function, and a published version of it (GetFunctionConfiguration with a Qualifier: the
    // resource is the qualified ARN).
    function: () =>
      readers.flatMap((r) =>
        ['payments-api', 'payments-api:8'].map((name) =>
          at(
            r.principal,
            `arn:${partitionOf(r.region)}:lambda:${r.region}:${r.account}:function:${name}`,
            r.account,
          ),
        ),
      ),
    // A capacity provider of the function's account and region (Lambda Managed Instances).
    'capacity-provider': () =>
      readers.map((r) =>
        at(
          r.principal,
          `arn:${partitionOf(r.region)}:lambda:${r.region}:${r.account}:capacity-provider:shared-hosts`,
          r.account,
        ),
      ),
    'layer-version': () =>
      readers.flatMap((r) =>
        [r.account, FOREIGN_ACCOUNT, ...c.memberAccounts.filter((a) => a !== r.account)].map((owner) => {
          const arn = `arn:${partitionOf(r.region)}:lambda:${r.region}:${owner}:layer:shared-deps:7`;
          // Another account's layer is readable only if its owner shares it: model that owner's consent.
          const shared: PolicyDocument = {
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Principal: '*', Action: call.action, Resource: arn }],
          };
          return at(r.principal, arn, owner, owner === r.account ? {} : { resourcePolicy: shared });
        }),
      ),
    // A function's code signing configuration, in the function's account and region.
    'code-signing-config': () =>
      readers.map((r) =>
        at(
          r.principal,
          `arn:${partitionOf(r.region)}:lambda:${r.region}:${r.account}:code-signing-config:csc-0a1b2c3d4e5f6a7b8`,
          r.account,
        ),
      ),
    table: () => [at(detector, model.tableArn(), c.homeAccount)],
    topic: () => topicRequests(model, runtime, call, why),
    'member-role': () =>
      c.memberAccounts.map((account) =>
        at(detector, `arn:${model.partition}:iam::${account}:role/${c.memberRoleName}`, account, {
          resourcePolicy: model.memberTrustPolicy(account),
          context: { 'aws:ResourceOrgID': c.organizationId ?? '' },
        }),
      ),
    'canary-function': () =>
      canaryRegionsOf(model).map((r) =>
        at(
          detector,
          `arn:${partitionOf(r)}:lambda:${r}:${c.homeAccount}:function:${CANARY_FUNCTION_NAME}`,
          c.homeAccount,
        ),
      ),
    'securityhub-product': () => [
      at(
        detector,
        `arn:${model.partition}:securityhub:${c.homeRegion}:${c.homeAccount}:product/${c.homeAccount}/default`,
        c.homeAccount,
      ),
    ],
    'event-bus': () => [
      at(
        detector,
        `arn:${model.partition}:events:${c.homeRegion}:${c.homeAccount}:event-bus/default`,
        c.homeAccount,
      ),
    ],
    // No runtime reads a role (the CLI does, with the caller's credentials): a role of the home account.
    role: () => [at(detector, `arn:aws:iam::${c.homeAccount}:role/payments-api-role`, c.homeAccount)],
    // The queue of pairs, as the plan is told it (SWEEP_QUEUE_URL), under its TLS-only policy.
    'sweep-queue': () => {
      const url = runtimeFunction(model.d, runtime).env.SWEEP_QUEUE_URL;
      const queueId = referencedId(url);
      if (!queueId) throw new Error(`${why}: no SWEEP_QUEUE_URL of this template`);
      const arn = model.home.getAtt(queueId, 'Arn');
      const resourcePolicy = attachedPolicy(
        model.home,
        'AWS::SQS::QueuePolicy',
        'Queues',
        model.home.ref(queueId),
      );
      return [at(detector, arn, c.homeAccount, { resourcePolicy })];
    },
    any: () =>
      readers
        .filter((r, i, all) => all.findIndex((x) => x.account === r.account) === i)
        .map((r) => at(r.principal, '*', r.account)),
  };
  return byKind[call.resource]();
}

function topicRequests(
  model: DeploymentModel,
  runtime: RuntimeName,
  call: RuntimeCall,
  why: string,
): AccessRequest[] {
  if (!call.topic) throw new Error(`${why}: a topic call must name its topic`);
  const principal = model.runtimePrincipal(runtime);
  const arn = model.topicArn(runtime, call.topic);
  const account = arn.split(':')[4] ?? '';
  // The topic's own policy counts too: an explicit deny there would refuse the publish.
  const resourcePolicy = attachedPolicy(model.home, 'AWS::SNS::TopicPolicy', 'Topics', arn);
  const requests: AccessRequest[] = [
    { principal, action: call.action, resource: arn, resourceAccount: account, resourcePolicy, why },
  ];
  const key = model.topicKey(arn);
  if (key) {
    for (const action of ['kms:GenerateDataKey', 'kms:Decrypt']) {
      requests.push({
        principal,
        action,
        resource: key.arn,
        resourceAccount: key.arn.split(':')[4] ?? '',
        resourcePolicy: key.policy,
        why: `${why}, key policy from ${key.source}`,
      });
    }
  }
  return requests;
}

/** What the Lambda service itself does with a function's role: deliver to its destinations and dead-letter queue. */
export function platformRequests(model: DeploymentModel, runtime: RuntimeName): AccessRequest[] {
  const fn = runtimeFunction(model.d, runtime);
  const principal = model.runtimePrincipal(runtime);
  const targets: string[] = [];
  for (const [, config] of resourcesOfType(model.d.detector.template, 'AWS::Lambda::EventInvokeConfig')) {
    if (referencedId(config.Properties?.FunctionName) !== fn.logicalId) continue;
    const dest = config.Properties?.DestinationConfig as Record<string, { Destination: unknown }> | undefined;
    for (const d of Object.values(dest ?? {})) targets.push(model.home.text(d.Destination));
  }
  const dlq = (
    model.d.detector.template.Resources?.[fn.logicalId]?.Properties?.DeadLetterConfig as {
      TargetArn?: unknown;
    }
  )?.TargetArn;
  if (dlq !== undefined) targets.push(model.home.text(dlq));
  const consumed = eventSourceRequests(model, runtime, fn.logicalId, principal);
  const actionFor: Record<string, string> = {
    sqs: 'sqs:SendMessage',
    sns: 'sns:Publish',
    events: 'events:PutEvents',
  };
  return [
    ...consumed,
    ...targets.map((arn) => {
      const action = actionFor[arn.split(':')[2] ?? ''];
      if (!action) throw new Error(`${model.d.name} / ${runtime}: destination ${arn} is not modelled`);
      const [type, list] =
        action === 'sqs:SendMessage'
          ? (['AWS::SQS::QueuePolicy', 'Queues'] as const)
          : (['AWS::SNS::TopicPolicy', 'Topics'] as const);
      const queueId = resourcesOfType(model.home.template, 'AWS::SQS::Queue').find(
        ([id]) => model.home.getAtt(id, 'Arn') === arn,
      )?.[0];
      const ref = queueId ? model.home.ref(queueId) : arn;
      return {
        principal,
        action,
        resource: arn,
        resourceAccount: arn.split(':')[4] ?? '',
        resourcePolicy: attachedPolicy(model.home, type, list, ref),
        why: `${model.d.name} / ${runtime}: Lambda delivers to its destination`,
      };
    }),
  ];
}

/** What Lambda's event source mappings do with the function's role: read and delete the queue's messages. */
const QUEUE_CONSUMER_ACTIONS = [
  'sqs:ReceiveMessage',
  'sqs:DeleteMessage',
  'sqs:ChangeMessageVisibility',
  'sqs:GetQueueAttributes',
  'sqs:GetQueueUrl',
] as const;

function eventSourceRequests(
  model: DeploymentModel,
  runtime: RuntimeName,
  logicalId: string,
  principal: Principal,
): AccessRequest[] {
  const requests: AccessRequest[] = [];
  for (const [, mapping] of resourcesOfType(model.d.detector.template, 'AWS::Lambda::EventSourceMapping')) {
    if (referencedId(mapping.Properties?.FunctionName) !== logicalId) continue;
    const arn = model.home.text(mapping.Properties?.EventSourceArn);
    const queueId = resourcesOfType(model.home.template, 'AWS::SQS::Queue').find(
      ([id]) => model.home.getAtt(id, 'Arn') === arn,
    )?.[0];
    const resourcePolicy = attachedPolicy(
      model.home,
      'AWS::SQS::QueuePolicy',
      'Queues',
      queueId ? model.home.ref(queueId) : arn,
    );
    for (const action of QUEUE_CONSUMER_ACTIONS)
      requests.push({
        principal,
        action,
        resource: arn,
        resourceAccount: arn.split(':')[4] ?? '',
        resourcePolicy,
        why: `${model.d.name} / ${runtime}: its event source mapping reads ${arn}`,
      });
  }
  return requests;
}

/** The actions a runtime's role may hold: its declared calls, the KMS use of encrypted topics, the platform's. */
export function runtimeNeeds(model: DeploymentModel, runtime: RuntimeName): Needs {
  const actions = new Set<string>();
  const onAnyResource = new Set<string>();
  for (const call of callsOf(model, runtime)) {
    actions.add(call.action);
    if (call.resource === 'any') onAnyResource.add(call.action);
    if (call.topic && model.topicKey(model.topicArn(runtime, call.topic))) {
      for (const a of ['kms:GenerateDataKey', 'kms:GenerateDataKey*', 'kms:Decrypt']) actions.add(a);
    }
  }
  for (const r of platformRequests(model, runtime)) actions.add(r.action);
  return { actions, onAnyResource };
}

/** What the member role may hold: the calls the runtimes send through it (lambda/runtime-calls.ts). */
export function memberNeeds(): Needs {
  const calls = MEMBER_ROLE_CALLS;
  return {
    actions: new Set(calls.map((c) => c.action)),
    onAnyResource: new Set(calls.filter((c) => c.resource === 'any').map((c) => c.action)),
  };
}

/** The regions the heartbeat touches a canary in, as the heartbeat function is told (HEARTBEAT_CANARIES). */
function canaryRegionsOf(model: DeploymentModel): string[] {
  const env = runtimeFunction(model.d, 'heartbeat').env;
  return model.home
    .text(env.HEARTBEAT_CANARIES)
    .split(',')
    .map((entry) => entry.split('=')[0] as string);
}
