/**
 * `-c memberHeartbeat=true` (organization mode): each member account and region gets a canary and an
 * hourly schedule that changes it with a role of its own; the security account gets one alarm per
 * member account and region. The schedule's role is proven by the IAM policy simulator: the
 * declared call on its canary in every member account and region, nothing else, assumable by
 * EventBridge Scheduler for schedules of its group in its account and region only (Scheduler names
 * the group as the source, never the schedule).
 */
import { ContextError, readConfig } from '../../bin/config.js';
import { CANARY_FUNCTION_NAME, memberHeartbeatRoleName } from '../../lambda/domain/heartbeat.js';
import { MEMBER_HEARTBEAT_CALLS } from '../../lambda/runtime-calls.js';
import { MEMBER_HEARTBEAT_GROUP, MEMBER_HEARTBEAT_SCHEDULE } from '../../lib/constructs/heartbeat.js';
import { resourcesOfType, TemplateResolver } from '../support/cfn-resolver.js';
import {
  allDeployments,
  type CfnResource,
  type CfnTemplate,
  HOME,
  MEMBER_ACCOUNTS,
  type Placement,
  type SynthesizedDeployment,
} from '../support/deployments.js';
import {
  type AccessRequest,
  deniedRequests,
  evaluate,
  excessGrants,
  type PolicyDocument,
  rolePolicies,
  rolePrincipal,
} from '../support/iam-simulation.js';

const deployments = allDeployments();
const on = deployments.find((d) => d.config.memberHeartbeat) as SynthesizedDeployment;
const off = deployments.find(
  (d) => d.config.mode === 'organization' && !d.config.memberHeartbeat,
) as SynthesizedDeployment;
const REGIONS = ['us-east-1', 'eu-west-1'];

const ofType = (t: CfnTemplate, type: string) => resourcesOfType(t, type).map(([, r]) => r);
const heartbeatAlarms = (t: CfnTemplate) =>
  ofType(t, 'AWS::CloudWatch::Alarm').filter((a) => a.Properties?.MetricName === 'Heartbeat');
const dimension = (a: CfnResource, name: string) =>
  ((a.Properties?.Dimensions ?? []) as { Name: string; Value: string }[]).find((d) => d.Name === name)?.Value;

function schedulerRole(resolver: TemplateResolver): string {
  const roles = resourcesOfType(resolver.template, 'AWS::IAM::Role').filter(
    ([, r]) =>
      resolver.resolve(r.Properties?.RoleName) === memberHeartbeatRoleName(resolver.placement.region),
  );
  if (roles.length !== 1) throw new Error(`expected one heartbeat role, found ${roles.length}`);
  return roles[0]?.[0] as string;
}

describe('memberHeartbeat in the context', () => {
  const org = {
    mode: 'organization',
    organizationId: 'o-abcdef1234',
    organizationalUnitIds: 'ou-ab12-cdef3456',
    memberRegions: 'us-east-1,eu-west-1',
  };
  const read = (c: Record<string, unknown>) => readConfig((k) => c[k]);

  it('is read in organization mode with the member accounts listed', () => {
    expect(read({ ...org, sweepAccounts: '222233334444', memberHeartbeat: 'true' }).memberHeartbeat).toBe(
      true,
    );
    expect(read({ ...org, sweepAccounts: '222233334444' }).memberHeartbeat).toBeUndefined();
  });

  it.each([
    [{ memberHeartbeat: 'true' }, /organization mode/],
    [{ mode: 'multi-region', regions: 'eu-west-1', memberHeartbeat: 'true' }, /organization mode/],
    [{ ...org, memberHeartbeat: 'true' }, /needs the member accounts in "sweepAccounts"/],
    [
      { ...org, sweepAccounts: '222233334444', memberHeartbeat: 'true', heartbeat: 'false' },
      /needs the heartbeat/,
    ],
    [{ ...org, sweepAccounts: '222233334444', memberHeartbeat: 'yes' }, /"memberHeartbeat" is true or false/],
  ])('is refused with a clear error: %p', (context, message) => {
    expect(() => read(context)).toThrow(ContextError);
    expect(() => read(context)).toThrow(message);
  });
});

describe('memberHeartbeat on', () => {
  const member = on.member?.template as CfnTemplate;

  it('puts a canary that never runs into the member template', () => {
    const canaries = ofType(member, 'AWS::Lambda::Function').filter(
      (f) => f.Properties?.FunctionName === CANARY_FUNCTION_NAME,
    );
    expect(canaries).toHaveLength(1);
    expect(canaries[0]?.Properties?.ReservedConcurrentExecutions).toBe(0);
  });

  it("changes the canary's description hourly, with the schedule's own role", () => {
    const [schedule] = ofType(member, 'AWS::Scheduler::Schedule');
    expect(schedule?.Properties).toEqual(
      expect.objectContaining({
        Name: MEMBER_HEARTBEAT_SCHEDULE,
        ScheduleExpression: 'rate(1 hour)',
        State: 'ENABLED',
        FlexibleTimeWindow: { Mode: 'OFF' },
      }),
    );
    const target = schedule?.Properties?.Target as { Arn: unknown; Input: string; RoleArn: unknown };
    const resolver = new TemplateResolver(member, { account: MEMBER_ACCOUNTS[0], region: 'eu-west-1' });
    expect(resolver.text(target.Arn)).toBe('arn:aws:scheduler:::aws-sdk:lambda:updateFunctionConfiguration');
    expect(JSON.parse(target.Input)).toEqual({
      FunctionName: CANARY_FUNCTION_NAME,
      Description: expect.stringMatching(/^layerwatch heartbeat <aws\.scheduler\.scheduled-time>: /),
    });
    expect(resolver.resolve(target.RoleArn)).toBe(
      `arn:aws:iam::${MEMBER_ACCOUNTS[0]}:role/${memberHeartbeatRoleName('eu-west-1')}`,
    );
  });

  it('has one breaching alarm per member account and region, to the operations topic', () => {
    const detector = on.detector.template;
    const home = heartbeatAlarms(detector).find((a) => dimension(a, 'Account') === undefined);
    const members = heartbeatAlarms(detector).filter((a) => dimension(a, 'Account') !== undefined);
    expect(members.map((a) => `${dimension(a, 'Account')} ${dimension(a, 'Region')}`).sort()).toEqual(
      MEMBER_ACCOUNTS.flatMap((a) => REGIONS.map((r) => `${a} ${r}`)).sort(),
    );
    for (const alarm of members) {
      expect(alarm.Properties).toEqual(
        expect.objectContaining({
          Namespace: 'LayerWatch',
          ComparisonOperator: 'LessThanThreshold',
          Threshold: 1,
          EvaluationPeriods: 2,
          Period: 3600,
          Statistic: 'Sum',
          TreatMissingData: 'breaching',
          AlarmDescription: expect.stringMatching(/^layerwatch is blind in account \d{12}, [a-z0-9-]+: /),
        }),
      );
      expect(dimension(alarm, 'service')).toBe('layerwatch');
      // The same topic as the home region's blind alarm: the operations topic.
      expect(alarm.Properties?.AlarmActions).toEqual(home?.Properties?.AlarmActions);
      expect(alarm.Properties?.OKActions).toEqual(home?.Properties?.AlarmActions);
      expect(alarm.Properties?.AlarmActions).toHaveLength(1);
    }
  });
});

describe('memberHeartbeat in the security account', () => {
  it("creates nothing where the detector's own canary already is (a delegated administrator inside the OUs)", () => {
    const member = on.member?.template as CfnTemplate;
    const types = ['AWS::Lambda::Function', 'AWS::Scheduler::Schedule', 'AWS::Logs::LogGroup'];
    const heartbeat = Object.entries(member.Resources ?? {}).filter(([, r]) => types.includes(r.Type));
    expect(heartbeat.length).toBe(3);
    const central = new TemplateResolver(member, HOME);
    const elsewhere = new TemplateResolver(member, { account: MEMBER_ACCOUNTS[0], region: HOME.region });
    for (const [id] of heartbeat) {
      expect(central.exists(id)).toBe(false);
      expect(elsewhere.exists(id)).toBe(true);
    }
  });
});

describe('memberHeartbeat off', () => {
  it('adds nothing: no member canary, schedule or heartbeat role, no member alarm', () => {
    const member = off.member?.template as CfnTemplate;
    expect(ofType(member, 'AWS::Lambda::Function')).toEqual([]);
    expect(ofType(member, 'AWS::Scheduler::Schedule')).toEqual([]);
    expect(heartbeatAlarms(off.detector.template).filter((a) => dimension(a, 'Account'))).toEqual([]);
    expect(heartbeatAlarms(off.detector.template)).toHaveLength(1);
  });
});

describe('the member heartbeat role, as AWS would judge it', () => {
  const member = on.member as NonNullable<SynthesizedDeployment['member']>;
  const placements: readonly Placement[] = member.placements;

  it('is deployed in every member account and region', () => {
    expect(placements.map((p) => `${p.account} ${p.region}`).sort()).toEqual(
      MEMBER_ACCOUNTS.flatMap((a) => REGIONS.map((r) => `${a} ${r}`)).sort(),
    );
  });

  it.each(placements.map((p) => [`${p.account} ${p.region}`, p] as const))(
    'may send its declared calls on its canary in %s, and nothing else',
    async (_, placement) => {
      const resolver = new TemplateResolver(member.template, placement);
      const roleId = schedulerRole(resolver);
      const principal = rolePrincipal(resolver, roleId, 'member heartbeat role');
      const canary = `arn:aws:lambda:${placement.region}:${placement.account}:function:${CANARY_FUNCTION_NAME}`;
      const request = (action: string, resource: string): AccessRequest => ({
        principal,
        action,
        resource,
        resourceAccount: resource.split(':')[4] ?? '',
        why: `${action} on ${resource}`,
      });
      expect(await deniedRequests(MEMBER_HEARTBEAT_CALLS.map((c) => request(c.action, canary)))).toEqual([]);
      const otherRegion = REGIONS.find((r) => r !== placement.region) as string;
      for (const [action, resource] of [
        ['lambda:UpdateFunctionConfiguration', canary.replace(CANARY_FUNCTION_NAME, 'payments')],
        ['lambda:UpdateFunctionConfiguration', canary.replace(placement.region, otherRegion)],
        ['lambda:UpdateFunctionCode', canary],
        ['lambda:PublishLayerVersion', `arn:aws:lambda:${placement.region}:${placement.account}:layer:x`],
      ] as const) {
        expect((await evaluate(request(action, resource))).result).not.toBe('Allowed');
      }
      const needs = {
        actions: new Set(MEMBER_HEARTBEAT_CALLS.map((c) => c.action)),
        onAnyResource: new Set<string>(),
      };
      expect(await excessGrants(rolePolicies(resolver, roleId), needs)).toEqual([]);
    },
  );

  it.each(placements.map((p) => [`${p.account} ${p.region}`, p] as const))(
    "may be assumed by EventBridge Scheduler for its schedule's group in %s only",
    async (_, placement) => {
      const resolver = new TemplateResolver(member.template, placement);
      const roleId = schedulerRole(resolver);
      const trust = resolver.resolve(
        member.template.Resources?.[roleId]?.Properties?.AssumeRolePolicyDocument,
      ) as PolicyDocument;
      // Scheduler sends the ARN of the schedule's group, not the schedule's (Scheduler user guide).
      const [, schedule] = resourcesOfType(member.template, 'AWS::Scheduler::Schedule')[0] ?? [];
      expect(schedule?.Properties?.GroupName ?? MEMBER_HEARTBEAT_GROUP).toBe(MEMBER_HEARTBEAT_GROUP);
      const group = `arn:aws:scheduler:${placement.region}:${placement.account}:schedule-group/${MEMBER_HEARTBEAT_GROUP}`;
      const assume = (service: string, sourceArn: string, account = placement.account): AccessRequest => ({
        principal: { label: service, service },
        action: 'sts:AssumeRole',
        resource: resolver.getAtt(roleId, 'Arn'),
        resourceAccount: placement.account,
        resourcePolicy: trust,
        context: { 'aws:SourceAccount': account, 'aws:SourceArn': sourceArn },
        why: `${service} from ${sourceArn}`,
      });
      expect((await evaluate(assume('scheduler.amazonaws.com', group))).result).toBe('Allowed');
      const elsewhere = group.replace(placement.account, '999988887777');
      for (const denied of [
        assume('scheduler.amazonaws.com', group.replace(/default$/, 'attacker')),
        assume('scheduler.amazonaws.com', elsewhere, '999988887777'),
        assume(
          'scheduler.amazonaws.com',
          `${group.replace('schedule-group', 'schedule')}/${MEMBER_HEARTBEAT_SCHEDULE}`,
        ),
        assume('lambda.amazonaws.com', group),
      ])
        expect((await evaluate(denied)).result).not.toBe('Allowed');
    },
  );
});
