import {
  BatchGetItemCommand,
  ConditionalCheckFailedException,
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { DynamoDbSweepLedger } from '../../../lambda/adapters/dynamodb-sweep-ledger.js';
import { BaselineStoreError } from '../../../lambda/adapters/errors.js';

const ddb = mockClient(DynamoDBClient);
const conditional = () => new ConditionalCheckFailedException({ message: 'no', $metadata: {} });
const run = {
  runId: 'r1',
  startedAt: '2026-12-07T03:00:00.000Z',
  accounts: ['111111111111'],
  regions: ['us-east-1', 'eu-west-1'],
  holdUntil: 2000,
};
const pair = { account: '111111111111', region: 'us-east-1' };

describe('DynamoDbSweepLedger', () => {
  const ledger = () => new DynamoDbSweepLedger(new DynamoDBClient({}), 'State');
  beforeEach(() => ddb.reset());

  it('claims the sweep only when no run holds it or its hold ended, then records the plan', async () => {
    ddb.on(PutItemCommand).resolves({});
    await expect(ledger().claim(run, 1000)).resolves.toEqual({ claimed: true });
    expect(ddb).toHaveReceivedNthCommandWith(1, PutItemCommand, {
      Item: { functionArn: { S: 'sweep#lock' }, runId: { S: 'r1' }, holdUntil: { N: '2000' } },
      ConditionExpression: 'attribute_not_exists(functionArn) OR holdUntil < :now',
      ExpressionAttributeValues: { ':now': { N: '1000' } },
    });
    expect(ddb).toHaveReceivedNthCommandWith(2, PutItemCommand, {
      Item: expect.objectContaining({ functionArn: { S: 'sweep#run#r1' }, remaining: { N: '2' } }),
    });
  });

  it('names the run that holds the sweep, and writes nothing more', async () => {
    ddb.on(PutItemCommand).rejects(conditional());
    ddb.on(GetItemCommand).resolves({ Item: { functionArn: { S: 'sweep#lock' }, runId: { S: 'r0' } } });
    await expect(ledger().claim(run, 1000)).resolves.toEqual({ claimed: false, holder: 'r0' });
    expect(ddb).toHaveReceivedCommandTimes(PutItemCommand, 1);
  });

  it('settles a pair once: a second delivery counts nothing off the run', async () => {
    ddb.on(PutItemCommand).resolvesOnce({}).rejects(conditional());
    ddb.on(UpdateItemCommand).resolves({ Attributes: { remaining: { N: '1' } } });
    const outcome = { status: 'ok' as const, functions: 1, seeded: 1, drifted: 0, unchanged: 0 };
    await expect(ledger().settle('r1', pair, outcome, 9)).resolves.toBe(1);
    await expect(ledger().settle('r1', pair, outcome, 9)).resolves.toBeNull();
    expect(ddb).toHaveReceivedCommandTimes(UpdateItemCommand, 1);
    expect(ddb).toHaveReceivedCommandWith(UpdateItemCommand, { UpdateExpression: 'ADD remaining :minus' });
  });

  it('marks a run reported once and lets the sweep go only if that run holds it', async () => {
    ddb.on(UpdateItemCommand).resolvesOnce({}).rejects(conditional());
    ddb.on(DeleteItemCommand).rejects(conditional());
    await expect(ledger().finish('r1', 'now')).resolves.toBe(true);
    expect(ddb).toHaveReceivedCommandWith(DeleteItemCommand, {
      ConditionExpression: 'runId = :run',
      ExpressionAttributeValues: { ':run': { S: 'r1' } },
    });
    await expect(ledger().finish('r1', 'now')).resolves.toBe(false);
  });

  it('reads every pair of a run, 100 keys a request, retrying unprocessed keys', async () => {
    const pairs = Array.from({ length: 60 }, (_, i) => ({
      account: String(100000000000 + i),
      region: 'us-east-1',
    }));
    const first = `sweep#pair#r1#${pairs[0]?.account}#us-east-1`;
    ddb
      .on(BatchGetItemCommand)
      .resolvesOnce({
        Responses: { State: [] },
        UnprocessedKeys: { State: { Keys: [{ functionArn: { S: first } }] } },
      })
      .resolves({
        Responses: {
          State: [{ functionArn: { S: first }, outcome: { S: '{"status":"failed","error":"x"}' } }],
        },
      });
    const records = await ledger().records('r1', pairs);
    expect(records[0]).toEqual({ outcome: { status: 'failed', error: 'x' } });
    expect(records.slice(1).every((r) => Object.keys(r).length === 0)).toBe(true);
    // 120 keys: 100, the unprocessed one again, then 20.
    expect(ddb).toHaveReceivedCommandTimes(BatchGetItemCommand, 3);
  });

  it('names the table and keeps the SDK error as the cause', async () => {
    ddb.on(GetItemCommand).rejects(new Error('throttled'));
    await expect(ledger().state('r1')).rejects.toThrow(BaselineStoreError);
    await expect(ledger().state('r1')).rejects.toThrow(/reading the sweep ledger in State failed/);
  });
});
