/**
 * Versions and aliases through the handler against moto: the attacker attaches a layer, publishes
 * version 2 with it, points prod at it and removes it from $LATEST. Each call is made through the
 * Lambda API and its CloudTrail record built from the API's own request and response; the alerts
 * are read back from the queue subscribed to the topic. A deploy that publishes the same layers and
 * moves the alias sends none.
 */
import { CreateAliasCommand, PublishVersionCommand, UpdateAliasCommand } from '@aws-sdk/client-lambda';
import type { HandlerResult } from '../../lambda/app.js';
import { observability } from '../support/fakes.js';
import { type Moto, startMoto } from '../support/moto.js';
import { identities, type Rec } from '../support/records.js';
import { expectValidFinding } from '../support/schema.js';
import { trail } from '../support/trail.js';
import { A, createWorld, type World } from '../support/world.js';

let moto: Moto;
let w: World;
let handler: (event: unknown) => Promise<HandlerResult>;
/** The world's clock: the records made here and by the world's helpers are in call order. */
const later = () => w.tick();
const deployer = identities.deployRole();

beforeAll(async () => {
  moto = await startMoto();
  w = await createWorld(moto.endpoint, observability());
  handler = w.makeHandler();
}, 60_000);

afterAll(async () => {
  await moto?.stop();
});

async function publishVersion(name: string, identity?: Rec): Promise<Rec> {
  const request = { FunctionName: name };
  const response = await w.lambdaA.send(new PublishVersionCommand(request));
  return trail('PublishVersion', request, response, { account: A, time: later(), identity });
}

async function alias(
  operation: 'CreateAlias' | 'UpdateAlias',
  request: { FunctionName: string; Name: string; FunctionVersion: string; RoutingConfig?: object },
  identity?: Rec,
): Promise<Rec> {
  const response =
    operation === 'CreateAlias'
      ? await w.lambdaA.send(new CreateAliasCommand(request))
      : await w.lambdaA.send(new UpdateAliasCommand(request));
  return trail(operation, request, response, { account: A, time: later(), identity });
}

/** A function deployed with one layer, version 1 published, alias prod on it. */
async function deployed(name: string): Promise<string> {
  const deps = await w.publish(w.lambdaA, `${name}-deps`);
  await handler(await w.createFn(name, [deps]));
  await handler(await publishVersion(name, deployer));
  await handler(
    await alias('CreateAlias', { FunctionName: name, Name: 'prod', FunctionVersion: '1' }, deployer),
  );
  await w.delivered();
  return deps;
}

describe('versions and aliases through the handler (moto)', () => {
  it('attach, publish, repoint, detach: each step alerts and says where the layer runs', async () => {
    const deps = await deployed('pay');
    const ext = await w.publish(w.lambdaA, 'perf-monitor-extension');
    const outcomes = [
      await handler(await w.updateFn('pay', { Layers: [deps, ext] })),
      await handler(await publishVersion('pay')),
      await handler(await alias('UpdateAlias', { FunctionName: 'pay', Name: 'prod', FunctionVersion: '2' })),
      await handler(await w.updateFn('pay', { Layers: [deps] })),
    ];
    expect(outcomes.map((o) => ('detectionId' in o ? o.detectionId : o.outcome))).toEqual([
      'lambda-layer-added',
      'lambda-version-published-with-layer',
      'lambda-alias-routes-to-layer',
      'lambda-layer-still-runs',
    ]);
    const alerts = await w.delivered();
    expect(alerts).toHaveLength(4);
    const findings = alerts.map((a) => a.finding as Rec);
    for (const f of findings) expectValidFinding(f);
    expect(findings[3]?.runsIn).toEqual([
      { qualifier: 'prod', version: '2', share: 1 },
      { qualifier: '2', version: '2', share: 1 },
    ]);
    expect(findings[3]?.title).toContain('still runs in alias prod (version 2, 100 %)');
  });

  it('sends nothing for a deploy that publishes the same layers and moves the alias, weights included', async () => {
    await deployed('orders');
    // Lambda publishes no new version of an unchanged function: the deploy changes something.
    const quiet = [
      await handler(await w.updateFn('orders', { MemorySize: 256 }, deployer)),
      await handler(await publishVersion('orders', deployer)),
      await handler(
        await alias('UpdateAlias', { FunctionName: 'orders', Name: 'prod', FunctionVersion: '2' }, deployer),
      ),
      await handler(
        await alias(
          'UpdateAlias',
          {
            FunctionName: 'orders',
            Name: 'prod',
            FunctionVersion: '2',
            RoutingConfig: { AdditionalVersionWeights: { '1': 0.1 } },
          },
          deployer,
        ),
      ),
    ];
    expect(quiet.map((o) => o.outcome)).toEqual(['no-finding', 'no-finding', 'no-finding', 'no-finding']);
    expect(await w.delivered()).toEqual([]);
  });
});
