import {
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  type GetItemCommandOutput,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { type Baseline, type LayerState, recordQualifier, recordState } from '../domain/baseline.js';
import type { QualifierState, QualifierUpdate } from '../domain/qualifiers.js';
import type { DeclaredCall } from './calls.js';
import { BaselineConflictError, BaselineStoreError } from './errors.js';
import type { BaselineStore } from './ports.js';

/**
 * A stored state's hook variables, kept only when they are a map of strings: anything else (a
 * damaged item) reads as unknown, which never raises an alert by itself. Records written before
 * hook variables were kept have none: unknown too.
 */
function withValidHooks(state: LayerState): LayerState {
  const hooks: unknown = state.hooks;
  if (hooks === undefined) return state;
  const valid =
    typeof hooks === 'object' &&
    hooks !== null &&
    !Array.isArray(hooks) &&
    Object.values(hooks).every((v) => typeof v === 'string');
  if (valid) return state;
  const { hooks: _dropped, ...rest } = state;
  return rest;
}

/**
 * The versions and aliases kept beside the layer history (`qualifiers`, JSON). A damaged value reads
 * as none known: a version is read again from the next event or from the function.
 */
function qualifiersOf(text: string | undefined): { qualifiers?: QualifierState } {
  if (!text) return {};
  try {
    const q = JSON.parse(text) as QualifierState;
    return Array.isArray(q.versions) && Array.isArray(q.aliases) ? { qualifiers: q } : {};
  } catch {
    return {};
  }
}

/** Reads kept for the write that follows (an event reads at most a function and one of its versions). */
const MAX_REMEMBERED_READS = 8;

/**
 * One item per function: `functionArn` (partition key), `states` (JSON of the layer history, each
 * state with the function's start-up hook variables when they were read, never another variable),
 * `truncated`, `qualifiers` (JSON of its published versions' layers and its aliases' routings),
 * and `revision`, a counter for optimistic concurrency. Writers read, merge in the pure
 * core (which orders states by event time) and write on condition that nobody wrote in between.
 */
export class DynamoDbBaselineStore implements BaselineStore {
  /** What this adapter sends (see calls.ts). */
  static readonly calls: readonly DeclaredCall[] = [
    { action: 'dynamodb:GetItem', resource: 'table' },
    { action: 'dynamodb:PutItem', resource: 'table' },
  ];

  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
    private readonly maxAttempts = 8,
  ) {}

  /**
   * What the last get() read, so that the record() that follows it in the same invocation does not
   * read the item again. A stale entry only makes the conditional write fail and re-read. Bounded:
   * an event whose function gets no record (nothing to write) would otherwise leave its baseline
   * here for the life of the warm function, one per function ever seen.
   */
  private readonly lastRead = new Map<string, { baseline: Baseline | null; revision: number }>();

  async get(functionArn: string): Promise<Baseline | null> {
    const read = await this.read(functionArn);
    if (this.lastRead.size >= MAX_REMEMBERED_READS) this.lastRead.clear();
    this.lastRead.set(functionArn, read);
    return read.baseline;
  }

  private async read(functionArn: string): Promise<{ baseline: Baseline | null; revision: number }> {
    let out: GetItemCommandOutput;
    try {
      out = await this.client.send(
        new GetItemCommand({
          TableName: this.tableName,
          Key: { functionArn: { S: functionArn } },
          ConsistentRead: true,
        }),
      );
    } catch (error) {
      throw new BaselineStoreError(`reading the baseline of ${functionArn} failed`, { cause: error });
    }
    const item = out.Item;
    if (!item) return { baseline: null, revision: 0 };
    const revision = Number(item.revision?.N ?? '0');
    try {
      const states = JSON.parse(item.states?.S ?? '[]') as LayerState[];
      if (!Array.isArray(states)) throw new Error('states is not a list');
      return {
        baseline: {
          functionArn,
          states: states.map(withValidHooks),
          truncated: item.truncated?.BOOL === true,
          ...qualifiersOf(item.qualifiers?.S),
        },
        revision,
      };
    } catch {
      // A corrupt item must not block detection forever: treat as unknown, the next write replaces it.
      return { baseline: { functionArn, states: [], truncated: true }, revision };
    }
  }

  async record(functionArn: string, state: LayerState): Promise<void> {
    await this.merge(functionArn, (baseline) => recordState(baseline, functionArn, state), state.eventTime);
  }

  async recordQualifier(functionArn: string, update: QualifierUpdate): Promise<void> {
    const time = update.version?.eventTime ?? update.alias?.eventTime ?? '';
    await this.merge(functionArn, (baseline) => recordQualifier(baseline, functionArn, update), time);
  }

  /** Reads, applies a pure change, writes on condition that nobody wrote in between; retries. */
  private async merge(
    functionArn: string,
    apply: (b: Baseline | null) => Baseline,
    time: string,
  ): Promise<void> {
    let known = this.lastRead.get(functionArn);
    this.lastRead.delete(functionArn);
    for (let attempt = 1; attempt <= this.maxAttempts; attempt += 1) {
      const { baseline, revision } = known ?? (await this.read(functionArn));
      known = undefined;
      const next = apply(baseline);
      try {
        await this.client.send(
          new PutItemCommand({
            TableName: this.tableName,
            Item: {
              functionArn: { S: functionArn },
              states: { S: JSON.stringify(next.states) },
              truncated: { BOOL: next.truncated },
              revision: { N: String(revision + 1) },
              latestEventTime: { S: next.states.at(-1)?.eventTime ?? time },
              ...(next.qualifiers ? { qualifiers: { S: JSON.stringify(next.qualifiers) } } : {}),
            },
            ConditionExpression: 'attribute_not_exists(functionArn) OR revision = :revision',
            ExpressionAttributeValues: { ':revision': { N: String(revision) } },
          }),
        );
        return;
      } catch (error) {
        if (
          error instanceof ConditionalCheckFailedException ||
          (error as Error)?.name === 'ConditionalCheckFailedException'
        )
          continue;
        throw new BaselineStoreError(`writing the baseline of ${functionArn} failed`, { cause: error });
      }
    }
    throw new BaselineConflictError(
      `baseline of ${functionArn} kept changing under ${this.maxAttempts} attempts`,
    );
  }
}
