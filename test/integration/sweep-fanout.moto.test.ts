/**
 * The fanned-out sweep against moto, three accounts and two regions: the plan queues six pairs on a
 * FIFO queue (group = account) and claims the sweep; a second start while the run holds it is
 * skipped, not doubled; the workers sweep each pair (one message an invocation, as Lambda's event
 * source mapping hands them out); an account whose role cannot be assumed fails every attempt, SQS
 * moves its messages to the dead-letter queue, the worker settles them as failed, and the run's
 * coverage report, sent by the worker that settles the last pair, names both of its pairs.
 */
import { UpdateFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
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

beforeAll(async () => {
  moto = await startMoto();
  proxy = await startFlakyProxy(moto.endpoint);
  w = await createWorld(moto.endpoint, observability(), 'fanout-alerts');
  denyAssumeRole(proxy, `arn:aws:iam::${C}:role/${ROLE}`);
}, 60_000);

afterAll(async () => {
  await proxy?.close();
  await moto?.stop();
});

type Report = {
  kind: string;
  pairs: number;
  reached: number;
  functions: number;
  drifted: number;
  unreachable: { account: string; region: string; error: string }[];
};
const reports = async () =>
  (await w.delivered())
    .map((a) => ({ subject: a.subject, ...(a.finding as unknown as Report) }))
    .filter((r) => r.kind === 'sweep-report');

describe('fanned-out drift sweep', () => {
  it('sweeps each pair in its own invocation, retries a failing pair, names it after its retries, and never doubles a run', async () => {
    await w.functionIn(A, 'us-east-1', 'home-fn');
    const remote = await w.functionIn(B, 'eu-west-1', 'remote-fn');
    await w.functionIn(B, 'us-east-1', 'other-fn');
    const fan = await w.makeFanOut({
      accounts: [A, B, C],
      regions: REGIONS,
      memberRoleName: ROLE,
      stsEndpoint: proxy.endpoint,
      attempts: 2,
    });

    const first = await fan.plan();
    expect(first).toMatchObject({ status: 'planned', pairs: 6 });
    // A start while the run holds the sweep is skipped, naming the run.
    expect(await fan.plan()).toEqual({ status: 'skipped', holder: (first as { runId: string }).runId });

    // 4 pairs once, C's 2 pairs twice on the queue, then once each from the dead-letter queue.
    expect(await fan.drain()).toBe(4 + 2 * 2 + 2);
    const [report, ...more] = await reports();
    expect(more).toEqual([]);
    expect(report?.subject).toBe('[HIGH] layerwatch drift sweep could not reach 2 of 6 account/region pairs');
    expect(report).toMatchObject({ pairs: 6, reached: 4, functions: 3 });
    expect(report?.unreachable.map((u) => `${u.account}/${u.region}`).sort()).toEqual([
      `${C}/eu-west-1`,
      `${C}/us-east-1`,
    ]);
    expect(report?.unreachable[0]?.error).toMatch(
      /^given up after its retries: .*cannot assume arn:aws:iam::333333333333:role\/LayerWatchReadOnly/,
    );

    // The run let the sweep go: the next start plans a new run, which finds the drift.
    const layer = await w.publish(remote, 'sneaky');
    await remote.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'remote-fn', Layers: [layer] }));
    expect(await fan.plan()).toMatchObject({ status: 'planned', pairs: 6 });
    await fan.drain();
    const delivered = await w.delivered();
    const drift = delivered.map((a) => a.finding).find((f) => f.detectionId === 'lambda-layer-drift');
    expect(drift).toMatchObject({ function: { account: B, region: 'eu-west-1', name: 'remote-fn' } });
    const second = delivered
      .map((a) => a.finding as unknown as Report)
      .filter((r) => r.kind === 'sweep-report');
    expect(second).toHaveLength(1);
    expect(second[0]).toMatchObject({ reached: 4, drifted: 1 });
  }, 120_000);
});
