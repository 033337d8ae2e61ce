/**
 * The opt-in containment's role, judged by the IAM simulator as AWS would: its two writes are
 * allowed on a function of the covered region and denied on every one of layerwatch's own (each
 * function of the detector template, qualified or not, the canary, forwarder and member functions).
 */
import { App, Validations } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { composeDeployment } from '../../lib/app.js';
import { writeActions } from '../../lib/constructs/containment.js';
import { resourcesOfType } from '../support/cfn-resolver.js';
import { allDeployments, type SynthesizedDeployment } from '../support/deployments.js';
import { type AccessRequest, evaluate } from '../support/iam-simulation.js';
import { DeploymentModel, runtimeFunction, runtimesOf } from '../support/runtime-requests.js';

const d = allDeployments().find((x) => runtimesOf(x).includes('containment')) as SynthesizedDeployment;
const model = new DeploymentModel(d);
const { homeAccount: account, homeRegion: region } = d.coverage;

function write(action: string, resource: string): AccessRequest {
  return {
    principal: model.runtimePrincipal('containment'),
    action,
    resource,
    resourceAccount: account,
    why: `containment: ${action} on ${resource}`,
  };
}

describe('the containment role', () => {
  it('writes only UpdateFunctionConfiguration and UpdateAlias', () => {
    expect(writeActions().sort()).toEqual(['lambda:UpdateAlias', 'lambda:UpdateFunctionConfiguration']);
  });

  it.each(writeActions())('is allowed %s on a function of the covered region', async (action) => {
    for (const name of ['payments-api', 'payments-api:prod'])
      expect(
        (await evaluate(write(action, `arn:aws:lambda:${region}:${account}:function:${name}`))).result,
      ).toBe('Allowed');
  });

  it.each(writeActions())("is denied %s on each of layerwatch's own functions", async (action) => {
    const own = resourcesOfType(d.detector.template, 'AWS::Lambda::Function').map(([id]) =>
      model.home.getAtt(id, 'Arn'),
    );
    expect(own.length).toBeGreaterThan(3);
    const arns = [
      ...own,
      ...own.map((a) => `${a}:live`),
      `arn:aws:lambda:${region}:${account}:function:layerwatch-canary`,
      `arn:aws:lambda:${region}:${account}:function:LayerWatchForwarder-eu-west-1-Handler`,
      `arn:aws:lambda:${region}:${account}:function:StackSet-layerwatch-member-us-east-1-x`,
    ];
    const allowed: string[] = [];
    for (const arn of arns) if ((await evaluate(write(action, arn))).result === 'Allowed') allowed.push(arn);
    expect(allowed).toEqual([]);
  });

  it('is allowed nothing in another account or region it does not cover', async () => {
    const elsewhere = `arn:aws:lambda:ap-south-1:${account}:function:payments-api`;
    const other = 'arn:aws:lambda:us-east-1:999988887777:function:payments-api';
    for (const arn of [elsewhere, other])
      expect(
        (
          await evaluate({
            ...write('lambda:UpdateFunctionConfiguration', arn),
            resourceAccount: arn.split(':')[4] ?? '',
          })
        ).result,
      ).not.toBe('Allowed');
  });
});

describe('the containment mode', () => {
  const config = { alertEmails: [], logRetention: logs.RetentionDays.ONE_YEAR, memorySize: 256 };
  const build = (change: Record<string, unknown>, nag = false) => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    if (nag) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    composeDeployment(app, { ...config, ...change }, { account, region });
    return app;
  };

  it('synthesizes clean under cdk-nag', () => {
    const app = build({ securityHub: true, containment: 'security-hub' }, true);
    expect(() => app.synth()).not.toThrow();
  });

  it('is refused without Security Hub, where its findings are', () => {
    expect(() => build({ containment: 'security-hub' })).toThrow(/turn securityHub on too/);
  });

  it('raises an alarm on the operations topic when a run fails', () => {
    const fn = model.home.ref(runtimeFunction(d, 'containment').logicalId);
    const alarms = resourcesOfType(d.detector.template, 'AWS::CloudWatch::Alarm').filter(([, a]) => {
      const p = model.home.resolve(a.Properties) as { MetricName?: string; Dimensions?: { Value: string }[] };
      return p.MetricName === 'Errors' && p.Dimensions?.some((x) => x.Value === fn);
    });
    expect(alarms).toHaveLength(1);
    const actions = model.home.resolve(alarms[0]?.[1].Properties?.AlarmActions) as string[];
    expect(actions).toEqual([d.config.operationsTopicArn ?? expect.stringContaining(':sns:')]);
  });

  it("names its function among layerwatch's own, for detector-tampered", () => {
    const own = model.home.resolve(runtimeFunction(d, 'handler').env.LAYERWATCH_OWN_RESOURCES);
    const fn = model.home.ref(runtimeFunction(d, 'containment').logicalId);
    expect(JSON.parse(String(own)).functions).toContain(fn);
  });
});
