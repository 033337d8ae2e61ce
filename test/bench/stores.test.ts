import { type BenchStores, benchHandlerWith, EVENT_KINDS } from '../../bench/per-event-handler.js';
import { ItemBaselines, ItemCorrelations, ItemIdempotency, Items } from '../../bench/stores.js';
import { MemoryBaselines, MemoryCorrelations, MemoryIdempotency } from '../support/fakes.js';
import { envelope } from '../support/records.js';

/** The bench's stores keep items as strings; what the handler answers must not change with them. */
describe('bench stores', () => {
  beforeAll(() => {
    process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  });

  const kinds = Object.keys(EVENT_KINDS) as (keyof typeof EVENT_KINDS)[];
  const events = Array.from({ length: 60 }, (_, i) =>
    JSON.stringify(envelope(EVENT_KINDS[kinds[i % kinds.length] as keyof typeof EVENT_KINDS](i))),
  );

  async function run(stores: BenchStores) {
    const handler = benchHandlerWith(stores);
    const results = [];
    // Each event twice: the second answers from the idempotency record.
    for (const json of [...events, ...events]) results.push(await handler(JSON.parse(json)));
    return results;
  }

  it('answer every event as the test fakes do, duplicates included', async () => {
    const items = await run({
      baselines: new ItemBaselines(),
      correlations: new ItemCorrelations(),
      idempotency: new ItemIdempotency(),
    });
    const fakes = await run({
      baselines: new MemoryBaselines(),
      correlations: new MemoryCorrelations(),
      idempotency: new MemoryIdempotency(),
    });
    expect(items).toEqual(fakes);
    expect(items.filter((r) => r.outcome === 'published').length).toBeGreaterThan(20);
    expect(items.filter((r) => r.outcome === 'duplicate').length).toBe(events.length);
  });
});

describe('Items (the bench tables outside the heap)', () => {
  it('answers the newest value of each key, through growth, overwrites and deletes', () => {
    const items = new Items(64);
    const expected = new Map<string, string>();
    for (let i = 0; i < 5000; i++) {
      const key = `k${i % 1700}\u00e9`;
      if (i % 7 === 0) {
        items.delete(key);
        expected.delete(key);
      } else {
        const value = JSON.stringify({ i, text: 'x'.repeat(i % 50), name: '\u2603' });
        items.set(key, value);
        expected.set(key, value);
      }
    }
    for (let i = 0; i < 1800; i++) expect(items.get(`k${i}\u00e9`)).toBe(expected.get(`k${i}\u00e9`));
  });
});
