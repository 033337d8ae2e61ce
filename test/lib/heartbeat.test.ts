import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as logs from 'aws-cdk-lib/aws-logs';
import { composeDeployment } from '../../lib/app.js';
import type { LayerWatchConfig } from '../../lib/layerwatch-stack.js';

const ENV = { account: '111122223333', region: 'us-east-1' };
const base: LayerWatchConfig = {
  alertEmails: [],
  logRetention: logs.RetentionDays.ONE_YEAR,
  memorySize: 256,
};

function deploy(config: Partial<LayerWatchConfig>) {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const d = composeDeployment(app, { ...base, ...config }, ENV);
  return {
    detector: Template.fromStack(d.detector),
    forwarders: d.forwarders.map((f) => Template.fromStack(f)),
  };
}

describe('heartbeat', () => {
  const { detector, forwarders } = deploy({ mode: 'multi-region', regions: ['eu-west-1', 'ap-southeast-2'] });

  it('has a breaching blind-region alarm with an action for every covered region', () => {
    for (const region of ['us-east-1', 'eu-west-1', 'ap-southeast-2']) {
      detector.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'LayerWatch',
        MetricName: 'Heartbeat',
        Dimensions: Match.arrayWith([{ Name: 'Region', Value: region }]),
        ComparisonOperator: 'LessThanThreshold',
        Threshold: 1,
        EvaluationPeriods: 2,
        Period: 3600,
        TreatMissingData: 'breaching',
        AlarmActions: [Match.anyValue()],
        AlarmDescription: Match.stringLikeRegexp(`layerwatch is blind in ${region}`),
      });
    }
  });

  it('touches a canary in every covered region, hourly, granted that write on the canaries only', () => {
    detector.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(1 hour)' });
    const fn = Object.values(
      detector.findResources('AWS::Lambda::Function', {
        Properties: {
          Environment: { Variables: Match.objectLike({ HEARTBEAT_CANARIES: Match.anyValue() }) },
        },
      }),
    )[0];
    const canaries = JSON.stringify(fn?.Properties.Environment.Variables.HEARTBEAT_CANARIES);
    for (const region of ['us-east-1', 'eu-west-1', 'ap-southeast-2'])
      expect(canaries).toContain(`${region}=arn:`);
    const writes = Object.values(detector.findResources('AWS::IAM::Policy'))
      .flatMap((p) => p.Properties.PolicyDocument.Statement)
      .filter((s: { Action: string | string[] }) =>
        [s.Action].flat().includes('lambda:UpdateFunctionConfiguration'),
      );
    expect(writes).toHaveLength(1);
    expect(JSON.stringify(writes[0].Resource)).toMatch(/function:layerwatch-canary/);
    expect(JSON.stringify(writes[0].Resource)).not.toMatch(/function:\*/);
  });

  it('creates a canary that never runs in the home region and in each forwarder region', () => {
    for (const t of [detector, ...forwarders]) {
      t.hasResourceProperties('AWS::Lambda::Function', {
        FunctionName: 'layerwatch-canary',
        ReservedConcurrentExecutions: 0,
      });
    }
  });

  it('tells the handler which role sends heartbeats', () => {
    detector.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          HEARTBEAT_ROLE_ARN: {
            'Fn::GetAtt': [Match.stringLikeRegexp('HeartbeatFunctionServiceRole'), 'Arn'],
          },
          BASELINE_TABLE: Match.anyValue(),
        }),
      },
    });
  });

  it('is off with heartbeat=false: no canary, no heartbeat alarm', () => {
    const off = deploy({ mode: 'multi-region', regions: ['eu-west-1'], heartbeat: false });
    for (const t of [off.detector, ...off.forwarders]) {
      expect(
        t.findResources('AWS::Lambda::Function', { Properties: { FunctionName: 'layerwatch-canary' } }),
      ).toEqual({});
      expect(t.findResources('AWS::CloudWatch::Alarm', { Properties: { MetricName: 'Heartbeat' } })).toEqual(
        {},
      );
    }
  });

  it('watches only regions that have a canary: in organization mode the home region, not the member regions', () => {
    const org = deploy({
      mode: 'organization',
      organization: {
        organizationId: 'o-abcdef1234',
        organizationalUnitIds: ['ou-ab12-cdef3456'],
        regions: ['us-east-1', 'eu-west-1'],
        memberRoleName: 'LayerWatchReadOnly',
        callAs: 'SELF',
      },
    }).detector;
    const blind = Object.values(
      org.findResources('AWS::CloudWatch::Alarm', { Properties: { MetricName: 'Heartbeat' } }),
    );
    expect(blind.map((a) => a.Properties.Dimensions)).toEqual([
      expect.arrayContaining([{ Name: 'Region', Value: 'us-east-1' }]),
    ]);
    const fn = Object.values(
      org.findResources('AWS::Lambda::Function', {
        Properties: {
          Environment: { Variables: Match.objectLike({ HEARTBEAT_CANARIES: Match.anyValue() }) },
        },
      }),
    )[0];
    expect(JSON.stringify(fn?.Properties.Environment.Variables.HEARTBEAT_CANARIES)).not.toContain(
      'eu-west-1',
    );
  });
});
