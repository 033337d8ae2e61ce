/**
 * Every alarm reaches a person, in every stack of every deployment mode. An alarm reaches a person
 * when it notifies an SNS topic in its own region, or when its state changes ("CloudWatch Alarm State
 * Change" events) are routed by EventBridge: in the detector stack straight to the operations topic
 * (or to a function that publishes there); in a forwarder or member stack to the detector's bus,
 * where a detector rule takes them to the operations topic. Rules are judged by matching the event
 * CloudWatch would send for that alarm against their patterns.
 */
import { RUNTIME_CALLS } from '../../lambda/runtime-calls.js';
import { resourcesOfType, TemplateResolver } from '../support/cfn-resolver.js';
import { allDeployments, type Placement, type SynthesizedStack } from '../support/deployments.js';
import { matchesPattern } from '../support/event-pattern.js';
import { DeploymentModel, RUNTIMES } from '../support/runtime-requests.js';

interface Target {
  arn: string;
  /** For a Lambda target: the function's environment, resolved. */
  env?: Record<string, unknown>;
}

/** The state change event CloudWatch sends to the default bus of the alarm's account and region. */
function alarmEvent(resolver: TemplateResolver, alarmId: string): Record<string, unknown> {
  const arn = resolver.getAtt(alarmId, 'Arn');
  const name = arn.split(':alarm:')[1] ?? '';
  const { account, region } = resolver.placement;
  return {
    version: '0',
    id: '2dcd6b8c-4a1d-4f3b-9c1e-000000000000',
    'detail-type': 'CloudWatch Alarm State Change',
    source: 'aws.cloudwatch',
    account,
    time: '2026-03-14T09:00:00Z',
    region,
    resources: [arn],
    detail: {
      alarmName: name,
      state: { value: 'ALARM', reason: 'Threshold Crossed', timestamp: '2026-03-14T09:00:00.000+0000' },
      previousState: {
        value: 'OK',
        reason: 'Threshold not crossed',
        timestamp: '2026-03-14T08:00:00.000+0000',
      },
      configuration: { description: 'layerwatch alarm', metrics: [] },
    },
  };
}

/** The targets of every rule of a template whose pattern matches `event`. */
function routesOf(resolver: TemplateResolver, event: Record<string, unknown>): Target[] {
  const targets: Target[] = [];
  for (const [, rule] of resourcesOfType(resolver.template, 'AWS::Events::Rule')) {
    const pattern = rule.Properties?.EventPattern;
    if (!pattern || rule.Properties?.State === 'DISABLED') continue;
    if (!matchesPattern(resolver.resolve(pattern) as Record<string, unknown>, event)) continue;
    for (const t of (rule.Properties?.Targets as { Arn: unknown }[]) ?? []) {
      const arn = resolver.text(t.Arn);
      const fn = resourcesOfType(resolver.template, 'AWS::Lambda::Function').find(
        ([id]) => resolver.getAtt(id, 'Arn') === arn,
      );
      const env = fn
        ? (resolver.resolve((fn[1].Properties?.Environment as { Variables?: unknown })?.Variables) as Record<
            string,
            unknown
          >)
        : undefined;
      targets.push({ arn, env });
    }
  }
  return targets;
}

/** Whether a target puts the event before a person: the operations topic, or a function that publishes there. */
function reachesOperations(target: Target, operationsTopic: string): boolean {
  return target.arn === operationsTopic || Object.values(target.env ?? {}).includes(operationsTopic);
}

/** Why an alarm does not reach a person, or undefined when it does. */
function unreachable(
  model: DeploymentModel,
  stack: SynthesizedStack,
  placement: Placement,
  alarmId: string,
  operationsTopic: string,
): string | undefined {
  const resolver = new TemplateResolver(stack.template, placement);
  if (!resolver.exists(alarmId)) return undefined;
  const alarm = stack.template.Resources?.[alarmId];
  const actions = (resolver.resolve(alarm?.Properties?.AlarmActions) ?? []) as string[];
  const sns = actions.filter((a) => a.startsWith('arn:') && a.split(':')[2] === 'sns');
  // Alarm actions are regional; the detector's own alarms belong on the operations topic.
  const inRegion = sns.filter((a) => a.split(':')[3] === placement.region);
  if (inRegion.some((a) => stack.role !== 'detector' || a === operationsTopic)) return undefined;
  const event = alarmEvent(resolver, alarmId);
  const local = routesOf(resolver, event);
  if (stack.role === 'detector' && local.some((t) => reachesOperations(t, operationsTopic))) return undefined;
  const where = `${model.d.name} / ${stack.name} in ${placement.account}/${placement.region} / alarm ${alarmId}`;
  const forwarded = local.some((t) => t.arn === model.centralBusArn());
  if (forwarded) {
    const central = routesOf(model.home, event);
    if (central.some((t) => reachesOperations(t, operationsTopic))) return undefined;
    return `${where}: its state changes reach the detector's bus, but no detector rule takes them to the operations topic ${operationsTopic}`;
  }
  const other =
    inRegion.length > 0
      ? `SNS actions (${inRegion.join(', ')}) but not the operations topic ${operationsTopic}`
      : sns.length > 0
        ? `only SNS actions in other regions (${sns.join(', ')})`
        : 'no SNS alarm action';
  return `${where}: ${other}, and no EventBridge rule routes its state changes to the operations topic or the detector's bus (${model.centralBusArn()})`;
}

function operationsTopicOf(model: DeploymentModel): string {
  const runtime = RUNTIMES.find((r) => RUNTIME_CALLS[r].some((c) => c.topic === 'operations'));
  if (!runtime) throw new Error('no runtime publishes to the operations topic');
  return model.topicArn(runtime, 'operations');
}

describe.each(allDeployments().map((d) => [d.name, d] as const))('%s', (_, d) => {
  const model = new DeploymentModel(d);
  const operationsTopic = operationsTopicOf(model);

  it.each(d.stacks.map((s) => [s.name, s] as const))(
    'every alarm of the %s reaches a person',
    (_name, stack) => {
      const alarms = resourcesOfType(stack.template, 'AWS::CloudWatch::Alarm');
      const problems = stack.placements.flatMap((placement) =>
        alarms
          .map(([id]) => unreachable(model, stack, placement, id, operationsTopic))
          .filter((p) => p !== undefined),
      );
      expect(problems).toEqual([]);
    },
  );

  it('has alarms in the detector stack (the check is not vacuous)', () => {
    expect(resourcesOfType(d.detector.template, 'AWS::CloudWatch::Alarm').length).toBeGreaterThan(0);
  });
});

describe('the alarm check', () => {
  const d = allDeployments().find((x) => x.forwarders.length > 0);
  if (!d) throw new Error('no multi-region mode');
  const model = new DeploymentModel(d);
  const stack = d.forwarders[0] as SynthesizedStack;
  const placement = stack.placements[0] as Placement;
  const [alarmId] = resourcesOfType(stack.template, 'AWS::CloudWatch::Alarm')[0] ?? [''];
  const operationsTopic = operationsTopicOf(model);

  /** A template without the rules that relay alarm state changes, to judge the other routes alone. */
  function withoutRelays<
    T extends { Resources?: Record<string, { Type: string; Properties?: Record<string, unknown> }> },
  >(template: T): T {
    const t = structuredClone(template);
    t.Resources = Object.fromEntries(
      Object.entries(t.Resources ?? {}).filter(
        ([, r]) =>
          !(
            r.Type === 'AWS::Events::Rule' &&
            JSON.stringify(r.Properties?.EventPattern ?? {}).includes('aws.cloudwatch')
          ),
      ),
    );
    return t;
  }

  function withAlarm(actions: unknown[]): SynthesizedStack {
    const template = withoutRelays(stack.template);
    const alarm = template.Resources?.[alarmId];
    if (alarm?.Properties) alarm.Properties.AlarmActions = actions;
    return { ...stack, template };
  }

  it('accepts an SNS action in the alarm region and refuses one in another region', () => {
    const here = `arn:aws:sns:${placement.region}:${placement.account}:ops`;
    expect(unreachable(model, withAlarm([here]), placement, alarmId, operationsTopic)).toBeUndefined();
    const elsewhere = withAlarm([`arn:aws:sns:us-west-2:${placement.account}:ops`]);
    expect(unreachable(model, elsewhere, placement, alarmId, operationsTopic)).toMatch(/other regions/);
  });

  it('refuses a detector alarm on a topic other than the operations topic', () => {
    const [id] = resourcesOfType(d.detector.template, 'AWS::CloudWatch::Alarm')[0] ?? [''];
    const template = structuredClone(d.detector.template);
    const alarm = template.Resources?.[id];
    if (alarm?.Properties)
      alarm.Properties.AlarmActions = [`arn:aws:sns:${d.coverage.homeRegion}:${d.coverage.homeAccount}:x`];
    const detector = { ...d.detector, template };
    const home = { account: d.coverage.homeAccount, region: d.coverage.homeRegion };
    expect(unreachable(model, detector, home, id, operationsTopic)).toMatch(/not the operations topic/);
    expect(unreachable(model, d.detector, home, id, operationsTopic)).toBeUndefined();
  });

  it('accepts state changes forwarded to the central bus only when a detector rule takes them to the operations topic', () => {
    const forwarder = withoutRelays(stack.template);
    forwarder.Resources = { ...forwarder.Resources };
    forwarder.Resources.ForwardAlarms = {
      Type: 'AWS::Events::Rule',
      Properties: {
        EventPattern: {
          source: ['aws.cloudwatch'],
          'detail-type': ['CloudWatch Alarm State Change'],
          resources: [{ 'Fn::GetAtt': [alarmId, 'Arn'] }],
        },
        Targets: [{ Id: 'Bus', Arn: model.centralBusArn() }],
      },
    };
    const withRule = { ...stack, template: forwarder };
    const bare = new DeploymentModel({
      ...d,
      detector: { ...d.detector, template: withoutRelays(d.detector.template) },
    });
    expect(unreachable(bare, withRule, placement, alarmId, operationsTopic)).toMatch(/no detector rule/);
    const [topicId] = resourcesOfType(d.detector.template, 'AWS::SNS::Topic').find(
      ([id]) => model.home.ref(id) === operationsTopic,
    ) ?? [''];
    const detector = withoutRelays(d.detector.template);
    detector.Resources = { ...detector.Resources };
    detector.Resources.AlarmsToOperations = {
      Type: 'AWS::Events::Rule',
      Properties: {
        EventPattern: { source: ['aws.cloudwatch'], 'detail-type': ['CloudWatch Alarm State Change'] },
        Targets: [{ Id: 'Ops', Arn: { Ref: topicId } }],
      },
    };
    const central = new DeploymentModel({ ...d, detector: { ...d.detector, template: detector } });
    expect(unreachable(central, withRule, placement, alarmId, operationsTopic)).toBeUndefined();
  });

  it('matches alarm state changes with real pattern semantics', () => {
    const event = alarmEvent(new TemplateResolver(stack.template, placement), alarmId);
    expect(
      matchesPattern({ source: ['aws.cloudwatch'], 'detail-type': ['CloudWatch Alarm State Change'] }, event),
    ).toBe(true);
    expect(matchesPattern({ resources: [{ suffix: ':alarm:other' }] }, event)).toBe(false);
    expect(matchesPattern({ detail: { state: { value: [{ 'anything-but': 'OK' }] } } }, event)).toBe(true);
    expect(matchesPattern({ source: ['aws.lambda'] }, event)).toBe(false);
  });
});
