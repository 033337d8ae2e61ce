import { cleanLayers, planFunction } from '../../../../lambda/domain/revert/plan.js';
import type { Step } from '../../../../lambda/domain/revert/steps.js';
import { DEPS, EVIL, layer, request, snapshot } from './fixtures.js';

const ALL = { throttle: false, qualifier: null };

describe('cleanLayers', () => {
  it.each([
    ['an added layer is dropped', [DEPS, EVIL], [EVIL], [DEPS], [DEPS]],
    [
      'the others keep their order',
      [layer('a', 1), EVIL, layer('b', 2)],
      [EVIL],
      null,
      [layer('a', 1), layer('b', 2)],
    ],
    [
      'a changed version goes back to the one it replaced',
      [layer('deps', 4)],
      [layer('deps', 4)],
      [DEPS],
      [DEPS],
    ],
    ['a changed version with no known before is dropped', [layer('deps', 4)], [layer('deps', 4)], null, []],
    ['nothing to take off: unchanged', [DEPS], [EVIL], [DEPS], [DEPS]],
  ])('%s', (_name, current, subjects, before, expected) => {
    expect(cleanLayers(current, subjects, before)).toEqual(expected);
  });
});

describe('planFunction', () => {
  it('plans $LATEST and the alias, and names the version it cannot change', () => {
    const p = planFunction(snapshot(), request(), ALL);
    expect(p.running).toEqual([
      { qualifier: '$LATEST', version: null, share: 1 },
      { qualifier: 'prod', version: '4', share: 1 },
      { qualifier: '4', version: '4', share: 1 },
    ]);
    expect(p.steps).toEqual<Step[]>([
      {
        kind: 'set-routing',
        alias: 'prod',
        from: { version: '4', weights: {} },
        to: { version: '3', weights: {} },
        revisionId: 'r-prod',
      },
      { kind: 'set-layers', from: [DEPS, EVIL], to: [DEPS], revisionId: 'r-latest' },
    ]);
    expect(p.unchangeable.map((u) => u.qualifier)).toEqual(['4']);
    expect(p.unchangeable[0]?.advice).toContain(
      'aws lambda delete-function --function-name arn:aws:lambda:eu-west-1:111122223333:function:pay --qualifier 4',
    );
  });

  it.each([
    [
      'a weighted share to the bad version is dropped',
      { version: '3', weights: { '4': 0.1 } },
      { version: '3', weights: {} },
    ],
    [
      'a bad primary moves to the last clean version, keeping a clean weight',
      { version: '4', weights: { '2': 0.2 } },
      { version: '3', weights: { '2': 0.2 } },
    ],
    [
      'a clean weight on the new primary is folded into it',
      { version: '4', weights: { '3': 0.2 } },
      { version: '3', weights: {} },
    ],
  ])('alias routing: %s', (_name, routing, to) => {
    const s = snapshot({ aliases: [{ name: 'prod', ...routing, revisionId: 'r' }] });
    const step = planFunction(s, request(), ALL).steps.find((x) => x.kind === 'set-routing');
    expect(step).toMatchObject({ from: routing, to });
  });

  it('leaves an alias on clean versions alone', () => {
    const s = snapshot({
      aliases: [{ name: 'stable', version: '3', weights: { '2': 0.5 }, revisionId: 'r' }],
    });
    expect(planFunction(s, request(), ALL).steps.map((x) => x.kind)).toEqual(['set-layers']);
  });

  it('says when no clean version is known, instead of a step', () => {
    const s = snapshot({ versions: [{ version: '4', layers: [EVIL] }] });
    const p = planFunction(s, request(), ALL);
    expect(p.steps.map((x) => x.kind)).toEqual(['set-layers']);
    expect(p.unchangeable.find((u) => u.qualifier === 'prod')?.why).toBe(
      'no published version without the layers is known',
    );
  });

  it.each([
    ['$LATEST', ['set-layers']],
    ['prod', ['set-routing']],
  ])('--qualifier %s plans that qualifier only', (qualifier, kinds) => {
    const p = planFunction(snapshot(), request(), { throttle: false, qualifier });
    expect(p.steps.map((x) => x.kind)).toEqual(kinds);
    expect(p.unchangeable).toEqual([]);
  });

  it('puts the emergency brake first, restorable to the reservation it had', () => {
    const p = planFunction(snapshot({ reservedConcurrency: 25 }), request(), {
      throttle: true,
      qualifier: null,
    });
    expect(p.steps[0]).toEqual({ kind: 'set-concurrency', from: 25, to: 0 });
  });

  it('plans nothing where the layer no longer runs', () => {
    const s = snapshot({ layers: [DEPS], versions: [{ version: '1', layers: [DEPS] }], aliases: [] });
    const p = planFunction(s, request(), ALL);
    expect(p.steps).toEqual([]);
    expect(p.running).toEqual([]);
  });
});
