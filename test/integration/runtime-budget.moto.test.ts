/**
 * The deployed entry points (lambda/handler.ts, sweep.ts, sweep-worker.ts, heartbeat.ts), loaded as Lambda loads them,
 * against moto: every SDK client they build carries a time budget (adapters/client-options.ts), and a
 * Lambda API that never answers costs the handler its enrichment budget, not the alert.
 */
import type { STSClient } from '@aws-sdk/client-sts';
import { CALL_DEADLINE_MIDDLEWARE } from '../../lambda/adapters/client-options.js';
import type { HandlerResult } from '../../lambda/app.js';
import { CANARY_FUNCTION_NAME } from '../../lambda/domain/heartbeat.js';
import { observability } from '../support/fakes.js';
import { fanOutQueuesIn } from '../support/fanout-queues.js';
import { DUMMY_CREDENTIALS, type Moto, startMoto } from '../support/moto.js';
import type { Rec } from '../support/records.js';
import { type SilentServer, startSilentServer } from '../support/silent-server.js';
import { trail } from '../support/trail.js';
import { B, createWorld, MOTO_DEFAULT_ACCOUNT, TABLE, type World } from '../support/world.js';

const HOME = MOTO_DEFAULT_ACCOUNT;
/** Enrichment (3 s + 3 s + 3 s) and inspection (10 s) at most: ARCHITECTURE.md, "Time budget". */
const ENRICHMENT_INSPECTION_AND_POSTURE_MS = 22_000;

let moto: Moto;
let silent: SilentServer;
let w: World;

beforeAll(async () => {
  moto = await startMoto();
  silent = await startSilentServer();
  w = await createWorld(moto.endpoint, observability(), 'budget-alerts', undefined, HOME);
}, 60_000);

afterAll(async () => {
  await silent?.close();
  await moto?.stop();
});

/** The environment the stack gives the handler, pointed at moto. */
function handlerEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    ALERT_TOPIC_ARN: w.topicArn,
    BASELINE_TABLE: TABLE,
    HOME_ACCOUNT: HOME,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: DUMMY_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: DUMMY_CREDENTIALS.secretAccessKey,
    AWS_ENDPOINT_URL: moto.endpoint,
    LAYERWATCH_SETTINGS: JSON.stringify({ minSeverity: 'informational' }),
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    ...extra,
  };
}

interface Loaded<T> {
  entry: T;
  /** The request handler options each SDK client was built with. */
  handlerOptions: unknown[];
  /** The clients that sent a command. */
  senders: Set<{ middlewareStack: { identify(): string[] }; constructor: { name: string } }>;
}

/**
 * Loads `path` in a fresh module registry under `env` (as a cold start does), watching every SDK
 * client it builds (NodeHttpHandler.create runs once per client) and every client that sends.
 */
async function load<T>(path: string, env: Record<string, string>, run: (l: Loaded<T>) => Promise<void>) {
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    await jest.isolateModulesAsync(async () => {
      const { NodeHttpHandler } = await import('@smithy/node-http-handler');
      const { Client } = await import('@smithy/core/client');
      const handlerOptions: unknown[] = [];
      const create = NodeHttpHandler.create.bind(NodeHttpHandler);
      jest.spyOn(NodeHttpHandler, 'create').mockImplementation((options) => {
        handlerOptions.push(options);
        return create(options);
      });
      const senders: Loaded<T>['senders'] = new Set();
      const send = Client.prototype.send;
      const watched = function (this: never, ...args: never[]) {
        senders.add(this);
        return (send as (...a: never[]) => unknown).apply(this, args);
      };
      jest.spyOn(Client.prototype, 'send').mockImplementation(watched as never);
      const entry = ((await import(path)) as { handler: T }).handler;
      await run({ entry, handlerOptions, senders });
    });
  } finally {
    jest.restoreAllMocks();
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  }
}

function expectBudgeted(l: Loaded<unknown>, services: string[]) {
  expect(l.handlerOptions.length).toBeGreaterThan(0);
  for (const options of l.handlerOptions)
    expect(options).toMatchObject({
      connectionTimeout: expect.any(Number),
      requestTimeout: expect.any(Number),
      throwOnRequestTimeout: true,
    });
  const names = [...l.senders].map((c) => c.constructor.name);
  expect(new Set(names)).toEqual(new Set(services));
  for (const client of l.senders)
    expect(client.middlewareStack.identify().join(' ')).toContain(CALL_DEADLINE_MIDDLEWARE);
}

describe('every SDK client a runtime builds has a time budget', () => {
  it('the handler, with every option on and a function in a member account', async () => {
    const member = await w.functionIn(B, 'us-east-1', 'budgeted-member-fn');
    const layer = await w.publish(member, 'budgeted-ext');
    const event = trail(
      'UpdateFunctionConfiguration',
      { FunctionName: 'budgeted-member-fn', Layers: [layer] },
      {
        FunctionName: 'budgeted-member-fn',
        FunctionArn: `arn:aws:lambda:us-east-1:${B}:function:budgeted-member-fn`,
        Layers: [{ Arn: layer, CodeSize: 22 }],
      },
      { account: B, time: w.tick() },
    );
    const env = handlerEnv({
      MEMBER_ROLE_NAME: 'LayerWatchReadOnly',
      SECURITY_HUB: 'true',
      FINDING_EVENTS: 'true',
      ORGANIZATION_DISCOVERY: 'true',
    });
    await load<(e: unknown) => Promise<HandlerResult>>('../../lambda/handler.js', env, async (l) => {
      await expect(l.entry(event)).resolves.toMatchObject({ outcome: 'published' });
      expectBudgeted(l, [
        'DynamoDBClient',
        'STSClient',
        'LambdaClient',
        'OrganizationsClient',
        'SNSClient',
        'SecurityHubClient',
        'EventBridgeClient',
      ]);
    });
    await w.delivered();
  });

  it('the heartbeat', async () => {
    await w.functionIn(HOME, 'us-east-1', CANARY_FUNCTION_NAME);
    const env = handlerEnv({
      HEARTBEAT_CANARIES: `us-east-1=arn:aws:lambda:us-east-1:${HOME}:function:${CANARY_FUNCTION_NAME}`,
    });
    await load<() => Promise<unknown>>('../../lambda/heartbeat.js', env, async (l) => {
      await expect(l.entry()).resolves.toEqual({ touched: ['us-east-1'] });
      expectBudgeted(l, ['LambdaClient']);
    });
  });

  it('the sweep: its plan, and its worker in a member account too', async () => {
    const queues = await fanOutQueuesIn(moto.endpoint);
    const env = handlerEnv({
      MEMBER_ROLE_NAME: 'LayerWatchReadOnly',
      SWEEP_ACCOUNTS: `${HOME},${B}`,
      SWEEP_REGIONS: 'us-east-1',
      SWEEP_QUEUE_URL: queues.queueUrl,
    });
    await load<() => Promise<unknown>>('../../lambda/sweep.js', env, async (l) => {
      await expect(l.entry()).resolves.toMatchObject({ status: 'planned', pairs: 2 });
      expectBudgeted(l, ['DynamoDBClient', 'SQSClient']);
    });
    const workerEnv = handlerEnv({
      MEMBER_ROLE_NAME: 'LayerWatchReadOnly',
      SWEEP_DEAD_LETTER_QUEUE_ARN: queues.deadLetterQueueArn,
      SWEEP_QUEUE_URL: queues.queueUrl,
    });
    await load<(e: unknown) => Promise<unknown>>('../../lambda/sweep-worker.js', workerEnv, async (l) => {
      const records = await queues.receiveAll();
      expect(records).toHaveLength(2);
      for (const record of records)
        await expect(l.entry({ Records: [record] })).resolves.toEqual({ batchItemFailures: [] });
      expectBudgeted(l, ['DynamoDBClient', 'STSClient', 'LambdaClient', 'SNSClient']);
    });
    await w.delivered();
  });

  it('counts a client built without a budget (the check can fail)', async () => {
    await load<unknown>(
      '../../lambda/heartbeat.js',
      handlerEnv({ HEARTBEAT_CANARIES: 'us-east-1=arn:x' }),
      async (l) => {
        const { STSClient: Fresh } = (await import('@aws-sdk/client-sts')) as { STSClient: typeof STSClient };
        new Fresh({ region: 'us-east-1' });
        expect(() => expectBudgeted(l, [])).toThrow();
      },
    );
  });
});

describe('a Lambda API that never answers', () => {
  it('costs the handler its enrichment budget, and the alert goes out naming what was not read', async () => {
    await w.createFn('stalled-fn');
    const ext = await w.publish(w.lambdaA, 'stalled-ext');
    const event = await w.updateFn('stalled-fn', { Layers: [ext] });
    await w.delivered();
    const env = handlerEnv({ AWS_ENDPOINT_URL_LAMBDA: silent.endpoint });
    await load<(e: unknown) => Promise<HandlerResult>>('../../lambda/handler.js', env, async (l) => {
      const before = silent.connections;
      const start = Date.now();
      await expect(l.entry(event)).resolves.toMatchObject({
        outcome: 'published',
        detectionId: 'lambda-layer-added',
      });
      const elapsed = Date.now() - start;
      // GetFunctionConfiguration, then GetLayerVersion, then the posture's GetFunctionCodeSigningConfig,
      // each to its 3 s deadline.
      expect(elapsed).toBeGreaterThanOrEqual(8_900);
      expect(elapsed).toBeLessThan(ENRICHMENT_INSPECTION_AND_POSTURE_MS);
      expect(silent.connections - before).toBeGreaterThanOrEqual(3);
    });
    const [alert] = await w.delivered();
    const gaps = ((alert?.finding as Rec | undefined)?.gaps ?? []) as string[];
    expect(gaps.join('\n')).toMatch(/AwsCallTimeoutError: LambdaClient GetFunctionConfigurationCommand/);
    expect(gaps.join('\n')).toMatch(/stalled-ext:1.*AwsCallTimeoutError/);
    expect(gaps.join('\n')).toMatch(
      /posture: code signing not read \((GetFunctionCodeSigningConfig: AwsCallTimeoutError|no answer within 3000 ms)/,
    );
  }, 40_000);
});
