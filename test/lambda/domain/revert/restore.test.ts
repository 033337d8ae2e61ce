import { restorePlan } from '../../../../lambda/domain/revert/restore.js';
import type { Step } from '../../../../lambda/domain/revert/steps.js';
import { inverseOf } from '../../../../lambda/domain/revert/steps.js';
import { ARN, DEPS, EVIL, snapshot } from './fixtures.js';

const applied: Step[] = [
  { kind: 'set-concurrency', from: null, to: 0 },
  {
    kind: 'set-routing',
    alias: 'prod',
    from: { version: '4', weights: {} },
    to: { version: '3', weights: {} },
    revisionId: 'r-prod',
  },
  { kind: 'set-layers', from: [DEPS, EVIL], to: [DEPS], revisionId: 'r-latest' },
];
/** The function as the revert left it. */
const reverted = (change = {}) =>
  snapshot({
    layers: [DEPS],
    revisionId: 'r-after',
    reservedConcurrency: 0,
    aliases: [{ name: 'prod', version: '3', weights: {}, revisionId: 'r-prod-after' }],
    ...change,
  });

describe('restorePlan', () => {
  it('puts back every change, last first, guarded by the revisions read now', () => {
    const p = restorePlan({ functionArn: ARN, applied }, reverted());
    expect(p.changed).toEqual([]);
    expect(p.steps).toEqual<Step[]>([
      { kind: 'set-layers', from: [DEPS], to: [DEPS, EVIL], revisionId: 'r-after' },
      {
        kind: 'set-routing',
        alias: 'prod',
        from: { version: '3', weights: {} },
        to: { version: '4', weights: {} },
        revisionId: 'r-prod-after',
      },
      { kind: 'set-concurrency', from: 0, to: null },
    ]);
  });

  it.each([
    ['$LATEST', { layers: [] }, "$LATEST's layers are (no layers), not what the revert set"],
    [
      'the alias',
      { aliases: [{ name: 'prod', version: '2', weights: {}, revisionId: 'x' }] },
      'alias prod routes to version 2',
    ],
    ['the alias, deleted', { aliases: [] }, 'alias prod no longer exists'],
    [
      'the reservation',
      { reservedConcurrency: 10 },
      'reserved concurrency is 10, not what the revert set (0)',
    ],
  ])('names a change made since the revert to %s', (_name, change, words) => {
    expect(restorePlan({ functionArn: ARN, applied }, reverted(change)).changed.join('\n')).toContain(words);
  });
});

describe('inverseOf', () => {
  it.each(applied)('undoes %o with the revision its write produced', (step) => {
    const inverse = inverseOf(step, 'r-new');
    expect(inverseOf(inverse, 'x')).toMatchObject({ kind: step.kind, to: step.to, from: step.from });
    if (step.kind !== 'set-concurrency') expect(inverse).toMatchObject({ revisionId: 'r-new' });
  });
});
