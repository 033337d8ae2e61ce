import { recordState } from '../../../lambda/domain/baseline.js';
import { winnerChanges } from '../../../lambda/domain/detections/layer-reordered.js';
import { type Analysis, analyze } from '../../../lambda/domain/engine.js';
import { observationEvent } from '../../../lambda/domain/observation.js';
import {
  functionArn,
  identities,
  layerArn,
  OTHER_ACCOUNT,
  updateFunctionConfiguration,
} from '../../support/records.js';
import { eventOf } from '../../support/run.js';
import { expectValidFinding } from '../../support/schema.js';

const A = layerArn('a', 1);
const B = layerArn('b', 2);
const X = layerArn('x', 3, OTHER_ACCOUNT);
const fn = functionArn('orders');

/** A function known with `before`, then an event setting `after`, with the layers' paths when given. */
function reorder(
  before: string[],
  after: string[],
  layerPaths?: Record<string, string[]>,
  identity = identities.iamUser(),
): Analysis {
  const baseline = recordState(null, fn, {
    layers: before,
    eventTime: '2026-03-14T09:00:00Z',
    eventId: 'e0',
    source: 'event',
  });
  const event = eventOf(
    updateFunctionConfiguration('orders', { layers: after, time: '2026-03-14T09:05:00Z', identity }),
  );
  return analyze(event, { baseline, live: { status: 'not-read' }, layerPaths });
}

const matched = (a: Analysis) => a.verdicts.filter((v) => v.status === 'match').map((v) => v.detectionId);

describe('lambda-layer-reordered', () => {
  it('fires alone on a pure reorder (no other detection), and not on the same order', () => {
    const a = reorder([A, B], [B, A], { [A]: ['python/x.py'], [B]: ['nodejs/y.js'] });
    expect(matched(a)).toEqual(['lambda-layer-reordered']);
    expect(a.finding?.layers).toMatchObject({ before: [A, B], after: [B, A], added: [], removed: [] });
    expect(a.finding?.remediation.revertCommand).toMatch(/--layers \S+:layer:a:1 \S+:layer:b:2$/);
    expect(a.finding?.remediation.nextSteps.join('\n')).toMatch(/new layer order was planned/);
    expectValidFinding(a.finding);
    expect(reorder([A, B], [A, B]).finding).toBeNull();
  });

  it('is low when the layers share no path', () => {
    const f = reorder([A, B], [B, A], { [A]: ['python/x.py'], [B]: ['nodejs/y.js'] }).finding;
    expect(f?.severity).toBe('low');
    expect(f?.riskScore).toBe(20);
    expect(f?.reasons.join('\n')).toMatch(/share no file/);
    expect(f?.gaps).toEqual([]);
  });

  it('is low to medium when shared ordinary files change winner', () => {
    const f = reorder([A, B], [B, A], { [A]: ['python/lib.py'], [B]: ['python/lib.py'] }).finding;
    expect(f?.reasons.join('\n')).toMatch(
      /1 file\(s\) in \/opt now come from another layer, e\.g\. \/opt\/python\/lib\.py/,
    );
    expect(f?.riskScore).toBeGreaterThan(20);
    expect(f?.riskScore).toBeLessThan(60);
  });

  it('is high when a decisive path (an extension) changes winner, and names the new winner', () => {
    const paths = { [A]: ['extensions/agent', 'python/a.py'], [X]: ['extensions/agent'] };
    const a = reorder([X, A], [A, X], paths);
    expect(a.finding?.title).toBe('Layers of orders reordered: x:3 now wins /opt/extensions/agent');
    expect(a.finding?.severity).toMatch(/high|critical/);
    expect(a.finding?.reasons.join('\n')).toMatch(
      /\/opt\/extensions\/agent now comes from x:3 instead of a:1/,
    );
    expect(a.finding?.provenance.map((p) => p.relation)).toEqual(['external']);
    expectValidFinding(a.finding);
    // The same reorder by CloudFormation still ranks high: the floor holds.
    const deploy = reorder([X, A], [A, X], paths, identities.deployRole());
    expect(deploy.finding?.riskScore).toBeGreaterThanOrEqual(60);
  });

  it('says the overlap is unknown when the paths were not read (the offline scanner), ranked medium', () => {
    const f = reorder([A, B], [B, A]).finding;
    expect(f?.detectionId).toBe('lambda-layer-reordered');
    expect(f?.severity).toBe('medium');
    expect(f?.gaps).toEqual([
      'layer file lists not read (b:2, a:1): the overlap of the reordered layers is unknown',
    ]);
    const partial = reorder([A, B], [B, A], { [A]: ['python/x.py'] }).finding;
    expect(partial?.gaps).toEqual([
      'layer file lists not read (b:2): the overlap of the reordered layers is unknown',
    ]);
  });

  it('leaves a reorder with an add, a removal or a version change to those detections', () => {
    expect(reorder([A, B], [B, A, X]).finding?.detectionId).toBe('lambda-layer-added');
    expect(reorder([A, B, X], [B, A]).finding?.detectionId).toBe('lambda-layer-removed');
    expect(reorder([A, B], [layerArn('b', 3), A]).finding?.detectionId).toBe('lambda-layer-version-changed');
  });

  it('reports a reorder the drift sweep finds', () => {
    const baseline = recordState(null, fn, {
      layers: [A, B],
      eventTime: '2026-03-14T09:00:00Z',
      eventId: 'e0',
      source: 'observed',
    });
    const event = observationEvent(
      {
        fn: { arn: fn, name: 'orders', account: '111122223333', region: 'us-east-1', partition: 'aws' },
        layers: [B, A],
        runtime: null,
        role: null,
        observedAt: '2026-03-15T09:00:00Z',
      },
      'run-1',
    );
    const a = analyze(event, { baseline, live: { status: 'not-read' } });
    expect(matched(a)).toEqual(['lambda-layer-reordered']);
    expect(a.finding?.reasons.join('\n')).toMatch(/no event seen so far set this order/);
  });
});

describe('winnerChanges', () => {
  it('takes the last layer holding a path as its winner, for each order', () => {
    const paths = {
      [A]: ['bootstrap', 'lib/x.so'],
      [B]: ['bootstrap', 'lib/x.so'],
      [X]: ['lib/x.so'],
    };
    // X is last in both orders: lib/x.so keeps its winner; bootstrap moves from B to A.
    expect(winnerChanges([A, B, X], [B, A, X], paths)).toEqual([
      { path: 'bootstrap', from: B, to: A, decisive: true },
    ]);
    expect(winnerChanges([A, B], [B, A], { [A]: ['a'], [B]: ['b'] })).toEqual([]);
  });
});
