/**
 * Every delivery proven from the receiving side, in every deployment mode and at every place a
 * template is deployed (the security account included, when the organization's OUs hold it): each
 * alarm action, EventBridge target, dead-letter queue, rule or schedule role and Lambda destination
 * is judged against the policy of what receives it (topic policy, key policy, queue policy, bus
 * policy, role trust, function policy), with the context the sending service documents, by an IAM
 * policy simulator. A topic policy replaces SNS's default one; a topic the user brings is judged
 * with the statements README documents for it. The same delivery from a source that is not the
 * deployment's must be refused, and every grant to a service principal must name its source.
 */
import { resourcesOfType, TemplateResolver } from '../support/cfn-resolver.js';
import {
  allDeployments,
  type CfnTemplate,
  HOME,
  type Placement,
  type SynthesizedDeployment,
  type SynthesizedStack,
} from '../support/deployments.js';
import { deniedRequests, evaluate, type PolicyDocument } from '../support/iam-simulation.js';
import {
  documentedPolicy,
  type ImportedTopic,
  type Receivers,
  snsDefaultPolicy,
} from '../support/receivers.js';
import { judgeDeliveries } from '../support/receiving-side.js';
import { DeploymentModel } from '../support/runtime-requests.js';
import { sourcelessGrants } from '../support/service-grants.js';

const deployments = allDeployments();

/**
 * Where each template is deployed. The member StackSet reaches every account of the OUs, and the
 * OUs may hold the security account itself (the root, with a delegated administrator).
 */
function placementsOf(d: SynthesizedDeployment, stack: SynthesizedStack): readonly Placement[] {
  if (stack.role !== 'member') return stack.placements;
  const regions = d.config.organization?.regions ?? [];
  return [...stack.placements, ...regions.map((region) => ({ account: d.coverage.homeAccount, region }))];
}

function receiversOf(d: SynthesizedDeployment): Receivers {
  const { alertTopicArn, alertTopicKmsKeyArn, operationsTopicArn, operationsTopicKmsKeyArn } = d.config;
  const imported: ImportedTopic[] = [];
  if (alertTopicArn) imported.push({ arn: alertTopicArn, keyArn: alertTopicKmsKeyArn });
  if (operationsTopicArn) imported.push({ arn: operationsTopicArn, keyArn: operationsTopicKmsKeyArn });
  return {
    imported,
    busPolicy: new DeploymentModel(d).busPolicy(),
    organizationId: d.coverage.organizationId,
  };
}

function judgeAll(d: SynthesizedDeployment) {
  const receivers = receiversOf(d);
  const judged = d.stacks.flatMap((stack) =>
    placementsOf(d, stack).map((p) =>
      judgeDeliveries(
        new TemplateResolver(stack.template, p),
        `${d.name} / ${stack.name} in ${p.account} ${p.region}`,
        receivers,
      ),
    ),
  );
  return {
    requests: judged.flatMap((j) => j.requests),
    forged: judged.flatMap((j) => j.forged),
    problems: judged.flatMap((j) => j.problems),
  };
}

describe.each(deployments.map((d) => [d.name, d] as const))('%s', (_, d) => {
  const judged = judgeAll(d);

  it('admits every delivery at its receiver, with the context the sender documents', async () => {
    expect(judged.problems).toEqual([]);
    const alarmDeliveries = judged.requests.filter((r) => r.why.includes('/ alarm '));
    expect(alarmDeliveries.length).toBeGreaterThan(0);
    expect(await deniedRequests(judged.requests)).toEqual([]);
  });

  it('refuses the same delivery from a source that is not the deployment', async () => {
    expect(judged.forged.length).toBeGreaterThan(0);
    const admitted: string[] = [];
    for (const r of judged.forged) if ((await evaluate(r)).result === 'Allowed') admitted.push(r.why);
    expect(admitted).toEqual([]);
  });

  it('names the source of every grant to a service principal', () => {
    const found = d.stacks.flatMap((stack) =>
      placementsOf(d, stack)
        .slice(0, 1)
        .flatMap((p) =>
          sourcelessGrants(new TemplateResolver(stack.template, p), `${d.name} / ${stack.name}`),
        ),
    );
    expect(found).toEqual([]);
  });
});

describe('the operations topic', () => {
  const single = deployments.find((d) => d.name === 'single') as SynthesizedDeployment;
  const resolver = new TemplateResolver(single.detector.template, HOME);
  const topics = resourcesOfType(single.detector.template, 'AWS::SNS::Topic');
  const env = (name: string) =>
    resourcesOfType(single.detector.template, 'AWS::Lambda::Function')
      .map(
        ([, f]) => (f.Properties?.Environment as { Variables?: Record<string, unknown> })?.Variables?.[name],
      )
      .find((v) => v !== undefined);

  it('is, by default, a topic with a key of its own, apart from the alert topic and its key', () => {
    const alert = resolver.text(env('ALERT_TOPIC_ARN'));
    const operations = resolver.text(env('OPERATIONS_TOPIC_ARN'));
    expect(alert).not.toBe(operations);
    const keyOf = (arn: string) =>
      JSON.stringify(topics.find(([id]) => resolver.ref(id) === arn)?.[1].Properties?.KmsMasterKeyId);
    expect(keyOf(alert)).not.toBe(keyOf(operations));
    expect(resourcesOfType(single.detector.template, 'AWS::KMS::Key')).toHaveLength(2);
  });

  it('receives every alarm of the detector, and the alert topic none', () => {
    const operations = resolver.text(env('OPERATIONS_TOPIC_ARN'));
    for (const [, alarm] of resourcesOfType(single.detector.template, 'AWS::CloudWatch::Alarm'))
      expect(resolver.resolve(alarm.Properties?.AlarmActions)).toEqual([operations]);
  });

  it('is heard by the alert emails, or by its own list', () => {
    const subscribers = (t: CfnTemplate) =>
      resourcesOfType(t, 'AWS::SNS::Subscription').map(([, s]) => ({
        topic: JSON.stringify(s.Properties?.TopicArn),
        endpoint: s.Properties?.Endpoint,
      }));
    const byTopic = new Set(subscribers(single.detector.template).map((s) => `${s.topic} ${s.endpoint}`));
    expect(byTopic.size).toBe(2);
    expect([...byTopic].every((s) => s.endsWith(' security@example.com'))).toBe(true);
  });
});

describe('the organization member stack in the security account', () => {
  const org = deployments.find((d) => d.config.memberHeartbeat) as SynthesizedDeployment;
  const member = org.member as SynthesizedStack;
  const rulesTo = (p: Placement) => {
    const resolver = new TemplateResolver(member.template, p);
    return resourcesOfType(member.template, 'AWS::Events::Rule')
      .filter(([id]) => resolver.exists(id))
      .flatMap(([, r]) =>
        ((r.Properties?.Targets ?? []) as { Arn: unknown }[]).map((t) => resolver.text(t.Arn)),
      );
  };
  const central = `arn:aws:events:${HOME.region}:${HOME.account}:event-bus/default`;

  it("forwards nothing in the detector's own account and region, and creates no canary there", () => {
    const home = new TemplateResolver(member.template, HOME);
    const created = Object.entries(member.template.Resources ?? {}).filter(([id]) => home.exists(id));
    expect(rulesTo(HOME)).toEqual([]);
    expect(created.map(([, r]) => r.Type)).not.toContain('AWS::Lambda::Function');
    expect(created.length).toBeGreaterThan(0);
  });

  it("forwards the security account's other regions to the detector, as any member's", () => {
    const away = { account: HOME.account, region: 'eu-west-1' };
    expect(rulesTo(away).length).toBeGreaterThan(0);
    expect(new Set(rulesTo(away))).toEqual(new Set([central]));
    expect(new Set(rulesTo({ account: '222233334444', region: HOME.region }))).toEqual(new Set([central]));
  });
});

describe('the receiving-side model', () => {
  const topicArn = `arn:aws:sns:${HOME.region}:${HOME.account}:LayerWatch-Ops-Phys1D`;
  const alarmArn = `arn:aws:cloudwatch:${HOME.region}:${HOME.account}:alarm:LayerWatch-Blind-Phys1D`;
  const publish = (policy: PolicyDocument, service = 'cloudwatch.amazonaws.com', source = alarmArn) =>
    evaluate({
      principal: { label: service, service },
      action: 'sns:Publish',
      resource: topicArn,
      resourceAccount: HOME.account,
      resourcePolicy: policy,
      context: { 'aws:SourceArn': source, 'aws:SourceAccount': HOME.account, 'aws:SecureTransport': 'true' },
      why: 'self-test',
    });

  it("refuses services on a topic without a policy (SNS's default admits the account's principals only)", async () => {
    expect((await publish(snsDefaultPolicy(topicArn))).result).not.toBe('Allowed');
  });

  it("admits the deployment's alarms and rules on a topic with README's statements, and no one else's", async () => {
    const policy = documentedPolicy('imported-topic-policy', topicArn);
    expect((await publish(policy)).result).toBe('Allowed');
    const rule = `arn:aws:events:${HOME.region}:${HOME.account}:rule/LayerWatch-RemoteAlarms-Phys1D`;
    expect((await publish(policy, 'events.amazonaws.com', rule)).result).toBe('Allowed');
    expect(
      (await publish(policy, 'events.amazonaws.com', rule.replace('LayerWatch-', 'x-'))).result,
    ).not.toBe('Allowed');
    expect(
      (await publish(policy, 'cloudwatch.amazonaws.com', alarmArn.replace(HOME.account, '999988887777')))
        .result,
    ).not.toBe('Allowed');
  });

  it("lets EventBridge use an imported key with the topic's encryption context only (no source is sent)", async () => {
    const key = documentedPolicy('imported-key-policy', topicArn);
    const use = (context: Record<string, string>) =>
      evaluate({
        principal: { label: 'EventBridge', service: 'events.amazonaws.com' },
        action: 'kms:GenerateDataKey',
        resource: `arn:aws:kms:${HOME.region}:${HOME.account}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
        resourceAccount: HOME.account,
        resourcePolicy: key,
        context,
        why: 'self-test',
      });
    expect((await use({ 'kms:EncryptionContext:aws:sns:topicArn': topicArn })).result).toBe('Allowed');
    expect((await use({ 'kms:EncryptionContext:aws:sns:topicArn': `${topicArn}-other` })).result).not.toBe(
      'Allowed',
    );
  });
});
