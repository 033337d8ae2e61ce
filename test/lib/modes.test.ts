import { App, Validations } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as logs from 'aws-cdk-lib/aws-logs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { composeDeployment } from '../../lib/app.js';
import { LayerWatchForwarderStack } from '../../lib/forwarder-stack.js';
import { type LayerWatchConfig, LayerWatchStack } from '../../lib/layerwatch-stack.js';
import { LayerWatchMemberStack } from '../../lib/member-stack.js';

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
const PATTERN = {
  source: ['aws.lambda'],
  'detail-type': ['AWS API Call via CloudTrail'],
  detail: Match.objectLike({
    eventName: Match.arrayWith([{ prefix: 'UpdateFunctionConfiguration' }]),
    // Successful calls, and refused attaches (lambda-layer-attach-denied).
    $or: Match.arrayWith([{ errorCode: [{ exists: false }] }]),
  }),
};

function app(nag: boolean) {
  const a = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  if (nag) Validations.of(a).addPlugins(new AwsSolutionsChecks(a));
  return a;
}

describe('multi-region mode', () => {
  const a = app(false);
  const central = new LayerWatchStack(a, 'LayerWatch', {
    env: ENV,
    config: { ...base, mode: 'multi-region', regions: ['eu-west-1'] },
  });
  const forwarder = new LayerWatchForwarderStack(a, 'Forwarder', {
    env: { ...ENV, region: 'eu-west-1' },
    centralAccount: '111122223333',
    centralRegion: 'us-east-1',
  });

  it('forwards the same pattern to the central bus, dead-lettering what it cannot deliver', () => {
    const t = Template.fromStack(forwarder);
    t.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: PATTERN,
      Targets: [
        Match.objectLike({
          Arn: {
            'Fn::Join': [
              '',
              ['arn:', { Ref: 'AWS::Partition' }, ':events:us-east-1:111122223333:event-bus/default'],
            ],
          },
          RoleArn: Match.anyValue(),
          DeadLetterConfig: {
            Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('ForwardDeadLetterQueue'), 'Arn'] },
          },
        }),
      ],
    });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'ApproximateNumberOfMessagesVisible' });
  });

  it('sweeps the home region and the forwarded ones', () => {
    Template.fromStack(central).hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ SWEEP_REGIONS: 'us-east-1,eu-west-1' }) },
    });
  });

  it('passes cdk-nag', () => {
    const n = app(true);
    new LayerWatchStack(n, 'LayerWatch', {
      env: ENV,
      config: { ...base, mode: 'multi-region', regions: ['eu-west-1'] },
    });
    new LayerWatchForwarderStack(n, 'Forwarder', {
      env: { ...ENV, region: 'eu-west-1' },
      centralAccount: '111122223333',
      centralRegion: 'us-east-1',
    });
    expect(() => n.synth()).not.toThrow();
  });
});

describe('organization mode', () => {
  const stack = new LayerWatchStack(app(false), 'LayerWatch', {
    env: ENV,
    config: { ...base, mode: 'organization', organization, sweepAccounts: ['222233334444'] },
  });
  const t = Template.fromStack(stack);

  it('lets only accounts of the organization put events on the central bus', () => {
    t.hasResourceProperties('AWS::Events::EventBusPolicy', {
      EventBusName: 'default',
      Statement: {
        Effect: 'Allow',
        Principal: '*',
        Action: 'events:PutEvents',
        Resource: {
          'Fn::Join': [
            '',
            ['arn:', { Ref: 'AWS::Partition' }, ':events:us-east-1:111122223333:event-bus/default'],
          ],
        },
        Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-abcdef1234' } },
      },
    });
  });

  it('rolls the member stack out with a service-managed StackSet to the chosen OUs and regions', () => {
    t.hasResourceProperties('AWS::CloudFormation::StackSet', {
      PermissionModel: 'SERVICE_MANAGED',
      AutoDeployment: { Enabled: true, RetainStacksOnAccountRemoval: false },
      Capabilities: ['CAPABILITY_NAMED_IAM'],
      CallAs: 'SELF',
      StackInstancesGroup: [
        {
          Regions: ['us-east-1', 'eu-west-1'],
          DeploymentTargets: { OrganizationalUnitIds: ['ou-ab12-cdef3456'] },
        },
      ],
    });
    const body = Object.values(t.findResources('AWS::CloudFormation::StackSet'))[0]?.Properties
      .TemplateBody as string;
    const member = JSON.parse(body) as {
      Resources: Record<string, { Type: string }>;
      Parameters?: Record<string, unknown>;
    };
    expect(Object.values(member.Resources).map((r) => r.Type)).toEqual(
      expect.arrayContaining(['AWS::IAM::Role', 'AWS::Events::Rule', 'AWS::SQS::Queue']),
    );
    expect(JSON.stringify(member)).not.toMatch(/BootstrapVersion|cdk-hnb659fds/);
  });

  it('lets the detector assume only the member role, inside the organization', () => {
    t.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: 'sts:AssumeRole',
            Resource: {
              'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::*:role/LayerWatchReadOnly']],
            },
            Condition: { StringEquals: { 'aws:ResourceOrgID': 'o-abcdef1234' } },
          }),
        ]),
      },
    });
    t.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          MEMBER_ROLE_NAME: 'LayerWatchReadOnly',
          SWEEP_ACCOUNTS: '111122223333,222233334444',
          SWEEP_REGIONS: 'us-east-1,eu-west-1',
        }),
      },
    });
  });

  it('fans the sweep out: a FIFO queue of pairs, its dead-letter queue, and a worker taking both', () => {
    t.hasResourceProperties('AWS::SQS::Queue', {
      FifoQueue: true,
      RedrivePolicy: Match.objectLike({ maxReceiveCount: 3 }),
      VisibilityTimeout: 960,
    });
    t.hasResourceProperties('AWS::Lambda::Function', {
      Timeout: 900,
      Environment: { Variables: Match.objectLike({ SWEEP_DEAD_LETTER_QUEUE_ARN: Match.anyValue() }) },
    });
    const mappings = t.findResources('AWS::Lambda::EventSourceMapping');
    expect(Object.values(mappings).map((m) => m.Properties)).toEqual([
      expect.objectContaining({
        BatchSize: 1,
        ScalingConfig: { MaximumConcurrency: 20 },
        FunctionResponseTypes: ['ReportBatchItemFailures'],
      }),
      expect.objectContaining({ BatchSize: 1, ScalingConfig: { MaximumConcurrency: 20 } }),
    ]);
    t.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ SWEEP_QUEUE_URL: Match.anyValue() }) },
    });
  });

  it('takes the global cap of the sweep from sweepConcurrency', () => {
    const raised = Template.fromStack(
      new LayerWatchStack(app(false), 'LayerWatch', {
        env: ENV,
        config: { ...base, mode: 'organization', organization, sweepConcurrency: 100 },
      }),
    );
    for (const m of Object.values(raised.findResources('AWS::Lambda::EventSourceMapping')))
      expect(m.Properties.ScalingConfig).toEqual({ MaximumConcurrency: 100 });
  });

  it('refuses an environment-agnostic central stack', () => {
    expect(
      () => new LayerWatchStack(app(false), 'X', { config: { ...base, mode: 'organization', organization } }),
    ).toThrow(/explicit account and region/);
  });

  it('passes cdk-nag', () => {
    const n = app(true);
    new LayerWatchStack(n, 'LayerWatch', {
      env: ENV,
      config: { ...base, mode: 'organization', organization },
    });
    expect(() => n.synth()).not.toThrow();
  });
});

describe('member stack', () => {
  // Environment-agnostic, as the StackSet deploys it in each account and region.
  const member = new LayerWatchMemberStack(app(false), 'Member', {
    centralAccount: '111122223333',
    centralRegion: 'us-east-1',
    organizationId: 'o-abcdef1234',
    roleRegion: 'us-east-1',
  });
  const t = Template.fromStack(member);

  it('trusts only tagged detector principals of the central account inside the organization', () => {
    t.hasResourceProperties('AWS::IAM::Role', {
      RoleName: 'LayerWatchReadOnly',
      MaxSessionDuration: 3600,
      AssumeRolePolicyDocument: {
        Statement: [
          {
            Action: 'sts:AssumeRole',
            Effect: 'Allow',
            Principal: {
              AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::111122223333:root']] },
            },
            Condition: {
              StringEquals: {
                'aws:PrincipalTag/layerwatch:role': 'detector',
                'aws:PrincipalOrgID': 'o-abcdef1234',
              },
            },
          },
        ],
      },
    });
  });

  it('grants only the read calls the detector makes, and creates the role in one region only', () => {
    const policy = Object.values(
      t.findResources('AWS::IAM::Policy', {
        Properties: { Roles: [{ Ref: Match.stringLikeRegexp('ReadOnlyRole') }] },
      }),
    )[0];
    const actions = ((policy?.Properties.PolicyDocument.Statement ?? []) as { Action: string | string[] }[])
      .flatMap((s) => [s.Action].flat())
      .sort();
    expect(actions).toEqual([
      'lambda:GetCodeSigningConfig',
      'lambda:GetFunctionCodeSigningConfig',
      'lambda:GetFunctionConfiguration',
      'lambda:GetLayerVersion',
      'lambda:GetLayerVersionPolicy',
      'lambda:ListAliases',
      'lambda:ListFunctionVersionsByCapacityProvider',
      'lambda:ListFunctions',
    ]);
    expect(policy?.Condition).toBe('InRoleRegion');
    expect(
      Object.values(t.findResources('AWS::IAM::Role', { Properties: { RoleName: 'LayerWatchReadOnly' } }))[0]
        ?.Condition,
    ).toBe('InRoleRegion');
    // The forwarding rule's role is per region: everywhere but the detector's own account and region.
    expect(
      Object.values(t.findResources('AWS::IAM::Role')).filter((r) => r.Condition === 'AwayFromDetector'),
    ).toHaveLength(1);
  });

  it('forwards to the central bus', () => {
    t.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: PATTERN,
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

  it('passes cdk-nag', () => {
    const n = app(true);
    new LayerWatchMemberStack(n, 'Member', {
      centralAccount: '111122223333',
      centralRegion: 'us-east-1',
      organizationId: 'o-abcdef1234',
      roleRegion: 'us-east-1',
    });
    expect(() => n.synth()).not.toThrow();
  });
});

describe('trail', () => {
  it('is off by default, and when asked, is multi-region, write management events, with log file validation', () => {
    expect(
      Template.fromStack(new LayerWatchStack(app(false), 'A', { env: ENV, config: base })).findResources(
        'AWS::CloudTrail::Trail',
      ),
    ).toEqual({});
    const t = Template.fromStack(
      new LayerWatchStack(app(false), 'B', { env: ENV, config: { ...base, createTrail: true } }),
    );
    t.hasResourceProperties('AWS::CloudTrail::Trail', {
      IsMultiRegionTrail: true,
      IncludeGlobalServiceEvents: true,
      EnableLogFileValidation: true,
      EventSelectors: [Match.objectLike({ IncludeManagementEvents: true, ReadWriteType: 'WriteOnly' })],
    });
  });

  it('passes cdk-nag', () => {
    const n = app(true);
    new LayerWatchStack(n, 'LayerWatch', { env: ENV, config: { ...base, createTrail: true } });
    expect(() => n.synth()).not.toThrow();
  });
});

describe('global services from us-east-1', () => {
  const stacksOf = (config: LayerWatchConfig, env: { account?: string; region?: string }) => {
    const a = app(false);
    return { a, d: composeDeployment(a, config, env) };
  };

  it.each([
    ['single, homed in eu-west-1', base, { ...ENV, region: 'eu-west-1' }, 'us-east-1'],
    ['single, homed in us-east-1', base, ENV, undefined],
    [
      'multi-region with a forwarder in us-east-1',
      { ...base, mode: 'multi-region' as const, regions: ['us-east-1'] },
      { ...ENV, region: 'eu-west-1' },
      undefined,
    ],
    [
      'organization, homed in eu-west-1',
      { ...base, mode: 'organization' as const, organization },
      { ...ENV, region: 'eu-west-1' },
      'us-east-1',
    ],
  ])('%s: a stack of global services in %s', (_name, config, env, expected) => {
    const { d } = stacksOf(config, env);
    expect(d.globalServices?.region).toBe(expected);
    const outputs = Template.fromStack(d.detector).findOutputs('ForwarderRegions');
    const listed = String(Object.values(outputs)[0]?.Value ?? '').split(',');
    if (expected) expect(listed).toContain(expected);
  });

  it('forwards IAM, CloudTrail and the calls on its own rules, queue, alarm and stack, not layer events', () => {
    const { d } = stacksOf(base, { ...ENV, region: 'eu-west-1' });
    const stack = d.globalServices as LayerWatchForwarderStack;
    expect(stack.stackName).toBe('LayerWatchForwarder-us-east-1');
    expect(stack.account).toBe('111122223333');
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::Events::Rule', {
      Name: 'layerwatch-forward-global-tamper-events',
      EventPattern: Match.objectLike({
        detail: Match.objectLike({
          eventSource: [
            'iam.amazonaws.com',
            'cloudtrail.amazonaws.com',
            'events.amazonaws.com',
            'sqs.amazonaws.com',
            'monitoring.amazonaws.com',
            'cloudformation.amazonaws.com',
          ],
        }),
      }),
      Targets: [
        Match.objectLike({
          Arn: {
            'Fn::Join': [
              '',
              ['arn:', { Ref: 'AWS::Partition' }, ':events:eu-west-1:111122223333:event-bus/default'],
            ],
          },
          DeadLetterConfig: Match.anyValue(),
        }),
      ],
    });
    expect(JSON.stringify(t.toJSON())).not.toMatch(/UpdateFunctionConfiguration|layerwatch-canary/);
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: { 'Fn::Join': ['', ['layerwatch-remote-', { Ref: 'AWS::StackName' }]] },
    });
  });

  it('names the gap when synthesized without a region', () => {
    const { d } = stacksOf(base, {});
    expect(d.globalServices).toBeUndefined();
    Annotations.fromStack(d.detector).hasWarning(
      '*',
      Match.stringLikeRegexp("no stack forwards IAM's events from us-east-1"),
    );
  });

  it("names the gap when us-east-1 is not a member region (members' IAM calls)", () => {
    const warning = Match.stringLikeRegexp('no member stack forwards the member accounts. IAM calls');
    const without = stacksOf(
      { ...base, mode: 'organization', organization: { ...organization, regions: ['eu-west-1'] } },
      ENV,
    );
    Annotations.fromStack(without.d.detector).hasWarning('*', warning);
    const within = stacksOf({ ...base, mode: 'organization', organization }, ENV);
    Annotations.fromStack(within.d.detector).hasNoWarning('*', warning);
  });

  it('passes cdk-nag', () => {
    const n = app(true);
    composeDeployment(n, base, { ...ENV, region: 'eu-west-1' });
    expect(() => n.synth()).not.toThrow();
  });
});
