/**
 * The synthesized IAM, judged as AWS would judge it, in every deployment mode: each runtime is
 * allowed every call it declares (lambda/runtime-calls.ts) in every account and region the mode
 * covers, and nothing more; member accounts are reached through their read-only role, whose trust
 * admits only the tagged detector inside the organization; encrypted topics' keys let the runtimes
 * and CloudWatch alarms use them; forwarding rules can reach the central bus. The simulator is an
 * IAM policy evaluator (@cloud-copilot/iam-simulate), not a mock that allows everything.
 */
import { RUNTIME_CALLS } from '../../lambda/runtime-calls.js';
import { resourcesOfType, TemplateResolver } from '../support/cfn-resolver.js';
import { deliveryRequests } from '../support/delivery-requests.js';
import { allDeployments, type SynthesizedDeployment } from '../support/deployments.js';
import {
  type AccessRequest,
  deniedRequests,
  evaluate,
  excessGrants,
  lambdaWriteActions,
  lambdaWriteGrants,
  rolePolicies,
  rolePrincipal,
  withoutAction,
} from '../support/iam-simulation.js';
import {
  callRequests,
  DeploymentModel,
  memberNeeds,
  OPTIONAL_RUNTIMES,
  platformRequests,
  RUNTIMES,
  runtimeFunction,
  runtimeNeeds,
  runtimeRequests,
  runtimesOf,
} from '../support/runtime-requests.js';

const deployments = allDeployments();
const organization = deployments.find((d) => d.config.mode === 'organization') as SynthesizedDeployment;

describe('RUNTIME_CALLS', () => {
  it('has a function in every mode for each runtime it lists (an optional one in some mode)', () => {
    for (const d of deployments)
      for (const r of RUNTIMES) if (!OPTIONAL_RUNTIMES.has(r)) expect(runtimeFunction(d, r)).toBeDefined();
    for (const r of OPTIONAL_RUNTIMES)
      expect(deployments.filter((d) => runtimesOf(d).includes(r))).not.toEqual([]);
  });
});

describe.each(deployments.map((d) => [d.name, d] as const))('%s', (_, d) => {
  const model = new DeploymentModel(d);

  describe.each(runtimesOf(d))('%s', (runtime) => {
    it('is allowed every call it declares, in every account and region the mode covers', async () => {
      // Every declared call stands for requests (the member role only where there are members).
      const unexpanded = RUNTIME_CALLS[runtime].filter(
        (c) =>
          callRequests(model, runtime, c).length === 0 &&
          !(c.resource === 'member-role' && d.coverage.memberAccounts.length === 0),
      );
      expect(unexpanded).toEqual([]);
      const requests = runtimeRequests(model, runtime);
      expect(await deniedRequests(requests)).toEqual([]);
    });

    it('lets Lambda deliver to its destinations with its role', async () => {
      expect(await deniedRequests(platformRequests(model, runtime))).toEqual([]);
    });

    it('is allowed no action beyond its declared calls', async () => {
      const excess = await excessGrants(
        model.runtimePrincipal(runtime).policies,
        runtimeNeeds(model, runtime),
      );
      expect(excess.map((e) => `${d.name} / ${runtime}: ${e}`)).toEqual([]);
    });
  });

  it('publishes to the topics the config names', () => {
    const { alertTopicArn, operationsTopicArn } = d.config;
    for (const runtime of runtimesOf(d)) {
      for (const call of RUNTIME_CALLS[runtime]) {
        if (call.topic === 'alert' && alertTopicArn)
          expect(model.topicArn(runtime, 'alert')).toBe(alertTopicArn);
        if (call.topic === 'operations' && operationsTopicArn)
          expect(model.topicArn(runtime, 'operations')).toBe(operationsTopicArn);
      }
    }
  });

  it('grants no Lambda write action in any role of any template (invoking its own functions and the opt-in containment aside)', async () => {
    const writes = await lambdaWriteActions();
    const found: string[] = [];
    for (const stack of d.stacks) {
      const placement = stack.placements[0];
      if (!placement) continue;
      const resolver = new TemplateResolver(stack.template, placement);
      const own = resourcesOfType(stack.template, 'AWS::Lambda::Function').map(([id]) =>
        resolver.getAtt(id, 'Arn'),
      );
      // The containment's writes are judged on their own (test/lib/containment.test.ts).
      const containmentRole = runtimesOf(d).includes('containment')
        ? runtimeFunction(d, 'containment').roleId
        : null;
      for (const [roleId] of resourcesOfType(stack.template, 'AWS::IAM::Role')) {
        if (!resolver.exists(roleId) || (stack.role === 'detector' && roleId === containmentRole)) continue;
        for (const g of lambdaWriteGrants(rolePolicies(resolver, roleId), writes, own)) {
          found.push(`${d.name} / ${stack.name} / role ${roleId}: ${g}`);
        }
      }
    }
    expect(found).toEqual([]);
  });

  it('lets CloudWatch use the KMS key of every topic an alarm notifies', async () => {
    const requests: AccessRequest[] = [];
    for (const stack of d.stacks) {
      for (const placement of stack.placements.slice(0, 1)) {
        const resolver = new TemplateResolver(stack.template, placement);
        for (const [alarmId, alarm] of resourcesOfType(stack.template, 'AWS::CloudWatch::Alarm')) {
          const actions = (resolver.resolve(alarm.Properties?.AlarmActions) ?? []) as string[];
          for (const topic of actions.filter((a) => a.includes(':sns:'))) {
            const key = model.topicKey(topic, stack.role === 'detector' ? model.home : resolver);
            if (!key) continue;
            for (const action of ['kms:Decrypt', 'kms:GenerateDataKey']) {
              requests.push({
                principal: { label: 'CloudWatch alarms', service: 'cloudwatch.amazonaws.com' },
                action,
                resource: key.arn,
                resourceAccount: key.arn.split(':')[4] ?? '',
                resourcePolicy: key.policy,
                context: {
                  'aws:SourceAccount': placement.account,
                  'aws:SourceArn': resolver.getAtt(alarmId, 'Arn'),
                  // SNS names the topic in every KMS request it makes for it.
                  'kms:EncryptionContext:aws:sns:topicArn': topic,
                },
                why: `${d.name} / ${stack.name} / alarm ${alarmId} -> ${topic} (key policy from ${key.source})`,
              });
            }
          }
        }
      }
    }
    expect(await deniedRequests(requests)).toEqual([]);
  });

  it('lets EventBridge deliver to every rule target and dead-letter queue of every template', async () => {
    const requests: AccessRequest[] = [];
    const unknown: string[] = [];
    for (const stack of d.stacks) {
      for (const placement of stack.placements.slice(0, 1)) {
        const resolver = new TemplateResolver(stack.template, placement);
        const delivery = deliveryRequests(resolver, `${d.name} / ${stack.name}`, (arn) =>
          model.topicKey(arn, stack.role === 'detector' ? model.home : resolver),
        );
        requests.push(...delivery.requests);
        unknown.push(...delivery.unknown);
      }
    }
    // A topic the user brings (alertTopicArn, operationsTopicArn) has a policy this template cannot show.
    const imported = [d.config.alertTopicArn, d.config.operationsTopicArn].filter((t) => t !== undefined);
    expect(unknown.filter((u) => !imported.some((t) => u.endsWith(`topic ${t}`)))).toEqual([]);
    expect(requests.length).toBeGreaterThan(0);
    expect(await deniedRequests(requests)).toEqual([]);
  });

  if (d.forwarders.length > 0 || d.member) {
    it('lets every forwarding rule put events on the central bus, and on no other bus', async () => {
      const requests: AccessRequest[] = [];
      const wrongBus: string[] = [];
      for (const stack of [...d.forwarders, ...(d.member ? [d.member] : [])]) {
        for (const placement of stack.placements) {
          const resolver = new TemplateResolver(stack.template, placement);
          const targets = resourcesOfType(stack.template, 'AWS::Events::Rule').flatMap(([, rule]) =>
            ((rule.Properties?.Targets as { Arn: unknown; RoleArn?: unknown }[]) ?? []).map((t) => ({
              arn: resolver.text(t.Arn),
              role: t.RoleArn,
            })),
          );
          const buses = targets.filter((t) => t.arn.includes(':event-bus/'));
          if (buses.length === 0)
            wrongBus.push(`${stack.name} in ${placement.account}/${placement.region}: no rule targets a bus`);
          for (const bus of buses) {
            if (bus.arn !== model.centralBusArn()) wrongBus.push(`${stack.name}: targets ${bus.arn}`);
            const roleId = (bus.role as { 'Fn::GetAtt'?: [string] } | undefined)?.['Fn::GetAtt']?.[0];
            if (!roleId) {
              wrongBus.push(`${stack.name}: a bus target without a role of the template`);
              continue;
            }
            const org = d.coverage.organizationId;
            requests.push({
              principal: rolePrincipal(
                resolver,
                roleId,
                `${stack.name} rule role`,
                org ? { 'aws:PrincipalOrgID': org } : {},
              ),
              action: 'events:PutEvents',
              resource: bus.arn,
              resourceAccount: bus.arn.split(':')[4] ?? '',
              resourcePolicy: model.busPolicy(),
              why: `${d.name} / ${stack.name} in ${placement.account}/${placement.region}`,
            });
          }
        }
      }
      expect(wrongBus).toEqual([]);
      expect(await deniedRequests(requests)).toEqual([]);
    });
  }

  if (d.member) {
    it('gives the member role only the Lambda reads the runtimes make in its account', async () => {
      const principal = model.memberPrincipal(d.coverage.memberAccounts[0] ?? '');
      expect(await excessGrants(principal.policies, memberNeeds())).toEqual([]);
    });

    it('lets the central bus admit only accounts of the organization', async () => {
      const outsider = {
        label: 'a role outside the organization',
        arn: 'arn:aws:iam::999988887777:role/forwarder',
        account: '999988887777',
        policies: [
          {
            name: 'put',
            policy: {
              Version: '2012-10-17',
              Statement: [
                { Effect: 'Allow' as const, Action: 'events:PutEvents', Resource: model.centralBusArn() },
              ],
            },
          },
        ],
        context: { 'aws:PrincipalOrgID': 'o-zzzzzzzzzz' },
      };
      const outcome = await evaluate({
        principal: outsider,
        action: 'events:PutEvents',
        resource: model.centralBusArn(),
        resourceAccount: d.coverage.homeAccount,
        resourcePolicy: model.busPolicy(),
        why: 'outsider',
      });
      expect(outcome.result).not.toBe('Allowed');
    });
  }
});

describe('the simulation refuses what the policies do not grant', () => {
  const model = new DeploymentModel(organization);
  const handler = model.runtimePrincipal('handler');
  const member = organization.coverage.memberAccounts[0] ?? '';
  const home = organization.coverage;
  const read = (policies = handler.policies): AccessRequest => ({
    principal: { ...handler, policies },
    action: 'lambda:GetFunctionConfiguration',
    resource: `arn:aws:lambda:${home.homeRegion}:${home.homeAccount}:function:payments-api`,
    resourceAccount: home.homeAccount,
    why: 'self-test',
  });

  it('allows a granted call and denies it once the action is removed from a copy of the policy', async () => {
    expect((await evaluate(read())).result).toBe('Allowed');
    const stripped = withoutAction(handler.policies, 'lambda:GetFunctionConfiguration');
    expect((await evaluate(read(stripped))).result).toBe('ImplicitlyDenied');
  });

  it('denies assuming a member role without the detector tag, or into another organization', async () => {
    const assume = (context: Record<string, string>, principalContext = handler.context): AccessRequest => ({
      principal: { ...handler, context: principalContext },
      action: 'sts:AssumeRole',
      resource: `arn:aws:iam::${member}:role/${home.memberRoleName}`,
      resourceAccount: member,
      resourcePolicy: model.memberTrustPolicy(member),
      context,
      why: 'self-test',
    });
    const org = { 'aws:ResourceOrgID': home.organizationId ?? '' };
    expect((await evaluate(assume(org))).result).toBe('Allowed');
    const untagged = Object.fromEntries(
      Object.entries(handler.context).filter(([k]) => !k.startsWith('aws:PrincipalTag/')),
    );
    expect((await evaluate(assume(org, untagged))).result).not.toBe('Allowed');
    expect((await evaluate(assume({ 'aws:ResourceOrgID': 'o-zzzzzzzzzz' }))).result).not.toBe('Allowed');
  });

  it('denies EventBridge a delivery once the resource policy that allows it is gone', async () => {
    const resolver = (template: typeof organization.detector.template) =>
      new TemplateResolver(template, { account: home.homeAccount, region: home.homeRegion });
    const full = deliveryRequests(resolver(organization.detector.template), 'self-test', () => undefined);
    expect(full.requests.map((r) => r.action)).toEqual(
      expect.arrayContaining(['lambda:InvokeFunction', 'sqs:SendMessage']),
    );
    expect(await deniedRequests(full.requests)).toEqual([]);
    const stripped = structuredClone(organization.detector.template);
    for (const [id] of resourcesOfType(stripped, 'AWS::Lambda::Permission')) delete stripped.Resources?.[id];
    for (const [id] of resourcesOfType(stripped, 'AWS::SQS::QueuePolicy')) delete stripped.Resources?.[id];
    for (const [id] of resourcesOfType(stripped, 'AWS::SNS::TopicPolicy')) delete stripped.Resources?.[id];
    const denied = await deniedRequests(
      deliveryRequests(resolver(stripped), 'self-test', () => undefined).requests,
    );
    expect(denied).toEqual(
      expect.arrayContaining([
        expect.stringContaining('lambda:InvokeFunction'),
        expect.stringContaining('sqs:SendMessage'),
      ]),
    );
    expect(denied).toHaveLength(full.requests.length);
  });

  it('flags a granted action nobody declared, a service wildcard and a Lambda write', async () => {
    const extra = [
      ...handler.policies,
      {
        name: 'extra',
        policy: {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow' as const,
              Action: ['lambda:UpdateFunctionConfiguration', 's3:*'],
              Resource: '*',
            },
          ],
        },
      },
    ];
    const excess = await excessGrants(extra, runtimeNeeds(model, 'handler'));
    expect(excess).toEqual(
      expect.arrayContaining([
        expect.stringContaining('lambda:UpdateFunctionConfiguration'),
        expect.stringContaining('s3:*'),
      ]),
    );
    expect(lambdaWriteGrants(extra, await lambdaWriteActions(), [])).toEqual([
      expect.stringContaining('lambda:UpdateFunctionConfiguration'),
    ]);
  });
});
