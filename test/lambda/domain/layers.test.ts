import { diffLayers } from '../../../lambda/domain/layers.js';
import { layerArn, OTHER_ACCOUNT } from '../../support/records.js';

const a1 = layerArn('a', 1);
const a2 = layerArn('a', 2);
const b1 = layerArn('b', 1);
const evil = layerArn('a', 1, OTHER_ACCOUNT);

describe('diffLayers', () => {
  it.each([
    ['nothing to nothing', [], [], [], [], 0, false],
    ['same list', [a1, b1], [a1, b1], [], [], 0, false],
    ['one added', [a1], [a1, b1], [b1], [], 0, false],
    ['one removed', [a1, b1], [a1], [], [b1], 0, false],
    ['version bump is not add/remove', [a1], [a2], [], [], 1, false],
    ['same name in another account is another layer', [a1], [evil], [evil], [a1], 0, false],
    ['reorder', [a1, b1], [b1, a1], [], [], 0, true],
    ['all removed', [a1, b1], [], [], [a1, b1], 0, false],
  ])('%s', (_name, before, after, added, removed, changed, reordered) => {
    const d = diffLayers(before, after);
    expect(d.added).toEqual(added);
    expect(d.removed).toEqual(removed);
    expect(d.versionChanged).toHaveLength(changed);
    expect(d.reordered).toBe(reordered);
  });

  it('names the from and to versions of a bump', () => {
    expect(diffLayers([a1], [a2]).versionChanged).toEqual([
      { layerArn: layerArn('a', 1).replace(/:1$/, ''), from: a1, to: a2 },
    ]);
  });

  it.each([
    ['region', 'arn:aws:lambda:layer:123456789012:layer:'],
    ['partition', 'arn:layer:lambda:us-east-1:123456789012:layer:'],
  ])('keys by the layer name when the %s is spelled layer: a swap is no version change', (_part, prefix) => {
    const a = `${prefix}a:1`;
    const swapped = `${prefix}evil:1`;
    const d = diffLayers([a], [swapped]);
    expect(d.added).toEqual([swapped]);
    expect(d.removed).toEqual([a]);
    expect(d.versionChanged).toEqual([]);
  });

  it('keys entries that are not layer ARNs by their text', () => {
    expect(diffLayers(['junk'], ['junk', 'more']).added).toEqual(['more']);
  });
});
