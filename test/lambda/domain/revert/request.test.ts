import {
  requestOfBaseline,
  requestOfFinding,
  requestOfFunction,
} from '../../../../lambda/domain/revert/request.js';
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
    ['a function that is no ARN', finding({ function: { arn: 'pay; rm -rf /' } }), 'names no function'],
    ['a layer that is no ARN', finding({ layers: { added: ['$(id)'] } }), 'not a list of layer version ARNs'],
  ])('refuses %s', (_name, value, words) => {
    expect(requestOfFinding(value)).toEqual(expect.stringContaining(words));
  });
});

describe('requestOfFinding: findings with nothing to revert', () => {
  it.each([
    [
      'a tampering call (no function)',
      finding({ detectionId: 'detector-tampered', function: null }),
      'is about no function',
    ],
    [
      'a removal (no layer added)',
      finding({ detectionId: 'lambda-layer-removed', layers: { added: [] }, layer: null }),
      'names no layer added',
    ],
  ])('skips %s, saying why', (_name, value, words) => {
    expect(requestOfFinding(value)).toEqual({ skipped: expect.stringContaining(words) });
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

describe('requestOfBaseline', () => {
  const state = (layers: string[], eventTime: string) => ({
    layers,
    eventTime,
    eventId: eventTime,
    source: 'event' as const,
  });
  const baseline = {
    functionArn: ARN,
    truncated: false,
    states: [
      state([DEPS], '2026-03-01T00:00:00Z'),
      state([DEPS, EVIL], '2026-03-14T09:00:00Z'),
      state([DEPS], '2026-03-14T10:00:00Z'),
    ],
  };

  it('takes the layers before the time and every layer added after it, even one since removed', () => {
    expect(requestOfBaseline(ARN, baseline, '2026-03-14T08:00:00Z')).toEqual({
      functionArn: ARN,
      subjects: [EVIL],
      before: [DEPS],
      since: '2026-03-14T08:00:00Z',
      findingId: null,
    });
  });

  it.each([
    ['no baseline', null, '2026-03-14T08:00:00Z', 'holds no baseline'],
    ['a time before every kept state', baseline, '2026-02-01T00:00:00Z', 'knows no state'],
    ['nothing added since', baseline, '2026-03-14T11:00:00Z', 'no layer added'],
  ])('refuses %s, saying why', (_name, b, since, words) => {
    expect(requestOfBaseline(ARN, b, since)).toEqual(expect.stringContaining(words));
  });
});
