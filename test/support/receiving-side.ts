/**
 * Every delivery a template sets up, judged where it is received: each alarm action, each
 * EventBridge target and dead-letter queue, each role a rule or schedule delivers with, each Lambda
 * destination. The deliveries are derived from the template (AWS::CloudWatch::Alarm actions,
 * AWS::Events::Rule targets, AWS::Scheduler::Schedule roles, AWS::Lambda::EventInvokeConfig
 * destinations), so a new alarm or rule is judged without a line here. Each request carries the
 * context the sending service documents (aws:SourceArn of the alarm, rule or schedule group,
 * aws:SourceAccount; towards KMS through SNS, the topic's encryption context, and for EventBridge
 * nothing else: SNS developer guide, key management), and comes with a forged twin (another
 * source, another topic) that the receiver must refuse.
 */
import { referencedId, resourcesOfType, type TemplateResolver } from './cfn-resolver.js';
import { functionPolicy } from './delivery-requests.js';
import { type AccessRequest, attachedPolicy, type PolicyDocument, rolePrincipal } from './iam-simulation.js';
import { EMPTY_POLICY, type Receivers, SNS_TOPIC_CONTEXT, topicReceiver } from './receivers.js';

const CLOUDWATCH = { label: 'CloudWatch alarms', service: 'cloudwatch.amazonaws.com' } as const;
const EVENTS = { label: 'EventBridge', service: 'events.amazonaws.com' } as const;
const SCHEDULER = { label: 'EventBridge Scheduler', service: 'scheduler.amazonaws.com' } as const;
type Service = typeof CLOUDWATCH | typeof EVENTS | typeof SCHEDULER;
type Context = Record<string, string>;
const SECURE = { 'aws:SecureTransport': 'true' };

export interface Judged {
  /** Each must be allowed. */
  readonly requests: AccessRequest[];
  /** Each must be refused: the same delivery from a source that is not the deployment's. */
  readonly forged: AccessRequest[];
  /** Deliveries this module cannot judge, or that cannot work at all (one line each). */
  readonly problems: string[];
}

/** `arn` with its resource name replaced: another alarm, rule, group or topic of the same account. */
function forgedArn(arn: string, separator: '/' | ':'): string {
  return `${arn.slice(0, arn.lastIndexOf(separator) + 1)}forged-by-someone-else`;
}

function accountOf(arn: string): string {
  return arn.split(':')[4] ?? '';
}

/** Every delivery of one template at one placement. */
export function judgeDeliveries(resolver: TemplateResolver, where: string, r: Receivers): Judged {
  const judge = new DeliveryJudge(resolver, where, r);
  judge.alarms();
  judge.rules();
  judge.schedules();
  judge.destinations();
  return judge.out;
}

class DeliveryJudge {
  readonly out: Judged = { requests: [], forged: [], problems: [] };
  private readonly account: string;

  constructor(
    private readonly resolver: TemplateResolver,
    private readonly where: string,
    private readonly r: Receivers,
  ) {
    this.account = resolver.placement.account;
  }

  private present(type: string) {
    return resourcesOfType(this.resolver.template, type).filter(([id]) => this.resolver.exists(id));
  }

  /** CloudWatch alarms -> SNS topics (every action list). */
  alarms(): void {
    for (const [id, alarm] of this.present('AWS::CloudWatch::Alarm')) {
      const arn = this.resolver.getAtt(id, 'Arn');
      const actions = ['AlarmActions', 'OKActions', 'InsufficientDataActions'].flatMap(
        (k) => (this.resolver.resolve(alarm.Properties?.[k]) ?? []) as string[],
      );
      for (const action of new Set(actions)) {
        const why = `${this.where} / alarm ${id} -> ${action}`;
        if (!action.includes(':sns:')) {
          this.out.problems.push(`${why}: an alarm action of a kind this test does not model`);
          continue;
        }
        const source = { 'aws:SourceArn': arn, 'aws:SourceAccount': this.account };
        this.toTopic(CLOUDWATCH, action, source, { ...source, 'aws:SourceArn': forgedArn(arn, ':') }, why);
      }
    }
  }

  /** EventBridge rules -> targets, dead-letter queues, and the roles they deliver with. */
  rules(): void {
    for (const [id, rule] of this.present('AWS::Events::Rule')) {
      const ruleArn = this.resolver.getAtt(id, 'Arn');
      const source = { 'aws:SourceArn': ruleArn, 'aws:SourceAccount': this.account };
      const forged = { ...source, 'aws:SourceArn': forgedArn(ruleArn, '/') };
      const targets = (rule.Properties?.Targets ?? []) as {
        Arn: unknown;
        RoleArn?: unknown;
        DeadLetterConfig?: { Arn: unknown };
      }[];
      for (const t of targets) {
        const arn = this.resolver.text(t.Arn);
        const why = `${this.where} / rule ${id} -> ${arn}`;
        if (t.DeadLetterConfig) {
          const dlq = this.resolver.text(t.DeadLetterConfig.Arn);
          const w = `${this.where} / rule ${id} -> dead letters ${dlq}`;
          this.toResource(EVENTS, 'sqs:SendMessage', dlq, this.queuePolicy(dlq, w), source, forged, w);
        }
        if (t.RoleArn !== undefined) this.withRole(id, t.RoleArn, arn, source, forged, why);
        else this.direct(arn, source, forged, why);
      }
    }
  }

  /** A target EventBridge delivers to on its own: the target's resource policy decides. */
  private direct(arn: string, source: Context, forged: Context, why: string): void {
    const service = arn.split(':')[2];
    if (service === 'lambda') {
      const policy = functionPolicy(this.resolver, arn);
      this.toResource(EVENTS, 'lambda:InvokeFunction', arn, policy, source, forged, why);
    } else if (service === 'sqs')
      this.toResource(EVENTS, 'sqs:SendMessage', arn, this.queuePolicy(arn, why), source, forged, why);
    else if (service === 'sns') this.toTopic(EVENTS, arn, source, forged, why);
    else this.out.problems.push(`${why}: a target of a kind this test does not model`);
  }

  /** A target EventBridge delivers to with a role: the role's trust, then the target (a bus). */
  private withRole(
    ruleId: string,
    roleRef: unknown,
    arn: string,
    source: Context,
    forged: Context,
    why: string,
  ) {
    const role = this.trustOf(roleRef, why);
    if (!role) return;
    this.toResource(
      EVENTS,
      'sts:AssumeRole',
      role.arn,
      role.trust,
      source,
      forged,
      `${why}: assume ${role.id}`,
    );
    if (arn.includes(':event-bus/')) this.bus(ruleId, role.id, arn, why);
    else this.out.problems.push(`${why}: a role-delivered target of a kind this test does not model`);
  }

  /** EventBridge Scheduler schedules -> the role they run with (aws:SourceArn: the group's ARN). */
  schedules(): void {
    for (const [id, schedule] of this.present('AWS::Scheduler::Schedule')) {
      const why = `${this.where} / schedule ${id}`;
      const role = this.trustOf((schedule.Properties?.Target as { RoleArn?: unknown })?.RoleArn, why);
      if (!role) continue;
      const group = this.resolver.resolve(schedule.Properties?.GroupName) ?? 'default';
      const { partition, placement } = this.resolver;
      const groupArn = `arn:${partition}:scheduler:${placement.region}:${this.account}:schedule-group/${group}`;
      const source = { 'aws:SourceArn': groupArn, 'aws:SourceAccount': this.account };
      const forged = { ...source, 'aws:SourceArn': forgedArn(groupArn, '/') };
      this.toResource(
        SCHEDULER,
        'sts:AssumeRole',
        role.arn,
        role.trust,
        source,
        forged,
        `${why}: assume ${role.id}`,
      );
    }
  }

  /** Lambda asynchronous invocation destinations, sent with the function's role. */
  destinations(): void {
    for (const [id, config] of this.present('AWS::Lambda::EventInvokeConfig')) {
      const destinations = (this.resolver.resolve(config.Properties?.DestinationConfig) ?? {}) as Record<
        string,
        { Destination: string }
      >;
      const fnId = referencedId(config.Properties?.FunctionName);
      const fn = fnId ? this.resolver.template.Resources?.[fnId] : undefined;
      const roleId = referencedId(fn?.Properties?.Role);
      for (const { Destination: arn } of Object.values(destinations)) {
        const why = `${this.where} / ${id} -> ${arn}`;
        if (!roleId || !arn.includes(':sqs:')) {
          this.out.problems.push(`${why}: a destination this test does not model`);
          continue;
        }
        this.out.requests.push({
          principal: rolePrincipal(this.resolver, roleId, `${fnId} role`),
          action: 'sqs:SendMessage',
          resource: arn,
          resourceAccount: accountOf(arn),
          resourcePolicy: this.queuePolicy(arn, why),
          why,
        });
      }
    }
  }

  /** Publishing to a topic (and using its key) as `service`, from `source`. */
  private toTopic(service: Service, topicArn: string, source: Context, forged: Context, why: string): void {
    const receiver = topicReceiver(this.resolver, topicArn, this.r);
    if (!receiver) {
      this.out.problems.push(`${why}: topic ${topicArn} is neither in the template nor imported`);
      return;
    }
    const from = `policy from ${receiver.source}`;
    this.toResource(
      service,
      'sns:Publish',
      topicArn,
      receiver.policy,
      source,
      forged,
      `${why}: publish (${from})`,
    );
    const key = receiver.key;
    if (!key) return;
    // EventBridge's KMS requests through SNS carry no aws:SourceArn or aws:SourceAccount.
    const sent = service === EVENTS ? {} : source;
    for (const action of ['kms:GenerateDataKey', 'kms:Decrypt']) {
      const use = (topic: string, what: string): AccessRequest => ({
        principal: service,
        action,
        resource: key.arn,
        resourceAccount: accountOf(key.arn),
        resourcePolicy: key.policy,
        context: { ...sent, [SNS_TOPIC_CONTEXT]: topic, ...SECURE },
        why: `${why}: ${action} on the key of ${topicArn} (key ${from}${what})`,
      });
      this.out.requests.push(use(topicArn, ''));
      this.out.forged.push(use(forgedArn(topicArn, ':'), ', for another topic'));
    }
  }

  /** A resource policy that `principal` must pass from `source` and not from `forged`. */
  private toResource(
    principal: Service,
    action: string,
    arn: string,
    policy: PolicyDocument | undefined,
    source: Context,
    forged: Context,
    why: string,
  ): void {
    const ask = (context: Context, what: string): AccessRequest => ({
      principal,
      action,
      resource: arn,
      resourceAccount: accountOf(arn),
      resourcePolicy: policy ?? EMPTY_POLICY,
      context: { ...context, ...SECURE },
      why: `${why}${what}`,
    });
    this.out.requests.push(ask(source, ''));
    this.out.forged.push(ask(forged, ' (forged source)'));
  }

  private queuePolicy(arn: string, why: string): PolicyDocument | undefined {
    const { resolver } = this;
    const id = resourcesOfType(resolver.template, 'AWS::SQS::Queue').find(
      ([q]) => resolver.getAtt(q, 'Arn') === arn,
    )?.[0];
    if (!id) this.out.problems.push(`${why}: queue ${arn} is not in the template`);
    return id ? attachedPolicy(resolver, 'AWS::SQS::QueuePolicy', 'Queues', resolver.ref(id)) : undefined;
  }

  private trustOf(roleRef: unknown, why: string) {
    const id = referencedId(roleRef);
    const role = id ? this.resolver.template.Resources?.[id] : undefined;
    if (!id || role?.Type !== 'AWS::IAM::Role') {
      this.out.problems.push(`${why}: role ${JSON.stringify(roleRef)} is not a role of the template`);
      return undefined;
    }
    const trust = this.resolver.resolve(role.Properties?.AssumeRolePolicyDocument) as PolicyDocument;
    return { id, arn: this.resolver.getAtt(id, 'Arn'), trust };
  }

  /** A rule that forwards to a bus: never its own bus; another account's bus must admit its role. */
  private bus(ruleId: string, roleId: string, busArn: string, why: string): void {
    const { account, region } = this.resolver.placement;
    const [, , , busRegion, busAccount] = busArn.split(':');
    const rule = this.resolver.template.Resources?.[ruleId];
    const own = this.resolver.resolve(rule?.Properties?.EventBusName) ?? 'default';
    if (busAccount === account && busRegion === region && busArn.endsWith(`:event-bus/${own}`)) {
      this.out.problems.push(`${why}: the rule forwards its own bus to itself (${account} ${region})`);
      return;
    }
    const org: Context = this.r.organizationId ? { 'aws:PrincipalOrgID': this.r.organizationId } : {};
    this.out.requests.push({
      principal: rolePrincipal(this.resolver, roleId, `${ruleId} role`, org),
      action: 'events:PutEvents',
      resource: busArn,
      resourceAccount: busAccount ?? '',
      resourcePolicy: busAccount === account ? undefined : (this.r.busPolicy ?? EMPTY_POLICY),
      why: `${why}: put events (bus policy of the detector stack)`,
    });
  }
}
