/**
 * The drift sweep against moto over two accounts and two regions: the first run seeds baselines;
 * a layer attached afterwards through the API, with no event sent, is reported as drift on the
 * next run; an account whose role cannot be assumed is reported, not passed over. Versions and
 * aliases: an alias weighted, with no event, to a version published with another layer is reported
 * on the next run, each version read once.
 */
import {
  CreateAliasCommand,
  PublishVersionCommand,
  UpdateAliasCommand,
  UpdateFunctionConfigurationCommand,
} from '@aws-sdk/client-lambda';
import { observability } from '../support/fakes.js';
import { denyAssumeRole, type FlakyProxy, startFlakyProxy } from '../support/flaky-proxy.js';
import { type Moto, startMoto } from '../support/moto.js';
import { A, B, createWorld, type World } from '../support/world.js';

const C = '333333333333';
const ROLE = 'LayerWatchReadOnly';
const REGIONS = ['us-east-1', 'eu-west-1'];
let moto: Moto;
let proxy: FlakyProxy;
let w: World;

const fn = (account: string, region: string, name: string) => w.functionIn(account, region, name);

beforeAll(async () => {
  moto = await startMoto();
  proxy = await startFlakyProxy(moto.endpoint);
  w = await createWorld(moto.endpoint, observability(), 'sweep-alerts');
  denyAssumeRole(proxy, `arn:aws:iam::${C}:role/${ROLE}`);
}, 60_000);

afterAll(async () => {
  await proxy?.close();
  await moto?.stop();
});

describe('drift sweep', () => {
  it('seeds, then finds a layer attached in a second account and region with no event, and reports the account it cannot reach', async () => {
    await fn(A, 'us-east-1', 'home-fn');
    const remote = await fn(B, 'eu-west-1', 'remote-fn');
    await fn(B, 'us-east-1', 'other-fn');
    const sweep = w.makeSweep({
      accounts: [A, B, C],
      regions: REGIONS,
      memberRoleName: ROLE,
      stsEndpoint: proxy.endpoint,
    });

    const first = await sweep();
    expect(first).toMatchObject({ pairs: 6, reached: 4, functions: 3, seeded: 3, drifted: 0 });
    expect(first.unreachable.map((u) => `${u.account}/${u.region}`).sort()).toEqual([
      `${C}/eu-west-1`,
      `${C}/us-east-1`,
    ]);
    expect(first.unreachable[0]?.error).toMatch(
      /cannot assume arn:aws:iam::333333333333:role\/LayerWatchReadOnly/,
    );
    const report = (await w.delivered()).find(
      (a) => (a.finding as { kind?: string }).kind === 'sweep-report',
    );
    expect(report?.subject).toBe('[HIGH] layerwatch drift sweep could not reach 2 of 6 account/region pairs');

    // A layer attached behind the detector's back: through the API, no CloudTrail event delivered.
    const layer = await w.publish(remote, 'sneaky');
    await remote.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'remote-fn', Layers: [layer] }));

    const second = await sweep();
    expect(second).toMatchObject({ functions: 3, seeded: 0, drifted: 1, unchanged: 2 });
    const drift = (await w.delivered())
      .map((a) => a.finding)
      .find((f) => f.detectionId === 'lambda-layer-drift') as
      | {
          function: { account: string; region: string; name: string };
          layers: { before: string[]; added: string[] };
          event: { name: string };
        }
      | undefined;
    expect(drift?.function).toMatchObject({ account: B, region: 'eu-west-1', name: 'remote-fn' });
    expect(drift?.layers).toMatchObject({ before: [], added: [layer] });
    expect(drift?.event.name).toBe('LayerwatchDriftSweep');

    const third = await sweep();
    expect(third).toMatchObject({ drifted: 0, unchanged: 3 });
  });

  it('finds an alias weighted to a version with another layer without an event, and reads each version once', async () => {
    const lambda = await fn(A, 'eu-west-1', 'pay');
    const deps = await w.publish(lambda, 'pay-deps');
    await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'pay', Layers: [deps] }));
    await lambda.send(new PublishVersionCommand({ FunctionName: 'pay' }));
    await lambda.send(new CreateAliasCommand({ FunctionName: 'pay', Name: 'prod', FunctionVersion: '1' }));
    const sweep = w.makeSweep({ accounts: [A], regions: ['eu-west-1'] });
    const first = await sweep();
    expect(first).toMatchObject({ aliases: 1, versionsRead: 1 });
    await w.delivered();

    // Attach, publish, weight 10 % of prod to it, detach: $LATEST is as the sweep left it.
    const implant = await w.publish(lambda, 'perf-monitor-extension');
    await lambda.send(
      new UpdateFunctionConfigurationCommand({ FunctionName: 'pay', Layers: [deps, implant] }),
    );
    const v2 = await lambda.send(new PublishVersionCommand({ FunctionName: 'pay' }));
    await lambda.send(
      new UpdateAliasCommand({
        FunctionName: 'pay',
        Name: 'prod',
        FunctionVersion: '1',
        RoutingConfig: { AdditionalVersionWeights: { [v2.Version as string]: 0.1 } },
      }),
    );
    await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'pay', Layers: [deps] }));

    const second = await sweep();
    expect(second).toMatchObject({ drifted: 0, versionsRead: 1, qualifiersDrifted: 1 });
    // Besides each run's coverage report (the deployed sweep reports every run).
    const findings = (await w.delivered())
      .map((a) => a.finding as Record<string, unknown>)
      .filter((f) => f.kind !== 'sweep-report');
    expect(findings.map((f) => f.detectionId)).toEqual(['lambda-alias-routes-to-layer']);
    expect(findings[0]?.title).toContain(
      `Alias prod of pay sends 10 % of its traffic to version ${v2.Version}`,
    );
    expect(findings[0]?.runsIn).toContainEqual({ qualifier: 'prod', version: v2.Version, share: 0.1 });

    const third = await sweep();
    expect([third.versionsRead ?? 0, third.qualifiersDrifted ?? 0]).toEqual([0, 0]);
    const delivered = (await w.delivered()).map((a) => a.finding as Record<string, unknown>);
    expect(delivered.map((f) => f.kind ?? f.detectionId)).toEqual(['sweep-report']);
  });
});
