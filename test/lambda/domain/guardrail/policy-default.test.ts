import { outsideAllowed, outsidePatterns } from '../../../../lambda/domain/guardrail/evaluate.js';
import { addAccount, addLayer, emptyInventory } from '../../../../lambda/domain/guardrail/inventory.js';
import {
  buildGuardrail,
  defaultAllowedPatterns,
  FORMATS,
  GuardrailError,
  type GuardrailFormat,
} from '../../../../lambda/domain/guardrail/policy.js';
import type { KnownPublisher } from '../../../../lambda/domain/publishers.js';

/** A small deterministic generator (mulberry32), so that a failure names its seed. */
function random(seed: number) {
  let a = seed;
  const next = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  return { int, pick: <T>(xs: readonly T[]) => xs[int(xs.length)] as T };
}

const PARTITIONS = ['aws', 'aws-cn', 'aws-us-gov', 'aws-iso-b'];
const REGIONS = ['us-east-1', 'eu-west-1', 'cn-north-1'];

/** An inventory of `accounts` own accounts and `layers` layer versions in use, from a shared pool of accounts. */
function generated(seed: number) {
  const r = random(seed);
  const big = r.int(2) === 0;
  const pool = Array.from({ length: big ? 260 : 3 + r.int(20) }, (_, i) =>
    String(100000000000 + i * 7919 + r.int(7)),
  );
  const publishers: KnownPublisher[] = Array.from({ length: r.int(6) }, (_, i) => ({
    account: r.pick(pool),
    name: `publisher ${i}`,
    source: 'https://example.org',
  }));
  const inventory = emptyInventory();
  const accounts = r.int(6) === 0 ? 0 : big ? 90 + r.int(100) : r.int(8);
  for (let i = 0; i < accounts; i++) addAccount(inventory, r.pick(pool), r.pick(PARTITIONS));
  const layer = () =>
    `arn:${r.pick(PARTITIONS)}:lambda:${r.pick(REGIONS)}:${r.pick(pool)}:layer:l${r.int(4)}:${1 + r.int(3)}`;
  for (let i = r.int(60); i > 0; i--) addLayer(inventory, layer(), 'in the state table', null);
  const requested = Array.from({ length: 1 + r.int(4) }, layer);
  return { inventory, publishers, requested };
}

/** What buildGuardrail gives with the posture's options, or its error. */
function built(g: ReturnType<typeof generated>, format: GuardrailFormat) {
  try {
    const b = buildGuardrail(g.inventory, {
      format,
      pinVersions: false,
      allow: [],
      exemptPrincipals: [],
      organizationAccounts: [],
      publishers: g.publishers,
    });
    return {
      patterns: b.allowed.map((e) => e.pattern),
      size: b.size,
      outside: outsideAllowed(b.policy, g.requested),
    };
  } catch (error) {
    if (!(error instanceof GuardrailError)) throw error;
    return { error: error.message };
  }
}

function fast(g: ReturnType<typeof generated>, format: GuardrailFormat) {
  try {
    const { patterns, size } = defaultAllowedPatterns(g.inventory, g.publishers, format);
    return { patterns, size, outside: outsidePatterns(patterns, g.requested) };
  } catch (error) {
    if (!(error instanceof GuardrailError)) throw error;
    return { error: error.message };
  }
}

describe('defaultAllowedPatterns: the posture verdict without writing the policy', () => {
  const seeds = Array.from({ length: 300 }, (_, i) => i + 1);

  it.each(FORMATS)('equals buildGuardrail over generated inventories (%s)', (format) => {
    const outcomes = { fits: 0, tooLarge: 0, empty: 0 };
    for (const seed of seeds) {
      const g = generated(seed);
      const expected = built(g, format);
      expect({ seed, ...fast(g, format) }).toEqual({ seed, ...expected });
      if ('size' in expected) outcomes.fits += 1;
      else if (expected.error.startsWith('the policy needs')) outcomes.tooLarge += 1;
      else outcomes.empty += 1;
    }
    // The generated inputs reach every outcome, the size limit on both sides.
    expect(outcomes.fits).toBeGreaterThan(60);
    expect(outcomes.tooLarge).toBeGreaterThan(10);
    expect(outcomes.empty).toBeGreaterThan(5);
  });

  it('sums the size to the byte at the limit (one pattern more or less)', () => {
    const g = { inventory: emptyInventory(), publishers: [], requested: [] };
    const tooLarge = () => {
      const f = fast(g, 'scp');
      return f.error?.startsWith('the policy needs') === true;
    };
    let n = 0;
    while (!tooLarge()) addAccount(g.inventory, String(200000000000 + n++), 'aws');
    expect(fast(g, 'scp')).toEqual(built(g, 'scp'));
    g.inventory.accounts.delete(String(200000000000 + n - 1));
    const under = fast(g, 'scp');
    expect(under).toEqual(built(g, 'scp'));
    // One pattern ("arn:aws:lambda:*:ACCOUNT:layer:*:*" and its comma) is 42 bytes.
    expect('size' in under ? under.size : 0).toBeGreaterThan(5120 - 42);
  });
});
