import { type DynamoDBClient, ScanCommand, type ScanCommandOutput } from '@aws-sdk/client-dynamodb';
import type { DeclaredCall } from './calls.js';
import { built, type Deferred } from './client-options.js';
import { BaselineStoreError } from './errors.js';

/** A function's current layers as the deployment's state table holds them. */
export interface StoredLayers {
  functionArn: string;
  layers: string[];
}

export interface StateTableContents {
  functions: StoredLayers[];
  /** Baseline items whose states could not be read, named. */
  unreadable: string[];
}

/**
 * Reads every baseline of the deployment's state table (one item per function: `functionArn`,
 * `states`, see DynamoDbBaselineStore) and keeps each function's latest layer list; items of other
 * kinds (publications, idempotency records) have no `states` and are passed over. For the CLI,
 * with the caller's credentials: a Scan of the whole table, page by page.
 */
export class DynamoDbBaselineReader {
  /** What this adapter sends (see calls.ts). */
  static readonly calls: readonly DeclaredCall[] = [{ action: 'dynamodb:Scan', resource: 'table' }];

  constructor(
    private readonly client: Deferred<DynamoDBClient>,
    private readonly tableName: string,
  ) {}

  /** Every page of the table; `signal` stops the scan between pages (and the page in flight). */
  async readAll(signal?: AbortSignal): Promise<StateTableContents> {
    const out: StateTableContents = { functions: [], unreadable: [] };
    let start: ScanCommandOutput['LastEvaluatedKey'];
    do {
      if (signal?.aborted)
        throw new BaselineStoreError(`reading the state table ${this.tableName} was stopped`);
      let page: ScanCommandOutput;
      try {
        page = await built(this.client).send(
          new ScanCommand({
            TableName: this.tableName,
            ProjectionExpression: 'functionArn, states',
            ExclusiveStartKey: start,
          }),
          { abortSignal: signal },
        );
      } catch (error) {
        throw new BaselineStoreError(`reading the state table ${this.tableName} failed`, { cause: error });
      }
      for (const item of page.Items ?? []) {
        const functionArn = item.functionArn?.S;
        const states = item.states?.S;
        if (functionArn === undefined || states === undefined) continue;
        const layers = latestLayers(states);
        if (layers === null) out.unreadable.push(`state table item ${functionArn}: states unreadable`);
        else out.functions.push({ functionArn, layers });
      }
      start = page.LastEvaluatedKey;
    } while (start !== undefined);
    return out;
  }
}

/** The layers of the last state (the store keeps states in event-time order), or null. */
function latestLayers(states: string): string[] | null {
  try {
    const parsed: unknown = JSON.parse(states);
    if (!Array.isArray(parsed)) return null;
    if (parsed.length === 0) return [];
    const last: unknown = parsed[parsed.length - 1];
    const layers = (last as { layers?: unknown } | null)?.layers;
    return Array.isArray(layers) && layers.every((l) => typeof l === 'string') ? (layers as string[]) : null;
  } catch {
    return null;
  }
}
