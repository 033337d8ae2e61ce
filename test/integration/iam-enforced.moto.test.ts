/**
 * The deployed roles, enforced: the detector stack is synthesized, the handler's and the sweep's
 * role policies are taken from the template and created in moto, their credentials come from STS
 * AssumeRole, and IAM enforcement is switched on before the scenarios run with them. A call the
 * role does not allow fails (proved with roles missing one action), and every command each runtime
 * sends is declared in its RUNTIME_CALLS, from which the stacks grant.
 *
 * moto matches Lambda, SNS and DynamoDB statements against "*" only and treats a Condition on an
 * identity policy as a deny: those statements are tested with their resources widened to "*" and
 * their conditions dropped. Actions are what this suite proves; resource scoping is proved by the
 * policy simulation over the templates.
 */

import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { IAMClient } from '@aws-sdk/client-iam';
import {
  GetFunctionConfigurationCommand,
  LambdaClient,
  ListFunctionsCommand,
  UpdateFunctionConfigurationCommand,
} from '@aws-sdk/client-lambda';
import { CreateTopicCommand, PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { CreateQueueCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { STSClient } from '@aws-sdk/client-sts';
import { CanaryToucher } from '../../lambda/adapters/canary-toucher.js';
import { CANARY_FUNCTION_NAME } from '../../lambda/domain/heartbeat.js';
import { createHeartbeat } from '../../lambda/heartbeat-app.js';
import { RUNTIME_CALLS } from '../../lambda/runtime-calls.js';
import {
  ACCOUNT,
  type ActionLog,
  actionsOf,
  adminUser,
  assumed,
  explain,
  REGION,
  type Runtime,
  recordActions,
  rolePolicies,
  type SessionCredentials,
  undeclared,
  without,
} from '../support/builders-iam.js';
import { observability } from '../support/fakes.js';
import { type Credentials, clientConfig, type Moto, startMoto } from '../support/moto.js';
import { createWorld, TABLE, type World } from '../support/world.js';

/** A role missing one action, and the call that needs it. */
const DENIED: [Runtime, string][] = [
  ['handler', 'sns:Publish'],
  ['handler', 'lambda:GetFunctionConfiguration'],
  ['handler', 'dynamodb:GetItem'],
  ['sweepWorker', 'lambda:ListFunctions'],
  ['sweep', 'sqs:SendMessage'],
];

let moto: Moto;
let w: World;
let admin: Credentials;
/** A topic nobody reads, for probing sns:Publish; a FIFO queue for sqs:SendMessage. */
let probeTopic: string;
let probeQueue: string;
const policies = rolePolicies();
const roles = {} as Record<string, SessionCredentials>;
const logs: Record<Runtime, ActionLog> = {
  handler: { sent: new Set(), denied: new Set() },
  sweep: { sent: new Set(), denied: new Set() },
  sweepWorker: { sent: new Set(), denied: new Set() },
  heartbeat: { sent: new Set(), denied: new Set() },
};
const recordFor = (runtime: Runtime) => recordActions(logs[runtime]);
/** An invocation's failure, with what the runtime was denied so far. */
const failureOf = (runtime: Runtime) => (error: unknown) =>
  `${explain(error)}; denied: ${[...logs[runtime].denied].join(', ') || 'nothing'}`;
const why = (runtime: Runtime) => (error: unknown) => Promise.reject(new Error(failureOf(runtime)(error)));

beforeAll(async () => {
  moto = await startMoto();
  const iam = new IAMClient(clientConfig(moto.endpoint));
  admin = await adminUser(iam);
  w = await createWorld(moto.endpoint, observability(), 'enforced-alerts', admin, ACCOUNT);
  const asAdmin = new IAMClient(clientConfig(moto.endpoint, REGION, admin));
  probeTopic = (await w.sns.send(new CreateTopicCommand({ Name: 'probe' }))).TopicArn as string;
  probeQueue = (
    await w.sqs.send(
      new CreateQueueCommand({
        QueueName: 'probe.fifo',
        Attributes: { FifoQueue: 'true', ContentBasedDeduplication: 'true' },
      }),
    )
  ).QueueUrl as string;
  const sts = new STSClient(clientConfig(moto.endpoint, REGION, admin));
  roles.handler = await assumed(asAdmin, sts, 'layerwatch-handler', policies.handler);
  roles.sweep = await assumed(asAdmin, sts, 'layerwatch-sweep', policies.sweep);
  roles.sweepWorker = await assumed(asAdmin, sts, 'layerwatch-sweep-worker', policies.sweepWorker);
  roles.heartbeat = await assumed(asAdmin, sts, 'layerwatch-heartbeat', policies.heartbeat);
  for (const [runtime, action] of DENIED) {
    roles[`${runtime} without ${action}`] = await assumed(
      asAdmin,
      sts,
      `layerwatch-${runtime}-without-${action.replace(':', '-')}`,
      without(policies[runtime], action),
    );
  }
  // From here on, every request is evaluated against its caller's policies.
  const res = await fetch(`${moto.endpoint}/moto-api/reset-auth`, { method: 'POST', body: '0' });
  if (!res.ok) throw new Error(`moto did not switch IAM enforcement on (${res.status})`);
}, 90_000);

afterAll(async () => {
  await moto?.stop();
});

/** Sends, with `credentials`, the one call that needs `action`, and answers the HTTP status. */
async function statusOf(action: string, credentials: SessionCredentials): Promise<number> {
  const cfg = { ...clientConfig(moto.endpoint, REGION, credentials), maxAttempts: 1 };
  const calls: Record<string, () => Promise<unknown>> = {
    'sns:Publish': () =>
      new SNSClient(cfg).send(new PublishCommand({ TopicArn: probeTopic, Message: 'probe' })),
    'lambda:GetFunctionConfiguration': () =>
      new LambdaClient(cfg).send(new GetFunctionConfigurationCommand({ FunctionName: 'probe-fn' })),
    'dynamodb:GetItem': () =>
      new DynamoDBClient(cfg).send(
        new GetItemCommand({ TableName: TABLE, Key: { functionArn: { S: 'probe' } } }),
      ),
    'lambda:ListFunctions': () => new LambdaClient(cfg).send(new ListFunctionsCommand({})),
    'sqs:SendMessage': () =>
      new SQSClient(cfg).send(
        new SendMessageCommand({ QueueUrl: probeQueue, MessageBody: 'probe', MessageGroupId: 'probe' }),
      ),
  };
  const call = calls[action];
  if (!call) throw new Error(`no probe for ${action}`);
  try {
    const out = (await call()) as { $metadata?: { httpStatusCode?: number } };
    return out.$metadata?.httpStatusCode ?? 0;
  } catch (error) {
    // A denied Lambda call can surface as a parse error with SDK v3: the status is what counts.
    return (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode ?? -1;
  }
}

describe('deployed roles, IAM enforced (moto)', () => {
  it('the handler role allows every action the handler declares (and each other role its runtime)', () => {
    for (const runtime of ['handler', 'sweep', 'sweepWorker', 'heartbeat'] as const) {
      const granted = new Set(policies[runtime].statements.flatMap(actionsOf));
      // A single-account deployment reaches no other account: no member role to assume.
      const missing = RUNTIME_CALLS[runtime]
        // Sinks the deployment did not turn on (Security Hub, finding events) are not granted.
        .filter((c) => c.resource !== 'member-role' && !c.option)
        .map((c) => c.action)
        .filter((a) => !granted.has(a));
      expect({ runtime, missing }).toEqual({ runtime, missing: [] });
    }
  });

  it('the handler, with its role: one alert for an attached layer, nothing read denied, the duplicate skipped', async () => {
    const handler = w.makeHandler({ credentials: roles.handler, onClient: recordFor('handler') });
    const run = (event: unknown) => handler(event).catch(why('handler'));
    await expect(run(await w.createFn('enforced'))).resolves.toMatchObject({ outcome: 'no-finding' });
    const ext = await w.publish(w.lambdaA, 'enforced-ext');
    const attack = await w.updateFn('enforced', { Layers: [ext] });
    await expect(run(attack)).resolves.toMatchObject({
      outcome: 'published',
      detectionId: 'lambda-layer-added',
    });
    await expect(run(structuredClone(attack))).resolves.toMatchObject({ outcome: 'duplicate' });
    const alerts = await w.delivered();
    expect(alerts).toHaveLength(1);
    // Reads the role may not make would show as gaps (enrichment never fails the alert).
    expect(alerts[0]?.finding.gaps).toEqual([]);
    expect(alerts[0]?.finding.provenance).toEqual([
      expect.objectContaining({ versionArn: ext, lookup: 'ok' }),
    ]);
  });

  it('the handler, with its role: a failed invocation releases its event, and the retry publishes once', async () => {
    await w.makeHandler()(await w.createFn('enforced-retry'));
    const attack = await w.updateFn('enforced-retry', {
      Layers: [await w.publish(w.lambdaA, 'enforced-retry-ext')],
    });
    const broken = w.makeHandler({
      credentials: roles.handler,
      topicArn: `arn:aws:sns:${REGION}:${ACCOUNT}:not-created-yet`,
      onClient: recordFor('handler'),
    });
    const failure = await broken(attack).then(() => null, failureOf('handler'));
    // The topic is missing, not the permission.
    expect(failure).toMatch(/^PublishError: .* <- NotFound/);
    const retry = w.makeHandler({ credentials: roles.handler, onClient: recordFor('handler') });
    await expect(retry(structuredClone(attack)).catch(why('handler'))).resolves.toMatchObject({
      outcome: 'published',
    });
    expect(await w.delivered()).toHaveLength(1);
  });

  it('the sweep, its plan and its worker each with its role: seeds, then reports a layer attached without an event', async () => {
    // A region of its own: the handler scenarios above leave functions (and baselines) in theirs.
    const region = 'eu-west-1';
    const lambda = await w.functionIn(ACCOUNT, region, 'swept');
    const fan = await w.makeFanOut({
      accounts: [ACCOUNT],
      regions: [region],
      credentials: roles.sweepWorker,
      onClient: recordFor('sweepWorker'),
      plan: { credentials: roles.sweep, onClient: recordFor('sweep') },
    });
    const run = async () => {
      await expect(fan.plan().catch(why('sweep'))).resolves.toMatchObject({ status: 'planned', pairs: 1 });
      expect(await fan.drain()).toBe(1);
      return (await w.delivered()).map((a) => a.finding);
    };
    expect(await run()).toEqual([expect.objectContaining({ kind: 'sweep-report', reached: 1, seeded: 1 })]);
    const layer = await w.publish(lambda, 'swept-ext');
    await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'swept', Layers: [layer] }));
    const second = await run();
    expect(second.find((f) => f.detectionId === 'lambda-layer-drift')?.function).toMatchObject({
      name: 'swept',
      region,
    });
    expect(second.find((f) => f.kind === 'sweep-report')).toMatchObject({ reached: 1, drifted: 1 });
    expect(logs.sweepWorker.denied).toEqual(new Set());
  });

  it('the heartbeat, with its role: changes the canary of each region, and nothing else', async () => {
    const regions = ['us-east-1', 'eu-west-1'];
    const canaries = [];
    for (const region of regions) {
      await w.functionIn(ACCOUNT, region, CANARY_FUNCTION_NAME);
      canaries.push({ region, arn: `arn:aws:lambda:${region}:${ACCOUNT}:function:${CANARY_FUNCTION_NAME}` });
    }
    const clientFor = (region: string) => {
      const client = new LambdaClient(clientConfig(moto.endpoint, region, roles.heartbeat));
      recordFor('heartbeat')(client);
      return client;
    };
    const heartbeat = createHeartbeat({
      toucher: new CanaryToucher(clientFor),
      canaries,
      logger: observability().logger,
    });
    await expect(heartbeat()).resolves.toEqual({ touched: regions });
    const lambda = new LambdaClient(clientConfig(moto.endpoint, 'eu-west-1', admin));
    const config = await lambda.send(
      new GetFunctionConfigurationCommand({ FunctionName: CANARY_FUNCTION_NAME }),
    );
    expect(config.Description).toMatch(/^layerwatch heartbeat /);
  });

  it('every command each runtime sent is declared in its RUNTIME_CALLS', () => {
    expect(logs.heartbeat.sent).toEqual(new Set(['lambda:UpdateFunctionConfiguration']));
    expect(logs.handler.sent).toEqual(
      new Set([
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'dynamodb:DeleteItem',
        'lambda:GetFunctionConfiguration',
        // The posture step: the function names no code signing configuration, so nothing more.
        'lambda:GetFunctionCodeSigningConfig',
        'lambda:GetLayerVersion',
        'lambda:GetLayerVersionPolicy',
        'sns:Publish',
      ]),
    );
    expect(logs.sweep.sent).toEqual(new Set(['dynamodb:GetItem', 'dynamodb:PutItem', 'sqs:SendMessage']));
    expect(logs.sweepWorker.sent).toEqual(
      new Set([
        'lambda:ListFunctions',
        'lambda:ListAliases',
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'dynamodb:DeleteItem',
        'dynamodb:BatchGetItem',
        'sns:Publish',
      ]),
    );
    for (const runtime of ['handler', 'sweep', 'sweepWorker', 'heartbeat'] as const)
      expect({ runtime, undeclared: undeclared(logs[runtime].sent, RUNTIME_CALLS[runtime]) }).toEqual({
        runtime,
        undeclared: [],
      });
  });

  it('a command sent without a declaration fails that check', () => {
    expect(
      undeclared(['dynamodb:DeleteTable', 'sns:Publish', 'unknown-client(X):Y'], RUNTIME_CALLS.handler),
    ).toEqual(['dynamodb:DeleteTable', 'unknown-client(X):Y']);
  });

  it.each(DENIED)(
    'the %s role without %s is denied it (403), and the full role is not',
    async (runtime, action) => {
      expect(await statusOf(action, roles[`${runtime} without ${action}`] as SessionCredentials)).toBe(403);
      expect(await statusOf(action, roles[runtime] as SessionCredentials)).not.toBe(403);
    },
  );

  it('the handler without sns:Publish fails the invocation (Lambda retries, then the failure queue)', async () => {
    await w.makeHandler()(await w.createFn('enforced-denied'));
    const attack = await w.updateFn('enforced-denied', {
      Layers: [await w.publish(w.lambdaA, 'enforced-denied-ext')],
    });
    const denied = w.makeHandler({ credentials: roles['handler without sns:Publish'] });
    const failure = await denied(attack).then(
      () => null,
      (error: unknown) => explain(error),
    );
    expect(failure).toMatch(/^PublishError: .* <- \w+: .*\[HTTP 403\]/);
    expect(await w.delivered()).toHaveLength(0);
  });
});
