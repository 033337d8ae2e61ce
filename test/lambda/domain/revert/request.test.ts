import { requestOfFinding, requestOfFunction } from '../../../../lambda/domain/revert/request.js';
import { ARN, DEPS, EVIL, layer } from './fixtures.js';

const finding = (change: Record<string, unknown> = {}) => ({
  findingId: 'f1',
  detectionId: 'lambda-layer-added',
  event: { time: '2026-03-14T09:00:00Z' },
  function: { arn: ARN },
  layers: {
    before: [DEPS],
    after: [DEPS, EVIL],
    added: [EVIL],
    removed: [],
    versionChanged: [],
    baseline: 'known',
  },
  layer: { versionArn: EVIL },
  ...change,
});

describe('requestOfFinding', () => {
  it('takes the added layers, the layers before and the time of the attach', () => {
    expect(requestOfFinding(finding())).toEqual({
      functionArn: ARN,
      subjects: [EVIL],
      before: [DEPS],
      since: '2026-03-14T09:00:00Z',
      findingId: 'f1',
    });
  });

  it('reads the JSON alert that wraps the finding', () => {
    expect(requestOfFinding({ subject: 'x', finding: finding() })).toMatchObject({ findingId: 'f1' });
  });

  it.each([
    [
      'the new side of a version change',
      {
        layers: {
          added: [],
          versionChanged: [{ layerArn: 'x', from: DEPS, to: layer('deps', 4) }],
          before: [DEPS],
          baseline: 'known',
        },
      },
      [layer('deps', 4)],
    ],
    ["the finding's layer when nothing was added (a version or alias finding)", { layers: null }, [EVIL]],
  ])('takes %s', (_name, change, subjects) => {
    expect(requestOfFinding(finding(change))).toMatchObject({ subjects });
  });

  it('does not trust layers before an unknown baseline', () => {
    expect(requestOfFinding(finding({ layers: { ...finding().layers, baseline: 'unknown' } }))).toMatchObject(
      { before: null },
    );
  });

  it.each([
    ['no finding', { hello: 1 }, 'not a layerwatch finding'],
    ['no function', finding({ function: null }), 'names no function'],
    ['a function that is no ARN', finding({ function: { arn: 'pay; rm -rf /' } }), 'names no function'],
    ['a layer that is no ARN', finding({ layers: { added: ['$(id)'] } }), 'not a list of layer version ARNs'],
    ['no layer at all', finding({ layers: { added: [] }, layer: null }), 'names no layer version'],
  ])('refuses %s', (_name, value, words) => {
    expect(requestOfFinding(value)).toEqual(expect.stringContaining(words));
  });
});

describe('requestOfFunction', () => {
  it.each([
    ['pay', [EVIL], 'is not a function ARN'],
    [ARN, ['evil'], 'is not a layer version ARN'],
    [ARN, [], 'needs the layer versions'],
  ])('refuses %s %o', (fn, layers, words) => {
    expect(requestOfFunction(fn, layers, null)).toEqual(expect.stringContaining(words));
  });

  it('takes a qualified ARN as its function', () => {
    expect(requestOfFunction(`${ARN}:prod`, [EVIL], null)).toMatchObject({
      functionArn: ARN,
      subjects: [EVIL],
    });
  });
});
