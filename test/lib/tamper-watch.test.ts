/**
 * The tamper watch as deployed: its rule, its dead-letter queue, and the list of own resources the
 * handler receives. In every mode, every rule, function, topic, key, table, alarm, queue, role,
 * schedule, StackSet and stack the templates create (CDK's own custom-resource providers aside) is
 * recognised by detector-tampered from that list alone, resolved as CloudFormation would resolve it,
 * each template under the stack name it is deployed as.
 */
import { readConfig } from '../../lambda/config.js';
import { analyze } from '../../lambda/domain/engine.js';
import { parseSettings } from '../../lambda/domain/settings.js';
import { resourcesOfType, TemplateResolver } from '../support/cfn-resolver.js';
import {
  allDeployments,
  type CfnResource,
  HOME,
  type SynthesizedDeployment,
  type SynthesizedStack,
} from '../support/deployments.js';
import { asEvent } from '../support/event-corpus.js';
import { matchesPattern } from '../support/event-pattern.js';
import type { Rec } from '../support/records.js';
import { eventOf } from '../support/run.js';
import { call, failedCall } from '../support/tamper-records.js';

const NO_DEFAULTS = {
  rules: [],
  eventBuses: [],
  topics: [],
  functions: [],
  keys: [],
  tables: [],
  alarms: [],
  queues: [],
  roles: [],
  stacks: [],
  schedules: [],
};

/** The stack name each template is deployed under (lib/app.ts, lib/organization.ts). */
function stackNameOf(stack: SynthesizedStack, home: string): string {
  if (stack.role === 'detector') return 'LayerWatch';
  if (stack.role === 'forwarder') return `LayerWatchForwarder-${stack.placements[0]?.region}`;
  return `StackSet-layerwatch-member-${home}-6b1e2c3d-0000-4000-8000-00000000abcd`;
}

function directRuleOf(d: SynthesizedDeployment): [string, CfnResource] {
  const rules = resourcesOfType(d.detector.template, 'AWS::Events::Rule').filter(([id]) =>
    /TamperWatchDirectRule/.test(id),
  );
  if (rules.length !== 1) throw new Error(`${d.name}: expected one direct rule, found ${rules.length}`);
  return rules[0] as [string, CfnResource];
}

function operationsTopicOutput(d: SynthesizedDeployment): unknown {
  const outputs = (d.detector.template.Outputs ?? {}) as Record<string, { Value: unknown }>;
  return outputs.OperationsTopicArn?.Value;
}

function handlerOf(d: SynthesizedDeployment): [string, Record<string, unknown>] {
  const handlers = resourcesOfType(d.detector.template, 'AWS::Lambda::Function').filter(([id]) =>
    /DetectorHandler/.test(id),
  );
  if (handlers.length !== 1) throw new Error(`${d.name}: expected one handler, found ${handlers.length}`);
  const [id, resource] = handlers[0] as [string, { Properties?: Record<string, unknown> }];
  return [id, resource.Properties ?? {}];
}

/** The handler's settings as its cold start reads them, from the resolved environment. */
function deployedSettings(d: SynthesizedDeployment) {
  const placement = d.detector.placements[0] ?? { account: '111122223333', region: 'us-east-1' };
  const resolver = new TemplateResolver(d.detector.template, placement);
  const [id, properties] = handlerOf(d);
  const env = resolver.resolve((properties.Environment as { Variables: unknown }).Variables) as Record<
    string,
    string
  >;
  const config = readConfig({
    ...env,
    // Settings that name nothing: the deployment's list alone must be enough.
    LAYERWATCH_SETTINGS: JSON.stringify({ ownResources: NO_DEFAULTS }),
    AWS_LAMBDA_FUNCTION_NAME: resolver.ref(id),
  });
  return config.settings;
}

/** A tampering call on each resource of a template, where it is deployed. */
function callsOn(stack: SynthesizedStack, home: string): { label: string; record: Rec }[] {
  const placement = stack.placements[0];
  if (!placement) return [];
  const stackName = stackNameOf(stack, home);
  const r = new TemplateResolver(stack.template, placement, stackName);
  const at = { awsRegion: placement.region, recipientAccountId: placement.account };
  const of = (type: string) => resourcesOfType(stack.template, type);
  const out: { label: string; record: Rec }[] = [];
  for (const [id] of of('AWS::Events::Rule'))
    out.push({ label: `rule ${id}`, record: call('events', 'DeleteRule', { name: r.ref(id) }, null, at) });
  for (const [id] of of('AWS::Lambda::Function')) {
    // CDK's custom-resource providers run only during deployments: not watched.
    if (id.startsWith('AWSCDK') || id.startsWith('AWS679')) continue;
    const name = r.ref(id);
    out.push({
      label: `function ${id}`,
      record: call('lambda', 'DeleteFunction20150331', { functionName: name }, null, at),
    });
  }
  for (const [id] of of('AWS::SNS::Topic'))
    out.push({ label: `topic ${id}`, record: call('sns', 'DeleteTopic', { topicArn: r.ref(id) }, null, at) });
  for (const [id] of of('AWS::KMS::Key')) {
    const arn = r.getAtt(id, 'Arn');
    out.push({
      label: `key ${id}`,
      record: call('kms', 'DisableKey', { keyId: r.ref(id) }, null, {
        ...at,
        resources: [{ accountId: placement.account, type: 'AWS::KMS::Key', ARN: arn }],
      }),
    });
  }
  for (const [id] of [...of('AWS::DynamoDB::GlobalTable'), ...of('AWS::DynamoDB::Table')])
    out.push({
      label: `table ${id}`,
      record: call('dynamodb', 'DeleteTable', { tableName: r.ref(id) }, null, at),
    });
  return [...out, ...moreCallsOn(stack, r, stackName, at)];
}

/** Alarms, queues, roles, schedules, the StackSet and the stack itself. */
function moreCallsOn(stack: SynthesizedStack, r: TemplateResolver, stackName: string, at: Rec) {
  const of = (type: string) => resourcesOfType(stack.template, type);
  const out: { label: string; record: Rec }[] = [
    { label: `stack ${stackName}`, record: call('cloudformation', 'DeleteStack', { stackName }, null, at) },
  ];
  for (const [id, alarm] of of('AWS::CloudWatch::Alarm')) {
    const name = r.physicalName(id, alarm);
    out.push({
      label: `alarm ${id}`,
      record: call('cloudwatch', 'DeleteAlarms', { alarmNames: [name] }, null, at),
    });
  }
  for (const [id] of of('AWS::SQS::Queue')) {
    // A generated queue name is cut to SQS's 80 characters.
    const url = r.ref(id);
    const queueUrl = `${url.slice(0, url.lastIndexOf('/') + 1)}${url.slice(url.lastIndexOf('/') + 1).slice(0, 80)}`;
    out.push({ label: `queue ${id}`, record: call('sqs', 'PurgeQueue', { queueUrl }, null, at) });
  }
  for (const [id, role] of of('AWS::IAM::Role')) {
    // CDK's custom-resource providers run only during deployments; a generated IAM name is cut to 64.
    if (id.startsWith('AWSCDK') || id.startsWith('AWS679')) continue;
    const roleName = r.physicalName(id, role).slice(0, 64);
    out.push({ label: `role ${id}`, record: call('iam', 'DeleteRole', { roleName }, null, at) });
  }
  for (const [id, schedule] of of('AWS::Scheduler::Schedule'))
    out.push({
      label: `schedule ${id}`,
      record: call('scheduler', 'DeleteSchedule', { name: r.physicalName(id, schedule) }, null, at),
    });
  for (const [id, set] of of('AWS::CloudFormation::StackSet'))
    out.push({
      label: `StackSet ${id}`,
      record: call(
        'cloudformation',
        'UpdateStackSet',
        { stackSetName: r.resolve(set.Properties?.StackSetName) },
        null,
        at,
      ),
    });
  return out;
}

describe.each(allDeployments().map((d) => [d.name, d] as const))('mode %s', (_name, d) => {
  const settings = deployedSettings(d);

  it('has a tamper rule of its own that targets the handler, with its own dead-letter queue', () => {
    const [handlerId] = handlerOf(d);
    const rules = resourcesOfType(d.detector.template, 'AWS::Events::Rule').filter(
      ([, rule]) =>
        JSON.stringify(rule.Properties?.EventPattern ?? {}).includes('cloudtrail.amazonaws.com') &&
        JSON.stringify(rule.Properties?.Targets).includes(handlerId),
    );
    expect(rules).toHaveLength(1);
    const targets = rules[0]?.[1].Properties?.Targets as Rec[];
    expect(targets).toHaveLength(1);
    expect(targets[0]).toMatchObject({
      Arn: { 'Fn::GetAtt': [handlerId, 'Arn'] },
      RetryPolicy: { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 86400 },
      DeadLetterConfig: {
        Arn: { 'Fn::GetAtt': [expect.stringMatching(/TamperWatchDeadLetterQueue/), 'Arn'] },
      },
    });
  });

  it('has a direct rule to the operations topic, with its own dead-letter queue and a message naming the call', () => {
    const [, direct] = directRuleOf(d);
    const targets = direct.Properties?.Targets as Rec[];
    expect(targets).toHaveLength(1);
    const operations = d.config.operationsTopicArn;
    const resolver = new TemplateResolver(d.detector.template, d.detector.placements[0] ?? HOME);
    const topicArn = resolver.text(targets[0]?.Arn);
    if (operations) expect(topicArn).toBe(operations);
    else expect(topicArn).toMatch(/^arn:aws:sns:/);
    expect(topicArn).toBe(resolver.text(operationsTopicOutput(d)));
    expect(targets[0]).toMatchObject({
      RetryPolicy: { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 86400 },
      DeadLetterConfig: {
        Arn: { 'Fn::GetAtt': [expect.stringMatching(/TamperWatchDirectDeadLetterQueue/), 'Arn'] },
      },
    });
    const transformer = (targets[0] as { InputTransformer: { InputPathsMap: Record<string, string> } })
      .InputTransformer;
    expect(Object.values(transformer.InputPathsMap).sort()).toEqual(
      [
        '$.account',
        '$.region',
        '$.detail.eventName',
        '$.detail.eventSource',
        '$.detail.eventTime',
        '$.detail.eventID',
        '$.detail.userIdentity.arn',
        '$.detail.sourceIPAddress',
        '$.detail.requestParameters',
      ].sort(),
    );
    // Its dead-letter queue raises an alarm like the others.
    const alarms = resourcesOfType(d.detector.template, 'AWS::CloudWatch::Alarm').filter(([, a]) =>
      JSON.stringify(a.Properties?.Dimensions ?? []).includes('TamperWatchDirectDeadLetterQueue'),
    );
    expect(alarms).toHaveLength(1);
  });

  it('forwards tamper events from every forwarder and member stack, and guards the tamper rule', () => {
    for (const stack of d.stacks.filter((s) => s.role !== 'detector')) {
      const names = resourcesOfType(stack.template, 'AWS::Events::Rule').map(
        ([, rule]) => rule.Properties?.Name,
      );
      const global = stack.name.includes('global services');
      const prefix = global ? 'layerwatch-forward-global-' : 'layerwatch-forward-';
      expect(names.sort()).toEqual(
        [
          ...(global ? [] : [`${prefix}layer-events`]),
          `${prefix}tamper-events`,
          `${prefix}tamper-guard`,
          `${prefix}alarm-relay`,
        ].sort(),
      );
    }
  });

  const calls = d.stacks.flatMap((stack) =>
    callsOn(stack, d.detector.placements[0]?.region ?? 'us-east-1').map((c) => ({ ...c, stack: stack.name })),
  );
  it.each(calls.map((c) => [`${c.stack}: ${c.label}`, c.record] as const))(
    'knows %s as its own',
    (_label, record) => {
      const finding = analyze(eventOf(record), {
        baseline: null,
        live: { status: 'not-read' },
        settings,
      }).finding;
      expect(finding?.detectionId).toBe('detector-tampered');
    },
  );

  it('knows the existing topics and keys it was given, and in organization mode its bus policy', () => {
    const fires = (record: Rec) =>
      analyze(eventOf(record), { baseline: null, live: { status: 'not-read' }, settings }).finding
        ?.detectionId;
    const { config } = d;
    for (const topicArn of [config.alertTopicArn, config.operationsTopicArn].filter((t) => t !== undefined))
      expect(fires(call('sns', 'DeleteTopic', { topicArn }))).toBe('detector-tampered');
    if (config.alertTopicKmsKeyArn)
      expect(fires(call('kms', 'DisableKey', { keyId: config.alertTopicKmsKeyArn }))).toBe(
        'detector-tampered',
      );
    const removeAll = call('events', 'RemovePermission', { removeAllPermissions: true });
    expect(fires(removeAll)).toBe(config.mode === 'organization' ? 'detector-tampered' : undefined);
  });

  const patterned = d.stacks.flatMap((stack) => {
    const placement = stack.placements[0];
    if (!placement) return [];
    const r = new TemplateResolver(stack.template, placement);
    return (
      resourcesOfType(stack.template, 'AWS::Events::Rule')
        .filter(([, rule]) => rule.Properties?.EventPattern !== undefined)
        // A pattern that names the topics' keys is known once deployed only (README: Watching itself).
        .filter(([, rule]) => !/"(Ref|Fn::[A-Za-z]+)"/.test(JSON.stringify(rule.Properties?.EventPattern)))
        .map(([id, rule]) => ({
          label: `${stack.name}: rule ${id}`,
          name: r.ref(id),
          pattern: r.resolve(rule.Properties?.EventPattern) as Record<string, unknown>,
          at: { awsRegion: placement.region, recipientAccountId: placement.account },
        }))
    );
  });
  it.each(patterned.map((p) => [p.label, p] as const))(
    'takes a redeployment of %s with its own pattern for no tampering, and another pattern for tampering',
    (_label, p) => {
      const putRule = (pattern: unknown) =>
        analyze(
          eventOf(
            call(
              'events',
              'PutRule',
              { name: p.name, eventPattern: JSON.stringify(pattern), state: 'ENABLED' },
              null,
              p.at,
            ),
          ),
          { baseline: null, live: { status: 'not-read' }, settings },
        ).finding;
      expect(putRule(p.pattern)).toBeNull();
      // Keys in another order are the same pattern.
      expect(putRule(Object.fromEntries(Object.entries(p.pattern).reverse()))).toBeNull();
      const narrowed = { ...p.pattern, source: ['aws.nothing'] };
      expect(putRule(narrowed)?.detectionId).toBe('detector-tampered');
    },
  );

  const direct = (() => {
    const placement = d.detector.placements[0] ?? HOME;
    const r = new TemplateResolver(d.detector.template, placement);
    const [, rule] = directRuleOf(d);
    return r.resolve(rule.Properties?.EventPattern) as Record<string, unknown>;
  })();
  const tellsDirectly = (record: Rec) => matchesPattern(direct, asEvent(record));
  // The canary is changed every hour by the heartbeat: the handler's path watches it, not this one.
  const alertPath = callsOn(d.detector, d.detector.placements[0]?.region ?? 'us-east-1').filter(
    (c) => !/CanaryFunction/.test(c.label),
  );

  it.each(alertPath.map((c) => [c.label, c.record] as const))(
    'tells a call on %s on the operations topic directly, and not when it failed',
    (_label, record) => {
      expect(tellsDirectly(record)).toBe(true);
      expect(tellsDirectly(failedCall(record))).toBe(false);
    },
  );

  it('tells directly the calls on its topics, subscriptions, roles, queues, alarms and stack, and any stopped trail', () => {
    const at = d.detector.placements[0] ?? HOME;
    const r = new TemplateResolver(d.detector.template, at);
    const of = (type: string) => resourcesOfType(d.detector.template, type).map(([id]) => id);
    const topics = [
      ...of('AWS::SNS::Topic').map((id) => r.ref(id)),
      ...[d.config.alertTopicArn, d.config.operationsTopicArn].filter((t) => t !== undefined),
    ];
    const records = [
      ...topics.flatMap((topicArn) => [
        call('sns', 'SetTopicAttributes', { topicArn, attributeName: 'Policy', attributeValue: '{}' }),
        call('sns', 'Unsubscribe', { subscriptionArn: `${topicArn}:0b1f5c2e-0000-4000-8000-000000000000` }),
      ]),
      ...of('AWS::IAM::Role').map((id) =>
        call('iam', 'PutRolePolicy', { roleName: r.ref(id), policyName: 'deny', policyDocument: '{}' }),
      ),
      ...of('AWS::SQS::Queue').map((id) => call('sqs', 'PurgeQueue', { queueUrl: r.ref(id) })),
      ...of('AWS::CloudWatch::Alarm').map((id) =>
        call('monitoring', 'DisableAlarmActions', { alarmNames: [r.ref(id)] }),
      ),
      call('cloudformation', 'DeleteStack', { stackName: 'LayerWatch' }),
      call('cloudtrail', 'StopLogging', { name: 'arn:aws:cloudtrail:us-east-1:111122223333:trail/any' }),
    ];
    expect(records.filter((record) => !tellsDirectly(record))).toEqual([]);
  });

  it('tells directly nothing on resources of the same kind elsewhere, and no data event', () => {
    for (const record of [
      call('events', 'DisableRule', { name: 'payments-nightly' }),
      call('lambda', 'DeleteFunction20150331', { functionName: 'payments-api' }),
      call('lambda', 'PutFunctionConcurrency20171031', { functionName: 'layerwatch-canary' }),
      call('sns', 'DeleteTopic', { topicArn: 'arn:aws:sns:us-east-1:111122223333:payments' }),
      call('dynamodb', 'DeleteTable', { tableName: 'payments' }),
      call('iam', 'DeleteRole', { roleName: 'payments-role' }),
      call('cloudtrail', 'UpdateTrail', { name: 'management-events' }),
      call('lambda', 'Invoke', { functionName: 'LayerWatch-LayerWatchDetectorHandler-Phys1D' }, null, {
        managementEvent: false,
        eventCategory: 'Data',
      }),
    ])
      expect(tellsDirectly(record)).toBe(false);
  });

  it('does not take a resource of the same kind elsewhere for its own', () => {
    for (const record of [
      call('events', 'DeleteRule', { name: 'payments-nightly' }),
      call('lambda', 'DeleteFunction20150331', { functionName: 'payments-api' }),
      call('sns', 'DeleteTopic', { topicArn: 'arn:aws:sns:us-east-1:111122223333:payments' }),
      call('dynamodb', 'DeleteTable', { tableName: 'payments' }),
    ])
      expect(
        analyze(eventOf(record), { baseline: null, live: { status: 'not-read' }, settings }).finding,
      ).toBeNull();
  });
});

describe('settings: ownResources', () => {
  it('validates each kind and names the key', () => {
    expect(() => parseSettings({ ownResources: { buckets: [] } })).toThrow(
      /ownResources: unknown key\(s\) buckets/,
    );
    expect(parseSettings({ ownResources: { queues: ['q'] } }).ownResources.queues).toEqual(['q']);
    expect(() => parseSettings({ ownResources: { keys: 'k' } })).toThrow(/ownResources.keys must be a list/);
    expect(parseSettings({ ownResources: { keys: ['k'] } }).ownResources.rules).toContain('LayerWatch*');
  });
});
