import { layerOverlap } from '../../../../lambda/domain/inspection/layer-overlap.js';
import { dir, executable, file } from './entries.js';

const A = 'arn:aws:lambda:us-east-1:111111111111:layer:deps:3';
const B = 'arn:aws:lambda:us-east-1:222222222222:layer:evil:1';

describe('layer-overlap', () => {
  it('says which later layer shadows which earlier one, once per pair', () => {
    const signals = layerOverlap([
      { name: A, entries: [file('python/six.py'), file('python/requests/api.py'), dir('python')] },
      { name: B, entries: [file('python/requests/api.py'), file('./python/six.py'), dir('python')] },
    ]);
    expect(signals).toEqual([
      expect.objectContaining({
        id: 'layer-overlap',
        severity: 'low',
        layer: B,
        path: 'python/requests/api.py',
      }),
    ]);
    expect(signals[0]?.reason).toMatch(/position 2\) shadows 2 path\(s\) of .*deps:3 \(position 1\)/);
  });

  it('reports each shadowed file that decides what runs, at medium', () => {
    const signals = layerOverlap([
      {
        name: A,
        entries: [executable('extensions/agent'), file('python/sitecustomize.py'), executable('bootstrap')],
      },
      {
        name: B,
        entries: [executable('extensions/agent'), file('python/sitecustomize.py'), executable('bootstrap')],
      },
    ]);
    expect(signals.filter((s) => s.severity === 'medium').map((s) => s.path)).toEqual([
      'extensions/agent',
      'python/sitecustomize.py',
      'bootstrap',
    ]);
    expect(signals.filter((s) => s.severity === 'low')).toHaveLength(1);
  });

  it('names a few examples and counts the rest', () => {
    const paths = ['a', 'b', 'c', 'd', 'e'].map((n) => file(`python/${n}.py`));
    const [s] = layerOverlap([
      { name: A, entries: paths },
      { name: B, entries: paths },
    ]);
    expect(s?.reason).toMatch(/python\/a.py, python\/b.py, python\/c.py and 2 more$/);
  });

  it('attributes three layers pair by pair', () => {
    const C = 'arn:aws:lambda:us-east-1:333333333333:layer:c:1';
    const signals = layerOverlap([
      { name: A, entries: [file('x')] },
      { name: B, entries: [file('x')] },
      { name: C, entries: [file('x')] },
    ]);
    expect(signals.map((s) => s.layer)).toEqual([B, C]);
    expect(signals[1]?.reason).toContain('evil:1 (position 2)');
  });

  it('says nothing without a common file, or for shared directories', () => {
    expect(
      layerOverlap([
        { name: A, entries: [dir('python'), file('python/a.py')] },
        { name: B, entries: [dir('python'), file('python/b.py')] },
      ]),
    ).toEqual([]);
    expect(layerOverlap([{ name: A, entries: [file('x'), file('x')] }])).toEqual([]);
  });
});
