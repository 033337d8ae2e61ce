import { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { DynamoDbCorrelationStore } from '../../../lambda/adapters/dynamodb-correlation-store.js';
import { BaselineStoreError } from '../../../lambda/adapters/errors.js';

const ddb = mockClient(DynamoDBClient);
const v = 'arn:aws:lambda:us-east-1:111122223333:layer:tools:1';
const t = Date.parse('2026-03-14T09:00:00Z');

describe('DynamoDbCorrelationStore', () => {
  const store = () => new DynamoDbCorrelationStore(new DynamoDBClient({}), 'Baselines', 60);
  beforeEach(() => ddb.reset());

  it('records a publication under its own key with a TTL past the window', async () => {
    ddb.on(PutItemCommand).resolves({});
    await store().recordPublish({
      layerVersionArn: v,
      eventId: 'e1',
      actorKey: 'arn:aws:iam::111122223333:user/a',
      timeMs: t,
    });
    expect(ddb).toHaveReceivedCommandWith(PutItemCommand, {
      TableName: 'Baselines',
      Item: {
        functionArn: { S: `publish#${v}` },
        eventId: { S: 'e1' },
        actorKey: { S: 'arn:aws:iam::111122223333:user/a' },
        timeMs: { N: String(t) },
        expiresAt: { N: String(t / 1000 + 120 * 60) },
      },
    });
  });

  it('reads back the publications it has, and skips the ones it has not', async () => {
    ddb
      .on(GetItemCommand, { Key: { functionArn: { S: `publish#${v}` } } })
      .resolves({ Item: { eventId: { S: 'e1' }, actorKey: { S: '' }, timeMs: { N: String(t) } } });
    ddb.on(GetItemCommand, { Key: { functionArn: { S: 'publish#other' } } }).resolves({});
    await expect(store().publishesOf([v, 'other'])).resolves.toEqual([
      { layerVersionArn: v, eventId: 'e1', actorKey: null, timeMs: t },
    ]);
  });

  it('keeps whether a person published the version, and reads it back', async () => {
    ddb.on(PutItemCommand).resolves({});
    await store().recordPublish({
      layerVersionArn: v,
      eventId: 'e2',
      actorKey: null,
      timeMs: t,
      human: true,
    });
    expect(ddb).toHaveReceivedCommandWith(PutItemCommand, {
      Item: expect.objectContaining({ human: { BOOL: true } }),
    });
    ddb
      .on(GetItemCommand)
      .resolves({ Item: { eventId: { S: 'e2' }, timeMs: { N: String(t) }, human: { BOOL: false } } });
    await expect(store().publishesOf([v])).resolves.toEqual([
      { layerVersionArn: v, eventId: 'e2', actorKey: null, timeMs: t, human: false },
    ]);
  });

  it('wraps failures', async () => {
    ddb.on(GetItemCommand).rejects(new Error('throttled'));
    await expect(store().publishesOf([v])).rejects.toBeInstanceOf(BaselineStoreError);
  });
});
