/**
 * Organization mode against moto: the detector lives in account A and reads functions of account B
 * through B's read-only role (STS AssumeRole); an account without that role is reported, and the
 * alert still goes out.
 */
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { type LambdaClient, UpdateFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import { observability } from '../support/fakes.js';
import { denyAssumeRole, type FlakyProxy, startFlakyProxy } from '../support/flaky-proxy.js';
import { inAccount, type Moto, startMoto } from '../support/moto.js';
import { trail } from '../support/trail.js';
import { B, createWorld, type World } from '../support/world.js';

const C = '333333333333';
const ROLE = 'LayerWatchReadOnly';
let moto: Moto;
let w: World;
let proxy: FlakyProxy;

const trust = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111111111111:root' }, Action: 'sts:AssumeRole' },
  ],
});
async function functionIn(account: string, name: string, withMemberRole: boolean): Promise<LambdaClient> {
  if (withMemberRole) {
    await inAccount(new IAMClient(w.cfg), account).send(
      new CreateRoleCommand({ RoleName: ROLE, AssumeRolePolicyDocument: trust }),
    );
  }
  return w.functionIn(account, 'us-east-1', name);
}

beforeAll(async () => {
  moto = await startMoto();
  w = await createWorld(moto.endpoint, observability(), 'org-alerts');
  proxy = await startFlakyProxy(moto.endpoint);
}, 60_000);

afterAll(async () => {
  await proxy?.close();
  await moto?.stop();
});

describe('cross-account enrichment', () => {
  it("reads a member account's function through its read-only role", async () => {
    const lambdaB = await functionIn(B, 'member-fn', true);
    const layer = await w.publish(lambdaB, 'member-layer');
    const request = { FunctionName: 'member-fn', Layers: [layer] };
    const response = await lambdaB.send(new UpdateFunctionConfigurationCommand(request));
    const handler = w.makeHandler({ memberRoleName: ROLE });
    await expect(
      handler(trail('UpdateFunctionConfiguration', request, response, { account: B, time: w.tick() })),
    ).resolves.toMatchObject({
      outcome: 'published',
      detectionId: 'lambda-layer-added',
    });
    const [alert] = await w.delivered();
    const f = alert?.finding as {
      function: { account: string };
      layers: { current: string[] };
      gaps: string[];
      provenance: { lookup: string }[];
    };
    expect(f.function.account).toBe(B);
    expect(f.layers.current).toEqual([layer]);
    expect(f.provenance[0]?.lookup).toBe('ok');
    expect(f.gaps).toEqual([]);
  });

  it('still alerts for an account whose role is missing, and says it could not be reached', async () => {
    const lambdaC = await functionIn(C, 'orphan-fn', false);
    const layer = await w.publish(lambdaC, 'orphan-layer');
    const request = { FunctionName: 'orphan-fn', Layers: [layer] };
    const response = await lambdaC.send(new UpdateFunctionConfigurationCommand(request));
    denyAssumeRole(proxy, `arn:aws:iam::${C}:role/${ROLE}`);
    const handler = w.makeHandler({ memberRoleName: ROLE, stsEndpoint: proxy.endpoint });
    const event = trail('UpdateFunctionConfiguration', request, response, { account: C, time: w.tick() });
    await expect(handler(event)).resolves.toMatchObject({
      outcome: 'published',
      detectionId: 'lambda-layer-added',
    });
    const [alert] = await w.delivered();
    const gaps = ((alert?.finding.gaps ?? []) as string[]).join(' ');
    expect(gaps).toMatch(
      /function configuration: access denied \(AccessDenied: cannot assume arn:aws:iam::333333333333:role\/LayerWatchReadOnly/,
    );
    expect(gaps).toMatch(/orphan-layer:1: access-denied/);
  });
});
