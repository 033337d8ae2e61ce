import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DeclaredCall } from './calls.js';
import type { IdempotencyStore, Once, OnceKey, Stored } from './ports.js';

/** Every record's key starts with this (the baseline table also holds baselines and publications). */
const KEY_PREFIX = 'layerwatch';

export interface IdempotencyOptions {
  /** How long a claim holds before another invocation may take over (the function timeout plus margin). */
  lockSeconds: number;
  /** How long a completed record answers duplicates (EventBridge and Lambda retry within a day). @default 72 */
  retentionHours?: number;
}

/**
 * Powertools' DynamoDB persistence layer with a fixed in-progress lock. Powertools takes the lock
 * from the Lambda context's remaining time; without one it sets no lock at all, and a crashed
 * invocation would hold its event until the record expires. The lock is set here for every call.
 */
class LockedPersistenceLayer extends DynamoDBPersistenceLayer {
  constructor(
    options: ConstructorParameters<typeof DynamoDBPersistenceLayer>[0],
    private readonly lockMs: number,
  ) {
    super(options);
  }

  override saveInProgress(data: Parameters<DynamoDBPersistenceLayer['saveInProgress']>[0]): Promise<void> {
    return super.saveInProgress(data, this.lockMs);
  }
}

/**
 * Idempotency with `@aws-lambda-powertools/idempotency` on the baseline table (partition key
 * `functionArn`, TTL `expiresAt`). Records are keyed by a hash of the key object under
 * `layerwatch#`, so they never meet a baseline (`arn:...`) or a publication (`publish#...`).
 * - a new key: claimed (INPROGRESS, locked for `lockSeconds`), the work runs, its result is stored
 *   (COMPLETED) for `retentionHours`;
 * - a completed key: the stored result, nothing runs;
 * - a key in progress: `IdempotencyAlreadyInProgressError`, so that Lambda retries later;
 * - work that throws: the record is deleted and the error rethrown, so that the retry proceeds.
 */
export class DynamoDbIdempotencyStore implements IdempotencyStore {
  /**
   * What Powertools' DynamoDB persistence layer sends (see calls.ts): PutItem to claim, UpdateItem
   * to complete, DeleteItem to release, GetItem to read a record the failed claim did not return.
   */
  static readonly calls: readonly DeclaredCall[] = [
    { action: 'dynamodb:GetItem', resource: 'table' },
    { action: 'dynamodb:PutItem', resource: 'table' },
    { action: 'dynamodb:UpdateItem', resource: 'table' },
    { action: 'dynamodb:DeleteItem', resource: 'table' },
  ];

  private readonly persistenceStore: LockedPersistenceLayer;
  private readonly config: IdempotencyConfig;

  constructor(client: DynamoDBClient, tableName: string, options: IdempotencyOptions) {
    this.persistenceStore = new LockedPersistenceLayer(
      { tableName, awsSdkV3Client: client, keyAttr: 'functionArn', expiryAttr: 'expiresAt' },
      options.lockSeconds * 1000,
    );
    this.config = new IdempotencyConfig({
      expiresAfterSeconds: (options.retentionHours ?? 72) * 3600,
      hashFunction: 'sha256',
      throwOnNoIdempotencyKey: true,
    });
  }

  async once<T extends Stored>(key: OnceKey, work: () => Promise<T>): Promise<Once<T>> {
    let ran = false;
    const run = makeIdempotent(
      async (_key: OnceKey): Promise<T> => {
        ran = true;
        return work();
      },
      { persistenceStore: this.persistenceStore, config: this.config, keyPrefix: KEY_PREFIX },
    );
    const result = await run(key);
    return { result, replayed: !ran };
  }
}
