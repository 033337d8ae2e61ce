import { addAccount, addBaseline, emptyInventory } from '../../../../lambda/domain/guardrail/inventory.js';
import { guardedRequest, guardrailVerdict } from '../../../../lambda/domain/guardrail/verdict.js';
import type { LayerList } from '../../../../lambda/domain/model.js';
import type { KnownPublisher } from '../../../../lambda/domain/publishers.js';
import { ACCOUNT, functionArn, layerArn, OTHER_ACCOUNT } from '../../../support/records.js';
import { eventOf } from '../../../support/run.js';
import { publishVersion } from '../../../support/version-records.js';

const PUBLISHER = '580247275435';
const publishers: KnownPublisher[] = [
  { account: PUBLISHER, name: 'Lambda Insights', source: 'https://example.org' },
];
const own = layerArn('deps', 3);
const foreign = layerArn('perf-monitor-extension', 1, OTHER_ACCOUNT);
const insights = layerArn('LambdaInsightsExtension', 52, PUBLISHER);

function inventory(baselines: Readonly<Record<string, readonly string[]>> = {}) {
  const inv = emptyInventory();
  addAccount(inv, ACCOUNT, 'aws');
  for (const [fn, layers] of Object.entries(baselines)) addBaseline(inv, fn, layers);
  return inv;
}

const list = (...layers: string[]): LayerList => ({ state: 'list', layers });

describe('guardrailVerdict', () => {
  it.each([
    ['an own layer', list(own), {}, 'allowed', []],
    ['a foreign layer beside an own one', list(own, foreign), {}, 'refused', [foreign]],
    ['a known publisher nobody uses', list(insights), {}, 'refused', [insights]],
    [
      'a known publisher a baseline uses',
      list(insights),
      { [functionArn('api')]: [insights] },
      'allowed',
      [],
    ],
    ['no layer at all', list(), {}, 'allowed', []],
    ['no layer list in the call', { state: 'absent' } as LayerList, {}, 'not-applicable', []],
    ['an unreadable list', { state: 'unreadable', detail: 'x' } as LayerList, {}, 'not-judged', []],
  ] as const)('%s', (_, requested, baselines, verdict, refused) => {
    const v = guardrailVerdict(
      requested,
      { inventory: inventory(baselines), basis: 'test inventory', accountsGap: null, layersGap: null },
      publishers,
    );
    expect(v.verdict).toBe(verdict);
    expect(v.refusedLayers).toEqual(refused);
    if (verdict === 'refused')
      expect(v.line).toMatch(
        /^a guardrail from your current inventory would have refused this call: .* \(built from test inventory\)$/,
      );
  });

  it('a call that is no layer-setting call is not judged by a lambda:Layer guardrail', () => {
    expect(
      guardrailVerdict(
        null,
        { inventory: inventory(), basis: 'b', accountsGap: null, layersGap: null },
        publishers,
      ),
    ).toMatchObject({
      verdict: 'not-applicable',
      line: 'no lambda:Layer guardrail judges this call: it sets no layers',
    });
    expect(guardedRequest(eventOf(publishVersion('payments-api', '8')))).toBeNull();
  });

  it('says "not known" when what could have allowed the layer was not read, never "refused"', () => {
    const missing = {
      inventory: inventory(),
      basis: 'b',
      accountsGap: 'org not listed',
      layersGap: 'baselines not read',
    };
    expect(guardrailVerdict(list(insights), missing, publishers)).toMatchObject({
      verdict: 'not-judged',
      line: expect.stringContaining('baselines not read'),
    });
    expect(guardrailVerdict(list(foreign), missing, publishers)).toMatchObject({
      verdict: 'not-judged',
      line: expect.stringContaining('org not listed'),
    });
    // A layer refused whatever was missing still makes the verdict.
    expect(
      guardrailVerdict(list(foreign, insights), { ...missing, accountsGap: null }, publishers),
    ).toMatchObject({ verdict: 'refused', refusedLayers: [foreign] });
  });

  it('agrees with the policy the guardrail command writes from the same inventory', () => {
    // The foreign account is refused by the policy, the own and the used publisher allowed.
    const inv = inventory({ [functionArn('api')]: [insights, own] });
    const v = guardrailVerdict(
      list(own, insights, foreign),
      { inventory: inv, basis: 'b', accountsGap: null, layersGap: null },
      publishers,
    );
    expect(v.refusedLayers).toEqual([foreign]);
  });
});
