/**
 * The per-event bench's stores: in process, and keeping what the deployed services keep rather than
 * the live objects the handler built. A deployed invocation sends its baseline, its publication and
 * its idempotency records to DynamoDB as serialised items and drops them; the test fakes
 * (test/support/fakes.ts) keep every object graph for assertions, so in a run of thousands of events
 * each event's graphs would survive young-generation collections and be copied, then promoted: a
 * cost the deployed handler does not have. Here each item is one string (what DynamoDB holds), read
 * back by parsing, as the DynamoDB adapters do; the same code of ours runs, and answers are equal.
 */
import { IdempotencyAlreadyInProgressError } from '@aws-lambda-powertools/idempotency';
import type {
  BaselineStore,
  CorrelationStore,
  IdempotencyStore,
  Once,
  OnceKey,
  Stored,
} from '../lambda/adapters/ports.js';
import { type Baseline, type LayerState, recordQualifier, recordState } from '../lambda/domain/baseline.js';
import type { PublishRecord } from '../lambda/domain/correlation.js';
import type { QualifierUpdate } from '../lambda/domain/qualifiers.js';

/**
 * A table of items kept outside the JavaScript heap (each item's JSON in a Buffer), as the
 * deployed tables are: a young-generation collection has nothing of them to copy or promote.
 */
class Items {
  private readonly items = new Map<string, Buffer>();
  get(key: string): string | undefined {
    return this.items.get(key)?.toString('utf8');
  }
  set(key: string, json: string): void {
    this.items.set(key, Buffer.from(json, 'utf8'));
  }
  delete(key: string): void {
    this.items.delete(key);
  }
}

/** One item per function, as the baseline table holds it (dynamodb-baseline-store.ts). */
export class ItemBaselines implements BaselineStore {
  readonly items = new Items();
  async get(functionArn: string): Promise<Baseline | null> {
    const item = this.items.get(functionArn);
    return item === undefined ? null : (JSON.parse(item) as Baseline);
  }
  async record(functionArn: string, state: LayerState): Promise<void> {
    this.items.set(functionArn, JSON.stringify(recordState(await this.get(functionArn), functionArn, state)));
  }
  async recordQualifier(functionArn: string, update: QualifierUpdate): Promise<void> {
    const next = recordQualifier(await this.get(functionArn), functionArn, update);
    this.items.set(functionArn, JSON.stringify(next));
  }
}

/** One item per layer version, the latest publication (dynamodb-correlation-store.ts): a key lookup, not a scan. */
export class ItemCorrelations implements CorrelationStore {
  readonly items = new Items();
  async recordPublish(p: PublishRecord): Promise<void> {
    this.items.set(p.layerVersionArn, JSON.stringify(p));
  }
  async publishesOf(arns: readonly string[]): Promise<PublishRecord[]> {
    const found: PublishRecord[] = [];
    for (const arn of arns) {
      const item = this.items.get(arn);
      if (item !== undefined) found.push(JSON.parse(item) as PublishRecord);
    }
    return found;
  }
}

/**
 * Powertools idempotency's contract with each record one string: a completed key answers its stored
 * result, a key in progress throws, work that throws releases its key.
 */
export class ItemIdempotency implements IdempotencyStore {
  readonly records = new Items();
  async once<T extends Stored>(key: OnceKey, work: () => Promise<T>): Promise<Once<T>> {
    const k = JSON.stringify(key);
    const existing = this.records.get(k);
    if (existing === 'INPROGRESS') throw new IdempotencyAlreadyInProgressError(`already in progress: ${k}`);
    if (existing !== undefined) return { result: JSON.parse(existing) as T, replayed: true };
    this.records.set(k, 'INPROGRESS');
    let result: T;
    try {
      result = await work();
    } catch (error) {
      this.records.delete(k);
      throw error;
    }
    this.records.set(k, JSON.stringify(result));
    return { result, replayed: false };
  }
}
