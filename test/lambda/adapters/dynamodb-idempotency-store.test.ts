import { IdempotencyAlreadyInProgressError } from '@aws-lambda-powertools/idempotency';
import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  DynamoDBClient,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { DynamoDbIdempotencyStore } from '../../../lambda/adapters/dynamodb-idempotency-store.js';

const ddb = mockClient(DynamoDBClient);
const store = () => new DynamoDbIdempotencyStore(new DynamoDBClient({}), 'Baselines', { lockSeconds: 60 });
const KEY = { event: '111122223333|us-east-1|e1' };
const existing = (item: Record<string, unknown>) =>
  new ConditionalCheckFailedException({ message: 'conflict', $metadata: {}, Item: marshall(item) });

function sentItem(): Record<string, { S?: string; N?: string }> {
  return ddb.commandCalls(PutItemCommand)[0]?.args[0].input.Item as Record<
    string,
    { S?: string; N?: string }
  >;
}

describe('DynamoDbIdempotencyStore', () => {
  beforeEach(() => ddb.reset());

  it('claims a new key on the baseline table (functionArn, expiresAt), locked for the lock time, then stores the result', async () => {
    ddb.on(PutItemCommand).resolves({});
    ddb.on(UpdateItemCommand).resolves({});
    const before = Date.now();
    await expect(store().once(KEY, async () => ({ outcome: 'published' }))).resolves.toEqual({
      result: { outcome: 'published' },
      replayed: false,
    });
    const item = sentItem();
    expect(item.functionArn?.S).toMatch(/^layerwatch#[A-Za-z0-9+/=]{44}$/);
    expect(item.status?.S).toBe('INPROGRESS');
    const lock = Number(item.in_progress_expiration?.N);
    expect(lock).toBeGreaterThanOrEqual(before + 60_000);
    expect(lock).toBeLessThanOrEqual(Date.now() + 60_000);
    expect(Number(item.expiresAt?.N)).toBeGreaterThanOrEqual(Math.floor(before / 1000) + 72 * 3600);
    expect(ddb.commandCalls(PutItemCommand)[0]?.args[0].input).toMatchObject({
      TableName: 'Baselines',
      ExpressionAttributeNames: { '#id': 'functionArn', '#expiry': 'expiresAt' },
    });
    expect(ddb).toHaveReceivedCommandWith(UpdateItemCommand, {
      TableName: 'Baselines',
      Key: { functionArn: { S: item.functionArn?.S as string } },
      ExpressionAttributeValues: expect.objectContaining({
        ':status': { S: 'COMPLETED' },
        ':response_data': { M: { outcome: { S: 'published' } } },
      }),
    });
  });

  it('answers the stored result of a completed key without running the work', async () => {
    ddb.on(PutItemCommand).rejects(
      existing({
        functionArn: 'layerwatch#x',
        status: 'COMPLETED',
        expiresAt: Math.floor(Date.now() / 1000) + 3600,
        data: { outcome: 'no-finding', eventId: 'e1' },
      }),
    );
    const work = jest.fn(async () => ({ outcome: 'published' }));
    await expect(store().once(KEY, work)).resolves.toEqual({
      result: { outcome: 'no-finding', eventId: 'e1' },
      replayed: true,
    });
    expect(work).not.toHaveBeenCalled();
  });

  it('throws IdempotencyAlreadyInProgressError while another invocation holds the key', async () => {
    ddb.on(PutItemCommand).rejects(
      existing({
        functionArn: 'layerwatch#x',
        status: 'INPROGRESS',
        expiresAt: Math.floor(Date.now() / 1000) + 3600,
        in_progress_expiration: Date.now() + 30_000,
      }),
    );
    const work = jest.fn(async () => 'x');
    await expect(store().once(KEY, work)).rejects.toBeInstanceOf(IdempotencyAlreadyInProgressError);
    expect(work).not.toHaveBeenCalled();
  });

  it('releases the key of failed work and rethrows its error, so that the retry proceeds', async () => {
    ddb.on(PutItemCommand).resolves({});
    ddb.on(DeleteItemCommand).resolves({});
    const failure = Object.assign(new Error('SNS down'), { name: 'PublishError' });
    await expect(
      store().once(KEY, async () => {
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(ddb).toHaveReceivedCommandWith(DeleteItemCommand, {
      TableName: 'Baselines',
      Key: { functionArn: { S: sentItem().functionArn?.S as string } },
    });
    expect(ddb).not.toHaveReceivedCommand(UpdateItemCommand);
  });

  it('keys by the key object, whatever its property order; an extra property is another key', async () => {
    ddb.on(PutItemCommand).resolves({});
    ddb.on(UpdateItemCommand).resolves({});
    const s = store();
    await s.once({ event: 'e', sink: 'alert-topic' }, async () => 'm');
    await s.once({ sink: 'alert-topic', event: 'e' }, async () => 'm');
    await s.once({ event: 'e' }, async () => 'm');
    const keys = ddb.commandCalls(PutItemCommand).map((c) => c.args[0].input.Item?.functionArn?.S);
    expect(keys[0]).toBe(keys[1]);
    expect(keys[2]).not.toBe(keys[0]);
  });

  it('fails the invocation when the table cannot be written (Lambda retries)', async () => {
    ddb.on(PutItemCommand).rejects(new Error('ProvisionedThroughputExceededException'));
    await expect(store().once(KEY, async () => 'x')).rejects.toMatchObject({
      name: 'IdempotencyPersistenceLayerError',
    });
  });
});
