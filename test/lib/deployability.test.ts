/**
 * What a real deployment needs beyond the happy path of single mode: every covered region readable,
 * every alarm heard, imported keys granted only what publishing needs, a quota-friendly
 * concurrency, the first sweep after the member roles exist, the partition of the region, logs
 * that expire, and a rule that invokes the handler only for layer calls.
 */
import { App, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as logs from 'aws-cdk-lib/aws-logs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { composeDeployment } from '../../lib/app.js';
import type { LayerWatchConfig } from '../../lib/layerwatch-stack.js';

const ENV = { account: '111122223333', region: 'us-east-1' };
const base: LayerWatchConfig = {
  alertEmails: [],
  logRetention: logs.RetentionDays.ONE_YEAR,
  memorySize: 256,
};
const organization = {
  organizationId: 'o-abcdef1234',
  organizationalUnitIds: ['ou-ab12-cdef3456'],
  regions: ['us-east-1', 'eu-west-1'],
  memberRoleName: 'LayerWatchReadOnly',
  callAs: 'SELF' as const,
};

function synthesize(
  config: Partial<LayerWatchConfig>,
  env: { account?: string; region?: string },
  nag: boolean,
) {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  if (nag) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const d = composeDeployment(app, { ...base, ...config }, env);
  return {
    app,
    d,
    detector: Template.fromStack(d.detector),
    forwarders: d.forwarders.map((f) => Template.fromStack(f)),
  };
}

/** Templates by configuration: the tests only read them, so a configuration is synthesized once. */
const synthesized = new Map<string, ReturnType<typeof synthesize>>();

/** The deployment of `config`; with `nag`, a fresh app with cdk-nag on (its test synthesizes it). */
function deploy(
  config: Partial<LayerWatchConfig>,
  env: { account?: string; region?: string } = ENV,
  nag = false,
) {
  if (nag) return synthesize(config, env, true);
  const key = JSON.stringify([config, env]);
  const known = synthesized.get(key) ?? synthesize(config, env, false);
  synthesized.set(key, known);
  return known;
}

type Statement = { Action: string | string[]; Resource: unknown; Condition?: unknown };

function statementsOf(t: Template, role: string): Statement[] {
  return Object.values(
    t.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: Match.stringLikeRegexp(role) }] } }),
  ).flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
}

function resourcesOf(statements: Statement[], action: string): string[] {
  return statements
    .filter((s) => [s.Action].flat().includes(action))
    .flatMap((s) => [s.Resource].flat())
    .map((r) => JSON.stringify(r));
}

describe('every covered region is readable by the handler', () => {
  it.each([
    [
      'multi-region',
      { mode: 'multi-region' as const, regions: ['eu-west-1', 'ap-southeast-2'] },
      ['us-east-1', 'eu-west-1', 'ap-southeast-2'],
    ],
    ['organization', { mode: 'organization' as const, organization }, ['us-east-1', 'eu-west-1']],
  ])('%s: GetFunctionConfiguration on the functions of every covered region', (_mode, config, regions) => {
    const { detector } = deploy(config);
    const granted = resourcesOf(
      statementsOf(detector, 'HandlerServiceRole'),
      'lambda:GetFunctionConfiguration',
    );
    expect(granted).toHaveLength(regions.length);
    for (const r of regions) expect(granted.join()).toContain(`:lambda:${r}:111122223333:function:*`);
  });
});

describe('every alarm reaches a person', () => {
  it('forwarder alarms are named for the relay, and their state changes travel to the central bus', () => {
    const { forwarders } = deploy({ mode: 'multi-region', regions: ['eu-west-1'] });
    const f = forwarders[0] as Template;
    f.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: { 'Fn::Join': ['', ['layerwatch-remote-', { Ref: 'AWS::StackName' }]] },
    });
    f.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.cloudwatch'],
        'detail-type': ['CloudWatch Alarm State Change'],
        resources: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('DeadLetterAlarm'), 'Arn'] }],
        detail: { alarmName: [{ prefix: 'layerwatch-remote-' }] },
      },
      Targets: [
        Match.objectLike({
          Arn: {
            'Fn::Join': [
              '',
              ['arn:', { Ref: 'AWS::Partition' }, ':events:us-east-1:111122223333:event-bus/default'],
            ],
          },
        }),
      ],
    });
  });

  it('the member template relays its alarm the same way', () => {
    const { detector } = deploy({ mode: 'organization', organization });
    const body = Object.values(detector.findResources('AWS::CloudFormation::StackSet'))[0]?.Properties
      .TemplateBody;
    const member = Template.fromJSON(JSON.parse(body as string));
    member.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: Match.objectLike({
        source: ['aws.cloudwatch'],
        detail: { alarmName: [{ prefix: 'layerwatch-remote-' }] },
      }),
    });
  });

  it('the detector publishes remote alarm state changes to the operations topic, dead-lettering what fails', () => {
    const { detector } = deploy({ operationsTopicArn: 'arn:aws:sns:us-east-1:111122223333:ops' });
    detector.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.cloudwatch'],
        'detail-type': ['CloudWatch Alarm State Change'],
        detail: { alarmName: [{ prefix: 'layerwatch-remote-' }] },
      },
      Targets: [
        Match.objectLike({
          Arn: 'arn:aws:sns:us-east-1:111122223333:ops',
          DeadLetterConfig: Match.objectLike({ Arn: Match.anyValue() }),
          InputTransformer: Match.objectLike({
            InputPathsMap: Match.objectLike({ 'detail-alarmName': '$.detail.alarmName' }),
          }),
        }),
      ],
    });
    for (const alarm of Object.values(detector.findResources('AWS::CloudWatch::Alarm'))) {
      expect(alarm.Properties.AlarmActions).toEqual(['arn:aws:sns:us-east-1:111122223333:ops']);
    }
  });
});

describe('an existing topic with its own key', () => {
  const config = {
    alertTopicArn: 'arn:aws:sns:us-east-1:111122223333:alerts',
    alertTopicKmsKeyArn: 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
    operationsTopicArn: 'arn:aws:sns:us-east-1:111122223333:ops',
    operationsTopicKmsKeyArn: 'arn:aws:kms:us-east-1:111122223333:key/9999abcd-12ab-34cd-56ef-1234567890ab',
  };

  it('synthesizes clean under cdk-nag', () => {
    const { app } = deploy(config, ENV, true);
    expect(() => app.synth()).not.toThrow();
  });

  it('grants only what publishing needs on each key: the handler the alert key, the sweep plan the operations key, its worker both', () => {
    const { detector } = deploy(config);
    const keyActions = (role: string) =>
      statementsOf(detector, role)
        .filter((s) => [s.Action].flat().some((a) => a.startsWith('kms:')))
        .map((s) => ({ actions: [s.Action].flat().sort(), resource: s.Resource }));
    expect(keyActions('HandlerServiceRole')).toEqual([
      { actions: ['kms:Decrypt', 'kms:GenerateDataKey*'], resource: config.alertTopicKmsKeyArn },
    ]);
    expect(keyActions('SweepFunctionServiceRole')).toEqual([
      { actions: ['kms:Decrypt', 'kms:GenerateDataKey*'], resource: config.operationsTopicKmsKeyArn },
    ]);
    expect(keyActions('SweepWorkerServiceRole')).toEqual(
      expect.arrayContaining([
        { actions: ['kms:Decrypt', 'kms:GenerateDataKey*'], resource: config.alertTopicKmsKeyArn },
        { actions: ['kms:Decrypt', 'kms:GenerateDataKey*'], resource: config.operationsTopicKmsKeyArn },
      ]),
    );
    expect(JSON.stringify(detector.toJSON())).not.toContain('kms:ReEncrypt');
  });
});

describe('reserved concurrency', () => {
  const reserved = (t: Template) =>
    Object.values(t.findResources('AWS::Lambda::Function'))
      .map((f) => f.Properties.ReservedConcurrentExecutions)
      .sort();

  it('reserves 10 for the handler and 1 for the sweep by default', () => {
    // Handler, sweep; the heartbeat canary never runs (0); the heartbeat and the trigger provider share the pool.
    expect(reserved(deploy({}).detector)).toEqual([0, 1, 10, undefined, undefined]);
  });

  it('reserves nothing with none (accounts whose quota cannot keep 100 unreserved)', () => {
    expect(reserved(deploy({ reservedConcurrency: 'none' }).detector)).toEqual([
      0,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('takes another number', () => {
    expect(reserved(deploy({ reservedConcurrency: 3 }).detector)).toEqual([0, 1, 3, undefined, undefined]);
  });
});

describe('the sweep at deployment', () => {
  it('runs after the StackSet in organization mode, so that the member roles exist', () => {
    const { detector } = deploy({ mode: 'organization', organization });
    const trigger = Object.values(detector.findResources('Custom::Trigger'))[0];
    const stackSet = Object.keys(detector.findResources('AWS::CloudFormation::StackSet'))[0];
    expect(trigger?.DependsOn).toEqual(expect.arrayContaining([stackSet]));
  });

  it("sends the trigger provider's logs to a log group with a retention, whatever an earlier deployment left", () => {
    const { detector } = deploy({ logRetention: logs.RetentionDays.THREE_MONTHS });
    const provider = Object.values(
      detector.findResources('AWS::Lambda::Function', { Properties: { Handler: '__entrypoint__.handler' } }),
    )[0];
    const logGroup = (provider?.Properties.LoggingConfig as { LogGroup?: { Ref?: string } })?.LogGroup?.Ref;
    expect(logGroup).toMatch(/TriggerProviderLogs/);
    expect(detector.toJSON().Resources[logGroup as string]).toMatchObject({
      Type: 'AWS::Logs::LogGroup',
      Properties: { RetentionInDays: 90 },
    });
    expect(detector.toJSON().Resources[logGroup as string].Properties.LogGroupName).toBeUndefined();
    for (const group of Object.values(detector.findResources('AWS::Logs::LogGroup'))) {
      expect(group.Properties.RetentionInDays).toBe(90);
    }
  });
});

describe('partitions', () => {
  it('passes the partition to the runtimes and builds no aws-only ARN', () => {
    const { detector, forwarders } = deploy(
      { mode: 'multi-region', regions: ['cn-northwest-1'] },
      {
        account: '111122223333',
        region: 'cn-north-1',
      },
    );
    detector.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ PARTITION: { Ref: 'AWS::Partition' } }) },
    });
    for (const t of [detector, ...forwarders]) expect(JSON.stringify(t.toJSON())).not.toMatch(/"arn:aws:/);
  });
});

describe('finding sinks', () => {
  it('grants Security Hub and the event bus only when turned on, each on its one resource', () => {
    const grants = (config: Partial<LayerWatchConfig>) =>
      [
        ...resourcesOf(
          statementsOf(deploy(config).detector, 'HandlerServiceRole'),
          'securityhub:BatchImportFindings',
        ),
        ...resourcesOf(statementsOf(deploy(config).detector, 'HandlerServiceRole'), 'events:PutEvents'),
      ].join();
    expect(grants({})).toBe('');
    const on = grants({ securityHub: true, findingEvents: true });
    expect(on).toContain(':securityhub:us-east-1:111122223333:product/111122223333/default');
    expect(on).toContain(':events:us-east-1:111122223333:event-bus/default');
  });

  it('tells the runtimes which sinks are on', () => {
    deploy({ securityHub: true }).detector.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ SECURITY_HUB: 'true', FINDING_EVENTS: 'false' }) },
    });
  });

  it('synthesizes clean under cdk-nag with both on', () => {
    const { app } = deploy({ securityHub: true, findingEvents: true }, ENV, true);
    expect(() => app.synth()).not.toThrow();
  });
});

describe('organization discovery', () => {
  it('lists the organization live for provenance, and sweeps every active account unless sweepAccounts overrides', () => {
    const discovering = deploy({ mode: 'organization', organization }).detector;
    discovering.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({ ORGANIZATION_DISCOVERY: 'true', SWEEP_DISCOVER_ACCOUNTS: 'true' }),
      },
    });
    expect(
      resourcesOf(statementsOf(discovering, 'HandlerServiceRole'), 'organizations:ListAccounts'),
    ).toEqual(['"*"']);
    const listed = deploy({ mode: 'organization', organization, sweepAccounts: ['222233334444'] }).detector;
    listed.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          SWEEP_ACCOUNTS: '111122223333,222233334444',
          SWEEP_DISCOVER_ACCOUNTS: 'false',
        }),
      },
    });
  });

  it('grants no ListAccounts outside organization mode', () => {
    const { detector } = deploy({});
    expect(resourcesOf(statementsOf(detector, 'HandlerServiceRole'), 'organizations:ListAccounts')).toEqual(
      [],
    );
    expect(
      resourcesOf(statementsOf(detector, 'SweepFunctionServiceRole'), 'organizations:ListAccounts'),
    ).toEqual([]);
  });
});
