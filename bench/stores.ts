/**
 * The per-event bench's stores: in process, and keeping what the deployed services keep rather than
 * the live objects the handler built. A deployed invocation sends its baseline, its publication and
 * its idempotency records to DynamoDB as serialised items and drops them; the test fakes
 * (test/support/fakes.ts) keep every object graph for assertions, so in a run of thousands of events
 * each event's graphs would survive young-generation collections and be copied, then promoted: a
 * cost the deployed handler does not have. Here each item is its JSON text (what DynamoDB holds),
 * kept outside the heap (Items), read back by parsing as the DynamoDB adapters do; the same code of
 * ours runs, and its answers are equal (test/bench/stores.test.ts).
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
 * A table of items kept outside the JavaScript heap, as the deployed tables are: each write appends
 * its key and JSON to one growing Buffer, and an index from a key's hash to its newest record (small
 * integers, which the heap stores in place) finds it, through a chain of older records of the same
 * hash. A young-generation collection finds nothing of the table to copy or promote; the strings a
 * read returns are as short-lived as the unmarshalled item of a GetItem.
 */
export class Items {
  private arena: Buffer;
  private used = 0;
  /** Key hash -> offset of the newest record with that hash, plus one. */
  private readonly newest = new Map<number, number>();

  constructor(bytes = 1 << 24) {
    this.arena = Buffer.allocUnsafe(bytes);
  }

  private static hash(key: string): number {
    let h = 0x811c9dc5;
    for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
    return h >>> 2; // 30 bits: a small integer, stored in place
  }

  /** The value of the newest record of `key`: undefined when none, null when deleted. */
  private find(key: string): string | null | undefined {
    let at = (this.newest.get(Items.hash(key)) ?? 0) - 1;
    while (at >= 0) {
      const keyLength = this.arena.readInt32LE(at + 4);
      const valueLength = this.arena.readInt32LE(at + 8);
      const start = at + 12;
      if (this.arena.toString('utf8', start, start + keyLength) === key)
        return valueLength < 0
          ? null
          : this.arena.toString('utf8', start + keyLength, start + keyLength + valueLength);
      at = this.arena.readInt32LE(at) - 1;
    }
    return undefined;
  }

  private append(key: string, value: string | null): void {
    const keyLength = Buffer.byteLength(key, 'utf8');
    const valueLength = value === null ? 0 : Buffer.byteLength(value, 'utf8');
    const need = 12 + keyLength + valueLength;
    if (this.used + need > this.arena.length) {
      const grown = Buffer.allocUnsafe(Math.max(2 * this.arena.length, this.used + need));
      this.arena.copy(grown, 0, 0, this.used);
      this.arena = grown;
    }
    const h = Items.hash(key);
    const at = this.used;
    this.arena.writeInt32LE(this.newest.get(h) ?? 0, at);
    this.arena.writeInt32LE(keyLength, at + 4);
    this.arena.writeInt32LE(value === null ? -1 : valueLength, at + 8);
    this.arena.write(key, at + 12, 'utf8');
    if (value !== null) this.arena.write(value, at + 12 + keyLength, 'utf8');
    this.used += need;
    this.newest.set(h, at + 1);
  }

  get(key: string): string | undefined {
    return this.find(key) ?? undefined;
  }
  set(key: string, json: string): void {
    this.append(key, json);
  }
  delete(key: string): void {
    this.append(key, null);
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
