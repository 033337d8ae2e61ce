/**
 * Start-up hook variables against moto: the handler reads them with GetFunctionConfiguration, the
 * sweep with ListFunctions; the baseline item in DynamoDB keeps them, and no other environment
 * variable reaches the table, the alert or the logs.
 */
import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { UpdateFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import { DynamoDbBaselineStore } from '../../lambda/adapters/dynamodb-baseline-store.js';
import { observability } from '../support/fakes.js';
import { type Moto, startMoto } from '../support/moto.js';
import { trail } from '../support/trail.js';
import { A, createWorld, TABLE, type World } from '../support/world.js';

const SECRET = 'sk_live_SECRETVALUE0123456789';
let moto: Moto;
let w: World;
let obs: ReturnType<typeof observability>;
const logged: unknown[] = [];

beforeAll(async () => {
  moto = await startMoto();
  obs = observability();
  for (const level of ['debug', 'info', 'warn', 'error'] as const)
    jest.spyOn(obs.logger, level).mockImplementation((...args: unknown[]) => {
      logged.push(args);
    });
  w = await createWorld(moto.endpoint, obs, 'hook-alerts');
}, 60_000);

afterAll(async () => {
  await moto?.stop();
});

const stored = async (name: string): Promise<string> =>
  JSON.stringify(
    (await w.ddb.send(new GetItemCommand({ TableName: TABLE, Key: { functionArn: { S: fnArn(name) } } })))
      .Item,
  );
const fnArn = (name: string) => `arn:aws:lambda:us-east-1:${A}:function:${name}`;

/** Changes the environment through the API, and gives the CloudTrail record of it (values blanked, as CloudTrail logs them). */
async function setEnvironment(variables: Record<string, string>) {
  const {
    $metadata: _m,
    Environment: _e,
    ...response
  } = await w.lambdaA.send(
    new UpdateFunctionConfigurationCommand({ FunctionName: 'orders', Environment: { Variables: variables } }),
  );
  const blanked = Object.fromEntries(Object.keys(variables).map((k) => [k, '****']));
  return trail(
    'UpdateFunctionConfiguration',
    { FunctionName: 'orders', Environment: { Variables: blanked } },
    response,
    { account: A, time: w.tick() },
  );
}

describe('start-up hook variables against moto', () => {
  it('the baseline store round-trips hook variables, and reads a record without them as unknown', async () => {
    const store = new DynamoDbBaselineStore(w.ddb, TABLE);
    const arn = fnArn('round-trip');
    await w.ddb.send(
      new PutItemCommand({
        TableName: TABLE,
        Item: {
          functionArn: { S: arn },
          states: {
            S: JSON.stringify([
              { layers: [], eventTime: '2026-03-14T08:00:00Z', eventId: 'old', source: 'event' },
            ]),
          },
          truncated: { BOOL: false },
          revision: { N: '1' },
        },
      }),
    );
    expect((await store.get(arn))?.states[0]).not.toHaveProperty('hooks');
    const hooks = { AWS_LAMBDA_EXEC_WRAPPER: '/opt/w', NODE_OPTIONS: '--enable-source-maps' };
    await store.record(arn, {
      layers: [],
      eventTime: '2026-03-14T09:00:00Z',
      eventId: 'new',
      source: 'event',
      hooks,
    });
    const read = await new DynamoDbBaselineStore(w.ddb, TABLE).get(arn);
    expect(read?.states.map((s) => s.hooks)).toEqual([undefined, hooks]);
  });

  it('the handler reports NODE_OPTIONS turned to --require, keeping the secret out of the table, the alert and the logs', async () => {
    await w.createFn('orders');
    const handler = w.makeHandler();
    await handler(await setEnvironment({ DB_PASSWORD: SECRET, NODE_OPTIONS: '--enable-source-maps' }));
    expect(await w.delivered()).toEqual([]);
    expect(await stored('orders')).toContain('--enable-source-maps');

    await handler(await setEnvironment({ DB_PASSWORD: SECRET, NODE_OPTIONS: '--require /opt/x.js' }));
    const alerts = await w.delivered();
    expect(alerts.map((a) => a.finding.detectionId)).toEqual(['lambda-exec-hook-set']);
    expect(alerts[0]?.finding.execHooks).toMatchObject({
      before: { NODE_OPTIONS: '--enable-source-maps' },
      after: { NODE_OPTIONS: '--require /opt/x.js' },
    });
    const item = await stored('orders');
    expect(item).toContain('--require /opt/x.js');
    for (const text of [item, JSON.stringify(alerts), JSON.stringify(logged)]) {
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain('DB_PASSWORD');
    }
  });

  it('the sweep seeds hook variables from ListFunctions, then reports a wrapper set with no event', async () => {
    const client = await w.functionIn(A, 'us-east-1', 'swept');
    await client.send(
      new UpdateFunctionConfigurationCommand({
        FunctionName: 'swept',
        Environment: { Variables: { API_TOKEN: SECRET } },
      }),
    );
    const sweep = w.makeSweep({ accounts: [A], regions: ['us-east-1'] });
    await sweep();
    await w.delivered();
    expect(JSON.parse(JSON.parse(await stored('swept')).states.S)[0].hooks).toEqual({});

    await client.send(
      new UpdateFunctionConfigurationCommand({
        FunctionName: 'swept',
        Environment: { Variables: { API_TOKEN: SECRET, AWS_LAMBDA_EXEC_WRAPPER: '/opt/wrapper' } },
      }),
    );
    const second = await sweep();
    expect(second.drifted).toBe(1);
    const alerts = await w.delivered();
    const drift = alerts.find((a) => a.finding.detectionId === 'lambda-exec-hook-set');
    expect(drift?.finding.title).toBe(
      'AWS_LAMBDA_EXEC_WRAPPER=/opt/wrapper set on swept outside any seen event',
    );
    const item = await stored('swept');
    expect(item).toContain('/opt/wrapper');
    for (const text of [item, JSON.stringify(alerts), JSON.stringify(logged)])
      expect(text).not.toContain(SECRET);
  });
});
