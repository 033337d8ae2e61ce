import {
  type AttributeValue,
  BatchGetItemCommand,
  ConditionalCheckFailedException,
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { PairOutcome, PairRecord, PlannedPair, PlannedRun, RunState } from '../domain/sweep-ledger.js';
import type { DeclaredCall } from './calls.js';
import { BaselineStoreError } from './errors.js';
import type { SweepLedger } from './ports.js';

/** Kept for a week after the hold ends: a late worker still finds its run, then the items expire. */
const KEEP_SECONDS = 7 * 24 * 3600;
const LOCK_KEY = 'sweep#lock';
const runKey = (runId: string) => `sweep#run#${runId}`;
const pairKey = (runId: string, p: PlannedPair) => `sweep#pair#${runId}#${p.account}#${p.region}`;
const attemptKey = (runId: string, p: PlannedPair) => `sweep#attempt#${runId}#${p.account}#${p.region}`;
const S = (s: string): AttributeValue => ({ S: s });
const N = (n: number): AttributeValue => ({ N: String(n) });

/**
 * The fanned-out sweep's ledger, in the state table: one lock item (`sweep#lock`, the run that holds
 * the sweep), one item per run (its plan and the count of pairs without a final outcome), one per
 * pair's final outcome and one per pair's last failed attempt. Items expire a week after their run's
 * hold. Keys never look like a function ARN and carry no `states`: baseline readers pass over them.
 */
export class DynamoDbSweepLedger implements SweepLedger {
  /** What this adapter sends (see calls.ts). */
  static readonly calls: readonly DeclaredCall[] = [
    { action: 'dynamodb:PutItem', resource: 'table' },
    { action: 'dynamodb:GetItem', resource: 'table' },
    { action: 'dynamodb:UpdateItem', resource: 'table' },
    { action: 'dynamodb:DeleteItem', resource: 'table' },
    { action: 'dynamodb:BatchGetItem', resource: 'table' },
  ];

  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  /**
   * Takes the sweep for `run` unless another run holds it and its hold has not ended: then that
   * run's id is returned and nothing is written.
   */
  async claim(
    run: PlannedRun,
    nowSeconds: number,
  ): Promise<{ claimed: true } | { claimed: false; holder: string }> {
    const claimed = await this.conditional(
      new PutItemCommand({
        TableName: this.tableName,
        Item: { functionArn: S(LOCK_KEY), runId: S(run.runId), holdUntil: N(run.holdUntil) },
        ConditionExpression: 'attribute_not_exists(functionArn) OR holdUntil < :now',
        ExpressionAttributeValues: { ':now': N(nowSeconds) },
      }),
      'claiming the sweep',
    );
    if (!claimed) {
      const lock = await this.get(LOCK_KEY);
      return { claimed: false, holder: lock?.runId?.S ?? 'unknown' };
    }
    await this.send(
      () =>
        this.client.send(
          new PutItemCommand({
            TableName: this.tableName,
            Item: {
              functionArn: S(runKey(run.runId)),
              plan: S(JSON.stringify(run)),
              remaining: N(run.accounts.length * run.regions.length),
              expiresAt: N(run.holdUntil + KEEP_SECONDS),
            },
          }),
        ),
      'recording the plan',
    );
    return { claimed: true };
  }

  /** The run that holds the sweep now (or held it last, if it never let it go), if any. */
  async holder(): Promise<RunState | null> {
    const lock = await this.get(LOCK_KEY);
    const runId = lock?.runId?.S;
    return runId ? this.state(runId) : null;
  }

  async state(runId: string): Promise<RunState | null> {
    const item = await this.get(runKey(runId));
    if (!item?.plan?.S) return null;
    return {
      run: JSON.parse(item.plan.S) as PlannedRun,
      remaining: Number(item.remaining?.N ?? '0'),
      reported: item.reportedAt?.S !== undefined,
    };
  }

  /** Keeps the error of a failed attempt, for the report should the pair's retries all fail. */
  async noteAttempt(
    runId: string,
    pair: PlannedPair,
    error: string,
    attempt: number,
    expiresAt: number,
  ): Promise<void> {
    await this.send(
      () =>
        this.client.send(
          new PutItemCommand({
            TableName: this.tableName,
            Item: {
              functionArn: S(attemptKey(runId, pair)),
              lastError: S(error.slice(0, 1000)),
              attempt: N(attempt),
              expiresAt: N(expiresAt),
            },
          }),
        ),
      'recording a failed attempt',
    );
  }

  /**
   * Records a pair's final outcome once (a message delivered twice settles once) and counts it off
   * the run. Returns the pairs still without one, or null when this pair had settled before.
   */
  async settle(
    runId: string,
    pair: PlannedPair,
    outcome: PairOutcome,
    expiresAt: number,
  ): Promise<number | null> {
    const first = await this.conditional(
      new PutItemCommand({
        TableName: this.tableName,
        Item: {
          functionArn: S(pairKey(runId, pair)),
          outcome: S(JSON.stringify(outcome)),
          expiresAt: N(expiresAt),
        },
        ConditionExpression: 'attribute_not_exists(functionArn)',
      }),
      'recording a pair',
    );
    if (!first) return null;
    const out = await this.send(
      () =>
        this.client.send(
          new UpdateItemCommand({
            TableName: this.tableName,
            Key: { functionArn: S(runKey(runId)) },
            UpdateExpression: 'ADD remaining :minus',
            ConditionExpression: 'attribute_exists(functionArn)',
            ExpressionAttributeValues: { ':minus': N(-1) },
            ReturnValues: 'UPDATED_NEW',
          }),
        ),
      'counting a pair off its run',
    );
    return Number(out.Attributes?.remaining?.N ?? '0');
  }

  /** What is recorded of each pair, in the order given (100 keys a request, unprocessed keys retried). */
  async records(runId: string, pairs: readonly PlannedPair[]): Promise<PairRecord[]> {
    const byKey = new Map<string, Record<string, AttributeValue>>();
    const keys = pairs.flatMap((p) => [pairKey(runId, p), attemptKey(runId, p)]);
    for (let i = 0; i < keys.length; i += 100) {
      let request: Record<string, AttributeValue>[] | undefined = keys
        .slice(i, i + 100)
        .map((k) => ({ functionArn: S(k) }));
      for (let round = 0; request && request.length > 0 && round < 8; round++) {
        const out = await this.send(
          () =>
            this.client.send(
              new BatchGetItemCommand({
                RequestItems: { [this.tableName]: { Keys: request, ConsistentRead: true } },
              }),
            ),
          'reading the pairs of a run',
        );
        for (const item of out.Responses?.[this.tableName] ?? []) byKey.set(item.functionArn?.S ?? '', item);
        request = out.UnprocessedKeys?.[this.tableName]?.Keys;
      }
      if (request && request.length > 0)
        throw new BaselineStoreError('reading the pairs of a run: keys left unprocessed');
    }
    return pairs.map((p) => {
      const outcome = byKey.get(pairKey(runId, p))?.outcome?.S;
      const lastError = byKey.get(attemptKey(runId, p))?.lastError?.S;
      return {
        ...(outcome ? { outcome: JSON.parse(outcome) as PairOutcome } : {}),
        ...(lastError ? { lastError } : {}),
      };
    });
  }

  /**
   * Marks the run reported (true the first time only: a report raced by another worker is sent
   * once) and lets the sweep go if this run still holds it.
   */
  async finish(runId: string, at: string): Promise<boolean> {
    const first = await this.conditional(
      new UpdateItemCommand({
        TableName: this.tableName,
        Key: { functionArn: S(runKey(runId)) },
        UpdateExpression: 'SET reportedAt = :at',
        ConditionExpression: 'attribute_exists(functionArn) AND attribute_not_exists(reportedAt)',
        ExpressionAttributeValues: { ':at': S(at) },
      }),
      'marking a run reported',
    );
    if (!first) return false;
    // Another run holds the sweep (this one's hold had ended): nothing to let go.
    await this.conditional(
      new DeleteItemCommand({
        TableName: this.tableName,
        Key: { functionArn: S(LOCK_KEY) },
        ConditionExpression: 'runId = :run',
        ExpressionAttributeValues: { ':run': S(runId) },
      }),
      'letting the sweep go',
    );
    return true;
  }

  private async get(key: string): Promise<Record<string, AttributeValue> | undefined> {
    const out = await this.send(
      () =>
        this.client.send(
          new GetItemCommand({
            TableName: this.tableName,
            Key: { functionArn: S(key) },
            ConsistentRead: true,
          }),
        ),
      'reading the sweep ledger',
    );
    return out.Item;
  }

  /** A conditional write: false when its condition failed, any other error thrown as the store's. */
  private async conditional(
    command: PutItemCommand | UpdateItemCommand | DeleteItemCommand,
    what: string,
  ): Promise<boolean> {
    try {
      // One overload per command type: the union is sent through the widest of them.
      await this.send(() => this.client.send(command as PutItemCommand), what);
      return true;
    } catch (error) {
      if (error instanceof BaselineStoreError && error.cause instanceof ConditionalCheckFailedException)
        return false;
      throw error;
    }
  }

  private async send<O>(call: () => Promise<O>, what: string): Promise<O> {
    try {
      return await call();
    } catch (error) {
      throw new BaselineStoreError(`${what} in ${this.tableName} failed`, { cause: error });
    }
  }
}
