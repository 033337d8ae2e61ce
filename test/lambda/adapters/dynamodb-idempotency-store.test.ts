import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  DynamoDBClient,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { DynamoDbIdempotencyStore } from '../../../lambda/adapters/dynamodb-idempotency-store.js';
import { BaselineStoreError } from '../../../lambda/adapters/errors.js';

const ddb = mockClient(DynamoDBClient);
const NOW = Date.parse('2026-03-14T09:00:00Z');
const store = () => new DynamoDbIdempotencyStore(new DynamoDBClient({}), 'Baselines', 60, 72, () => NOW);
const conflict = (status: string) =>
  new ConditionalCheckFailedException({
    message: 'conflict',
    $metadata: {},
    Item: { status: { S: status } },
  });

describe('DynamoDbIdempotencyStore', () => {
  beforeEach(() => ddb.reset());

  it('claims a new event with a lock for the function timeout and a TTL', async () => {
    ddb.on(PutItemCommand).resolves({});
    await expect(store().claim('a|r|e1')).resolves.toBe('claimed');
    const s = NOW / 1000;
    expect(ddb).toHaveReceivedCommandWith(PutItemCommand, {
      TableName: 'Baselines',
      Item: {
        functionArn: { S: 'event#a|r|e1' },
        status: { S: 'in-progress' },
        lockedUntil: { N: String(s + 60) },
        expiresAt: { N: String(s + 72 * 3600) },
      },
      ConditionExpression: 'attribute_not_exists(functionArn) OR (#s = :inProgress AND lockedUntil < :now)',
    });
  });

  it.each([
    ['done', 'done'],
    ['in-progress', 'in-progress'],
  ])('answers %s when the event is already %s', async (status, expected) => {
    ddb.on(PutItemCommand).rejects(conflict(status));
    await expect(store().claim('a|r|e1')).resolves.toBe(expected);
  });

  it('marks the event done with its outcome, and releases a failed one', async () => {
    ddb.on(UpdateItemCommand).resolves({});
    ddb.on(DeleteItemCommand).rejects(new Error('throttled'));
    await store().complete('a|r|e1', 'published');
    expect(ddb).toHaveReceivedCommandWith(UpdateItemCommand, {
      ExpressionAttributeValues: { ':done': { S: 'done' }, ':outcome': { S: 'published' } },
    });
    await expect(store().release('a|r|e1')).resolves.toBeUndefined();
  });

  it('wraps other failures so that the invocation fails and is retried', async () => {
    ddb.on(PutItemCommand).rejects(new Error('ProvisionedThroughputExceeded'));
    await expect(store().claim('a|r|e1')).rejects.toBeInstanceOf(BaselineStoreError);
  });
});
