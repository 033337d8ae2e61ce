import { changesBetween } from '../../../../lambda/domain/revert/changes.js';
import { DEPS, snapshot } from './fixtures.js';

describe('changesBetween', () => {
  it('finds nothing in the same state', () => {
    expect(changesBetween(snapshot(), snapshot())).toEqual([]);
  });

  it.each([
    ['a write of $LATEST', { revisionId: 'r2' }, '$LATEST was written since (RevisionId r-latest -> r2)'],
    ['other layers', { layers: [DEPS] }, `$LATEST's layers are now ${DEPS}`],
    [
      'an alias moved',
      { aliases: [{ name: 'prod', version: '3', weights: {}, revisionId: 'r9' }] },
      'alias prod now routes to version 3 (planned from version 4)',
    ],
    [
      'an alias written to the same routing',
      { aliases: [{ name: 'prod', version: '4', weights: {}, revisionId: 'r9' }] },
      'alias prod was written since (RevisionId r-prod -> r9)',
    ],
    ['an alias deleted', { aliases: [] }, 'alias prod was deleted'],
    [
      'an alias created',
      { aliases: [...snapshot().aliases, { name: 'beta', version: '4', weights: {}, revisionId: 'x' }] },
      'alias beta was created (version 4)',
    ],
    [
      'a version published',
      { versions: [...snapshot().versions, { version: '5', layers: [] }] },
      'version 5 was published',
    ],
    ['a reservation set', { reservedConcurrency: 0 }, 'reserved concurrency is now 0 (planned from none)'],
    ['the stack tag', { stackName: 's' }, 'the stack tag is now s (planned from absent)'],
  ])('names %s', (_name, change, words) => {
    const out = changesBetween(snapshot(), snapshot(change));
    expect(out).toHaveLength(1);
    expect(out[0]).toContain(words);
  });
});
