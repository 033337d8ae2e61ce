import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { DynamoDbBaselineStore } from '../../../lambda/adapters/dynamodb-baseline-store.js';
import { BaselineConflictError, BaselineStoreError } from '../../../lambda/adapters/errors.js';

const ddb = mockClient(DynamoDBClient);
const fn = 'arn:aws:lambda:us-east-1:111122223333:function:orders';
const state = (time: string, layers: string[], id: string) => ({
  layers,
  eventTime: time,
  eventId: id,
  source: 'event' as const,
});
const item = (states: unknown[], revision: number) => ({
  functionArn: { S: fn },
  states: { S: JSON.stringify(states) },
  truncated: { BOOL: false },
  revision: { N: String(revision) },
});

describe('DynamoDbBaselineStore', () => {
  const store = () => new DynamoDbBaselineStore(new DynamoDBClient({}), 'Baselines');
  beforeEach(() => ddb.reset());

  it('reads with a consistent read and returns null for an unknown function', async () => {
    ddb.on(GetItemCommand).resolves({});
    await expect(store().get(fn)).resolves.toBeNull();
    expect(ddb).toHaveReceivedCommandWith(GetItemCommand, {
      TableName: 'Baselines',
      Key: { functionArn: { S: fn } },
      ConsistentRead: true,
    });
  });

  it('writes the first state on condition that the item does not exist yet', async () => {
    ddb.on(GetItemCommand).resolves({});
    ddb.on(PutItemCommand).resolves({});
    await store().record(fn, state('2026-03-14T09:00:00Z', ['a'], 'e1'));
    expect(ddb).toHaveReceivedCommandWith(PutItemCommand, {
      ConditionExpression: 'attribute_not_exists(functionArn) OR revision = :revision',
      ExpressionAttributeValues: { ':revision': { N: '0' } },
    });
    const put = ddb.commandCalls(PutItemCommand)[0]?.args[0].input;
    expect(JSON.parse(put?.Item?.states?.S ?? '')).toEqual([state('2026-03-14T09:00:00Z', ['a'], 'e1')]);
    expect(put?.Item?.revision).toEqual({ N: '1' });
  });

  it('re-reads and merges when another writer got there first, keeping both states in time order', async () => {
    const newer = state('2026-03-14T09:10:00Z', ['b'], 'e2');
    ddb
      .on(GetItemCommand)
      .resolvesOnce({})
      .resolves({ Item: item([newer], 1) });
    ddb
      .on(PutItemCommand)
      .rejectsOnce(new ConditionalCheckFailedException({ message: 'conflict', $metadata: {} }))
      .resolves({});
    await store().record(fn, state('2026-03-14T09:00:00Z', ['a'], 'e1'));
    expect(ddb).toHaveReceivedCommandTimes(PutItemCommand, 2);
    const last = ddb.commandCalls(PutItemCommand)[1]?.args[0].input;
    expect(JSON.parse(last?.Item?.states?.S ?? '').map((s: { eventId: string }) => s.eventId)).toEqual([
      'e1',
      'e2',
    ]);
    expect(last?.ExpressionAttributeValues).toEqual({ ':revision': { N: '1' } });
  });

  it('reuses the read of the preceding get() for the write: one GetItem per event, not two', async () => {
    const older = state('2026-03-14T09:00:00Z', ['a'], 'e1');
    ddb.on(GetItemCommand).resolves({ Item: item([older], 3) });
    ddb.on(PutItemCommand).resolves({});
    const s = store();
    await s.get(fn);
    await s.record(fn, state('2026-03-14T09:05:00Z', ['a', 'b'], 'e2'));
    expect(ddb).toHaveReceivedCommandTimes(GetItemCommand, 1);
    expect(ddb).toHaveReceivedCommandWith(PutItemCommand, {
      ExpressionAttributeValues: { ':revision': { N: '3' } },
    });
  });

  it('keeps a bounded number of reads: functions read and never written are not held for the warm life', async () => {
    ddb.on(GetItemCommand).resolves({ Item: item([], 3) });
    ddb.on(PutItemCommand).resolves({});
    const s = store();
    for (let i = 0; i < 100; i++) await s.get(`${fn}-${i}`);
    expect((s as unknown as { lastRead: Map<string, unknown> }).lastRead.size).toBeLessThanOrEqual(8);
    // A record whose read was dropped reads again: correct, one GetItem more.
    await s.record(`${fn}-0`, state('2026-03-14T09:05:00Z', ['b'], 'e2'));
    expect(ddb).toHaveReceivedCommandTimes(GetItemCommand, 101);
    await s.get(fn);
    await s.record(fn, state('2026-03-14T09:05:00Z', ['b'], 'e3'));
    expect(ddb).toHaveReceivedCommandTimes(GetItemCommand, 102);
  });

  it('re-reads after a conflict even when it had a read to reuse', async () => {
    ddb
      .on(GetItemCommand)
      .resolvesOnce({ Item: item([], 3) })
      .resolves({ Item: item([], 4) });
    ddb
      .on(PutItemCommand)
      .rejectsOnce(new ConditionalCheckFailedException({ message: 'conflict', $metadata: {} }))
      .resolves({});
    const s = store();
    await s.get(fn);
    await s.record(fn, state('2026-03-14T09:05:00Z', ['b'], 'e2'));
    expect(ddb).toHaveReceivedCommandTimes(GetItemCommand, 2);
    expect(ddb.commandCalls(PutItemCommand)[1]?.args[0].input.ExpressionAttributeValues).toEqual({
      ':revision': { N: '4' },
    });
  });

  it('gives up with a named error when the item keeps changing', async () => {
    ddb.on(GetItemCommand).resolves({});
    ddb
      .on(PutItemCommand)
      .rejects(new ConditionalCheckFailedException({ message: 'conflict', $metadata: {} }));
    await expect(
      new DynamoDbBaselineStore(new DynamoDBClient({}), 'Baselines', 3).record(
        fn,
        state('2026-03-14T09:00:00Z', [], 'e'),
      ),
    ).rejects.toBeInstanceOf(BaselineConflictError);
    expect(ddb).toHaveReceivedCommandTimes(PutItemCommand, 3);
  });

  it('wraps other failures with the cause, so that the invocation fails and is retried', async () => {
    ddb.on(GetItemCommand).rejects(new Error('throttled'));
    const error = await store()
      .get(fn)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BaselineStoreError);
    expect((error as Error).cause).toBeInstanceOf(Error);
  });

  it('treats a corrupt item as unknown rather than failing forever', async () => {
    ddb
      .on(GetItemCommand)
      .resolves({ Item: { functionArn: { S: fn }, states: { S: '{not json' }, revision: { N: '4' } } });
    await expect(store().get(fn)).resolves.toEqual({ functionArn: fn, states: [], truncated: true });
  });

  it('keeps the versions and aliases beside the layer history, and the layer history beside them', async () => {
    const version = { version: '8', layers: ['L'], eventTime: '2026-03-14T09:20:00Z', eventId: 'p8' };
    const alias = {
      alias: 'prod',
      version: '8',
      weights: {},
      eventTime: '2026-03-14T09:21:00Z',
      eventId: 'a1',
      deleted: false,
    };
    const kept = state('2026-03-14T09:00:00Z', ['L'], 'e1');
    ddb.on(GetItemCommand).resolves({ Item: item([kept], 3) });
    ddb.on(PutItemCommand).resolves({});
    await store().recordQualifier(fn, { version });
    const put = ddb.commandCalls(PutItemCommand)[0]?.args[0].input;
    expect(JSON.parse(put?.Item?.states?.S ?? '')).toEqual([kept]);
    expect(JSON.parse(put?.Item?.qualifiers?.S ?? '')).toEqual({ versions: [version], aliases: [] });

    ddb.reset();
    ddb
      .on(GetItemCommand)
      .resolves({ Item: { ...item([kept], 4), qualifiers: put?.Item?.qualifiers ?? { S: '' } } });
    ddb.on(PutItemCommand).resolves({});
    const read = store();
    await expect(read.get(fn)).resolves.toMatchObject({ qualifiers: { versions: [version] } });
    await read.recordQualifier(fn, { alias });
    const second = ddb.commandCalls(PutItemCommand)[0]?.args[0].input;
    expect(JSON.parse(second?.Item?.qualifiers?.S ?? '')).toEqual({ versions: [version], aliases: [alias] });
    expect(second?.ExpressionAttributeValues).toEqual({ ':revision': { N: '4' } });
  });

  it('reads damaged qualifiers as none known', async () => {
    ddb.on(GetItemCommand).resolves({ Item: { ...item([], 1), qualifiers: { S: '{not json' } } });
    const baseline = await store().get(fn);
    expect(baseline?.qualifiers).toBeUndefined();
  });
});
