/**
 * Powertools idempotency against DynamoDB (moto over HTTP), through the real handler: a duplicate
 * answers the stored result, a concurrent delivery raises IdempotencyAlreadyInProgressError (Lambda
 * retries it), a failed invocation releases its record so that the retry publishes once, a crashed
 * invocation's claim expires after the lock, and a failed secondary sink is retried without a
 * second alert.
 */
import { IdempotencyAlreadyInProgressError } from '@aws-lambda-powertools/idempotency';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDbIdempotencyStore } from '../../lambda/adapters/dynamodb-idempotency-store.js';
import type { FindingSink } from '../../lambda/adapters/ports.js';
import type { Finding } from '../../lambda/domain/finding.js';
import { FakeSink, observability } from '../support/fakes.js';
import { type Moto, startMoto } from '../support/moto.js';
import type { Rec } from '../support/records.js';
import { A, createWorld, TABLE, type World } from '../support/world.js';

let moto: Moto;
let w: World;

beforeAll(async () => {
  moto = await startMoto();
  w = await createWorld(moto.endpoint, observability(), 'idempotency-alerts');
}, 60_000);

afterAll(async () => {
  await moto?.stop();
});

/** The idempotency records in the table (their keys are hashes under `layerwatch#`). */
async function records(): Promise<Rec[]> {
  const out = await w.ddb.send(new ScanCommand({ TableName: TABLE }));
  return (out.Items ?? [])
    .filter((i) => i.functionArn?.S?.startsWith('layerwatch#'))
    .map((i) => ({
      key: i.functionArn?.S,
      status: i.status?.S,
      expiresAt: Number(i.expiresAt?.N),
      data: i.data,
    }));
}

/** A sink that waits for `open()` before it delivers: an invocation caught mid-flight. */
class GatedSink implements FindingSink {
  readonly name = 'gated';
  private release: () => void = () => {};
  readonly gate = new Promise<void>((resolve) => {
    this.release = resolve;
  });
  entered = false;
  async deliver(_finding: Finding): Promise<string> {
    this.entered = true;
    await this.gate;
    return 'gated-1';
  }
  open() {
    this.release();
  }
}

async function attack(name: string): Promise<Rec> {
  await w.makeHandler()(await w.createFn(name));
  await w.delivered();
  return w.updateFn(name, { Layers: [await w.publish(w.lambdaA, `${name}-ext`)] });
}

describe('idempotency on DynamoDB', () => {
  it('answers a duplicate with the stored result, and keeps the record 72 h under its own key', async () => {
    const event = await attack('dup');
    const before = await records();
    const first = await w.makeHandler()(event);
    expect(first).toMatchObject({ outcome: 'published' });
    // Another cold start: nothing in memory, only what the table holds.
    await expect(w.makeHandler()(structuredClone(event))).resolves.toEqual({
      outcome: 'duplicate',
      eventId: (event.detail as Rec).eventID,
      original: first,
    });
    expect(await w.delivered()).toHaveLength(1);
    const added = (await records()).filter((r) => !before.some((b) => b.key === r.key));
    // One record for the event, one for its delivery to the alert topic.
    expect(added.map((r) => r.status)).toEqual(['COMPLETED', 'COMPLETED']);
    for (const r of added) {
      expect(r.expiresAt).toBeGreaterThan(Date.now() / 1000 + 71 * 3600);
      expect(r.expiresAt).toBeLessThanOrEqual(Date.now() / 1000 + 72 * 3600 + 5);
    }
  });

  it('raises IdempotencyAlreadyInProgressError for a delivery of an event another invocation is handling', async () => {
    const event = await attack('concurrent');
    const gated = new GatedSink();
    const first = w.makeHandler({ moreSinks: [gated] })(event);
    for (let waited = 0; !gated.entered; waited += 10) {
      if (waited > 10_000) throw new Error('the first invocation never reached its sinks');
      await new Promise((r) => setTimeout(r, 10));
    }
    await expect(w.makeHandler()(structuredClone(event))).rejects.toBeInstanceOf(
      IdempotencyAlreadyInProgressError,
    );
    gated.open();
    await expect(first).resolves.toMatchObject({ outcome: 'published' });
    // Lambda's retry of the refused delivery finds the event done.
    await expect(w.makeHandler()(structuredClone(event))).resolves.toMatchObject({ outcome: 'duplicate' });
    expect(await w.delivered()).toHaveLength(1);
  });

  it('releases the record of a failed invocation, so that its retry publishes, once', async () => {
    const event = await attack('released');
    const missing = w.makeHandler({ topicArn: `arn:aws:sns:us-east-1:${A}:no-such-topic` });
    await expect(missing(event)).rejects.toMatchObject({ name: 'PublishError' });
    expect((await records()).filter((r) => r.status === 'INPROGRESS')).toEqual([]);
    await expect(w.makeHandler()(structuredClone(event))).resolves.toMatchObject({ outcome: 'published' });
    await expect(w.makeHandler()(structuredClone(event))).resolves.toMatchObject({ outcome: 'duplicate' });
    expect(await w.delivered()).toHaveLength(1);
  });

  it("lets a retry take over a crashed invocation's claim once the lock has expired", async () => {
    const store = new DynamoDbIdempotencyStore(w.ddb, TABLE, { lockSeconds: 1 });
    const key = { event: `${A}|us-east-1|crashed` };
    // The first invocation claims the key and never finishes (as after a timeout).
    void store.once(key, () => new Promise<string>(() => {}));
    await new Promise((r) => setTimeout(r, 300));
    await expect(store.once(key, async () => 'retry')).rejects.toBeInstanceOf(
      IdempotencyAlreadyInProgressError,
    );
    await new Promise((r) => setTimeout(r, 1200));
    await expect(store.once(key, async () => 'retry')).resolves.toEqual({ result: 'retry', replayed: false });
  });

  it('alerts once when a secondary sink fails: the retry delivers to that sink only', async () => {
    const event = await attack('secondary');
    const hub = new FakeSink('security-hub');
    hub.fail = new Error('hub down');
    await expect(w.makeHandler({ moreSinks: [hub] })(event)).rejects.toThrow('hub down');
    expect(await w.delivered()).toHaveLength(1);
    hub.fail = null;
    await expect(w.makeHandler({ moreSinks: [hub] })(structuredClone(event))).resolves.toMatchObject({
      outcome: 'published',
    });
    expect(hub.delivered).toHaveLength(1);
    expect(await w.delivered()).toHaveLength(0);
  });
});
