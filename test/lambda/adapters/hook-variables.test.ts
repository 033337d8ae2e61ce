/**
 * The start-up hook variables at the adapter edge: GetFunctionConfiguration (reader) and
 * ListFunctions (lister) return a function's whole environment, secrets included; only the hook
 * variables may leave the adapters. Followed through the engine, the baseline store and every
 * rendering, a secret must appear nowhere.
 */
import { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { GetFunctionConfigurationCommand, LambdaClient, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { DynamoDbBaselineStore } from '../../../lambda/adapters/dynamodb-baseline-store.js';
import { LambdaFunctionLister } from '../../../lambda/adapters/lambda-function-lister.js';
import { LambdaFunctionReader } from '../../../lambda/adapters/lambda-function-reader.js';
import { analyze } from '../../../lambda/domain/engine.js';
import type { FunctionRef } from '../../../lambda/domain/model.js';
import { renderAlert } from '../../../lambda/domain/render/alert.js';
import { renderAsff } from '../../../lambda/domain/render/asff.js';
import { renderOcsf } from '../../../lambda/domain/render/ocsf.js';
import { functionArn, layerArn, updateFunctionConfiguration } from '../../support/records.js';
import { eventOf } from '../../support/run.js';

const lambda = mockClient(LambdaClient);
const ddb = mockClient(DynamoDBClient);
const SECRET = 'sk_live_SECRETVALUE0123456789';
const fn: FunctionRef = {
  arn: functionArn('orders'),
  name: 'orders',
  account: '111122223333',
  region: 'us-east-1',
  partition: 'aws',
};
const environment = {
  Variables: {
    DB_PASSWORD: SECRET,
    STRIPE_KEY: SECRET,
    NODE_OPTIONS: '--require /opt/x.js',
    PATH: `/opt/${SECRET}`,
  },
};
const client = (_account: string, region: string) => new LambdaClient({ region });

describe('hook variables at the adapter edge', () => {
  beforeEach(() => {
    lambda.reset();
    ddb.reset();
  });

  it('the reader returns the hook variables only', async () => {
    lambda.on(GetFunctionConfigurationCommand).resolves({ Environment: environment, Layers: [] });
    const live = await new LambdaFunctionReader(client).readConfiguration(fn);
    expect(live).toMatchObject({ status: 'ok', hooks: { NODE_OPTIONS: '--require /opt/x.js' } });
    expect(JSON.stringify(live)).not.toContain(SECRET);
  });

  it('the reader reads a function without an environment as no hooks, and an environment in error as unknown', async () => {
    lambda
      .on(GetFunctionConfigurationCommand)
      .resolvesOnce({})
      .resolvesOnce({
        Environment: { Error: { ErrorCode: 'KMSAccessDeniedException', Message: 'no access to the key' } },
      });
    const reader = new LambdaFunctionReader(client);
    await expect(reader.readConfiguration(fn)).resolves.toMatchObject({ hooks: {} });
    await expect(reader.readConfiguration(fn)).resolves.toMatchObject({
      status: 'ok',
      hooks: null,
      hooksError: 'KMSAccessDeniedException: no access to the key',
    });
  });

  it('the lister keeps the hook variables of each function only', async () => {
    lambda.on(ListFunctionsCommand).resolves({
      Functions: [
        { FunctionArn: fn.arn, Environment: environment, Runtime: 'nodejs22.x' },
        { FunctionArn: functionArn('plain') },
      ],
    });
    const seen = [];
    for await (const o of new LambdaFunctionLister(client).listFunctions('111122223333', 'us-east-1'))
      seen.push(o);
    expect(seen.map((o) => o.hooks)).toEqual([{ NODE_OPTIONS: '--require /opt/x.js' }, {}]);
    expect(JSON.stringify(seen)).not.toContain(SECRET);
  });

  it('a secret reaches neither the stored baseline nor the finding nor any rendering', async () => {
    lambda.on(GetFunctionConfigurationCommand).resolves({
      Environment: environment,
      Layers: [{ Arn: layerArn('deps', 1) }],
    });
    ddb.on(GetItemCommand).resolves({});
    ddb.on(PutItemCommand).resolves({});
    const live = await new LambdaFunctionReader(client).readConfiguration(fn);
    const event = eventOf(updateFunctionConfiguration('orders', { layers: [layerArn('deps', 1)] }));
    const { finding, state } = analyze(event, { baseline: null, live });
    expect(finding?.detectionId).toBe('lambda-exec-hook-set');
    if (!finding || !state) throw new Error('no finding or state');
    const store = new DynamoDbBaselineStore(new DynamoDBClient({}), 'Baselines');
    await store.record(fn.arn, state);
    const item = ddb.commandCalls(PutItemCommand)[0]?.args[0].input.Item;
    expect(JSON.parse(item?.states?.S ?? '[]')).toEqual([
      expect.objectContaining({ hooks: { NODE_OPTIONS: '--require /opt/x.js' } }),
    ]);
    const everything = [
      JSON.stringify(item),
      JSON.stringify(finding),
      renderAlert(finding).message,
      JSON.stringify(renderOcsf(finding, { productVersion: '0.1.0' })),
      JSON.stringify(renderAsff(finding, { productVersion: '0.1.0', updatedAt: '2026-03-15T00:00:00Z' })),
    ].join('\n');
    expect(everything).toContain('--require /opt/x.js');
    expect(everything).not.toContain(SECRET);
    expect(everything).not.toContain('DB_PASSWORD');
  });

  it('the store reads damaged hook variables as unknown and keeps the rest of the state', async () => {
    const states = [
      {
        layers: ['a'],
        eventTime: '2026-03-14T09:00:00Z',
        eventId: 'e1',
        source: 'event',
        hooks: { LD_PRELOAD: 7 },
      },
      { layers: ['a'], eventTime: '2026-03-14T09:01:00Z', eventId: 'e2', source: 'event', hooks: ['x'] },
      {
        layers: ['a'],
        eventTime: '2026-03-14T09:02:00Z',
        eventId: 'e3',
        source: 'event',
        hooks: { LD_PRELOAD: '/x.so' },
      },
    ];
    ddb.on(GetItemCommand).resolves({
      Item: { functionArn: { S: fn.arn }, states: { S: JSON.stringify(states) }, revision: { N: '3' } },
    });
    const baseline = await new DynamoDbBaselineStore(new DynamoDBClient({}), 'Baselines').get(fn.arn);
    expect(baseline?.states.map((s) => s.hooks)).toEqual([undefined, undefined, { LD_PRELOAD: '/x.so' }]);
    expect(baseline?.states.map((s) => s.eventId)).toEqual(['e1', 'e2', 'e3']);
  });
});
