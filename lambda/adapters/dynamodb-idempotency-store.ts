import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  type DynamoDBClient,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { DeclaredCall } from './calls.js';
import { BaselineStoreError } from './errors.js';
import type { Claim, IdempotencyStore } from './ports.js';

const PREFIX = 'event#';

/**
 * EventBridge may deliver an event more than once, and Lambda retries failed async invocations.
 * Before working on an event the handler claims its key with a conditional write:
 * - no record: claimed (`in-progress`, locked for the function timeout);
 * - `done`: a duplicate, skipped;
 * - `in-progress` and still locked: another invocation is on it; the caller throws so that
 *   Lambda retries later (the retry then finds `done`, or a lock that expired after a crash).
 * A failed invocation releases its claim so that its retry is not taken for a duplicate. Records
 * expire (TTL `expiresAt`) after `retentionHours`.
 */
export class DynamoDbIdempotencyStore implements IdempotencyStore {
  /** What this adapter sends (see calls.ts). */
  static readonly calls: readonly DeclaredCall[] = [
    { action: 'dynamodb:PutItem', resource: 'table' },
    { action: 'dynamodb:UpdateItem', resource: 'table' },
    { action: 'dynamodb:DeleteItem', resource: 'table' },
  ];

  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
    private readonly lockSeconds: number,
    private readonly retentionHours = 72,
    private readonly now: () => number = Date.now,
  ) {}

  private key(eventKey: string) {
    return { functionArn: { S: `${PREFIX}${eventKey}` } };
  }

  async claim(eventKey: string): Promise<Claim> {
    const nowS = Math.floor(this.now() / 1000);
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: {
            ...this.key(eventKey),
            status: { S: 'in-progress' },
            lockedUntil: { N: String(nowS + this.lockSeconds) },
            expiresAt: { N: String(nowS + this.retentionHours * 3600) },
          },
          // Free, or a crashed invocation's lock has expired.
          ConditionExpression:
            'attribute_not_exists(functionArn) OR (#s = :inProgress AND lockedUntil < :now)',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':inProgress': { S: 'in-progress' }, ':now': { N: String(nowS) } },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return 'claimed';
    } catch (error) {
      if (
        error instanceof ConditionalCheckFailedException ||
        (error as Error)?.name === 'ConditionalCheckFailedException'
      ) {
        const old = (error as ConditionalCheckFailedException).Item;
        return old?.status?.S === 'done' ? 'done' : 'in-progress';
      }
      throw new BaselineStoreError(`claiming event ${eventKey} failed`, { cause: error });
    }
  }

  async complete(eventKey: string, outcome: string): Promise<void> {
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: this.key(eventKey),
          UpdateExpression: 'SET #s = :done, outcome = :outcome',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':done': { S: 'done' }, ':outcome': { S: outcome } },
        }),
      );
    } catch (error) {
      throw new BaselineStoreError(`completing event ${eventKey} failed`, { cause: error });
    }
  }

  async release(eventKey: string): Promise<void> {
    try {
      await this.client.send(new DeleteItemCommand({ TableName: this.tableName, Key: this.key(eventKey) }));
    } catch {
      // The lock expires on its own; a failed release only delays the retry.
    }
  }
}
