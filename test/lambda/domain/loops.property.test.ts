/**
 * The layer diff, the layer key and the score are written as plain loops (they run on every event);
 * they answer exactly as their earlier map/filter/spread forms, kept here as the reference, for any
 * lists: duplicates, malformed entries, versions on one side only, caps and floors in any mix.
 */
import fc from 'fast-check';
import { layerKey, parseLayerArn } from '../../../lambda/domain/arn.js';
import { diffLayers, type LayerDiff, type VersionChange } from '../../../lambda/domain/layers.js';
import { type Score, type Signal, score } from '../../../lambda/domain/scoring.js';
import { severityOf } from '../../../lambda/domain/severity.js';

function referenceKey(value: string): string {
  return parseLayerArn(value)?.layerArn ?? value;
}

function referenceDiff(before: readonly string[], after: readonly string[]): LayerDiff {
  const beforeKeys = before.map(referenceKey);
  const afterKeys = after.map(referenceKey);
  const beforeByKey = new Map(before.map((arn, i) => [beforeKeys[i] as string, arn]));
  const afterByKey = new Map(after.map((arn, i) => [afterKeys[i] as string, arn]));
  const added = after.filter((_, i) => !beforeByKey.has(afterKeys[i] as string));
  const removed = before.filter((_, i) => !afterByKey.has(beforeKeys[i] as string));
  const versionChanged: VersionChange[] = [];
  for (const [key, to] of afterByKey) {
    const from = beforeByKey.get(key);
    if (from !== undefined && from !== to) versionChanged.push({ layerArn: key, from, to });
  }
  const a = beforeKeys.filter((key) => afterByKey.has(key));
  const b = afterKeys.filter((key) => beforeByKey.has(key));
  const reordered = a.some((key, i) => key !== b[i]);
  return { added, removed, versionChanged, reordered };
}

function referenceScore(base: number, baseReason: string, signals: readonly Signal[]): Score {
  let total = Math.max(0, Math.min(100, Math.round(signals.reduce((sum, s) => sum + s.points, base))));
  const caps = signals.map((s) => s.maxScore).filter((x): x is number => x !== undefined);
  const floors = signals.map((s) => s.minScore).filter((x): x is number => x !== undefined);
  if (caps.length > 0) total = Math.min(total, ...caps);
  if (floors.length > 0) total = Math.max(total, ...floors);
  const signed = (p: number) => (p > 0 ? `+${p}` : String(p));
  const reasons = [
    baseReason,
    ...signals.map((s) => (s.points === 0 ? s.reason : `${s.reason} (${signed(s.points)})`)),
  ];
  return { riskScore: total, severity: severityOf(total), reasons };
}

/** Layer entries from a small pool, so that lists share keys, versions and duplicates. */
const entry = fc.oneof(
  fc.constantFrom(
    'arn:aws:lambda:us-east-1:111122223333:layer:a:1',
    'arn:aws:lambda:us-east-1:111122223333:layer:a:2',
    'arn:aws:lambda:us-east-1:111122223333:layer:a',
    'arn:aws:lambda:us-east-1:444455556666:layer:a:1',
    'arn:aws:lambda:eu-west-1:111122223333:layer:b:7',
    'arn:aws:lambda:eu-west-1:111122223333:layer:b:99999999999',
    'arn:aws-cn:lambda:cn-north-1:111122223333:layer:c_d-e:3',
    'arn:aws:lambda:us-east-1:111122223333:layer:a:1:2',
    'arn:aws:lambda:us-east-1:111122223333:function:a:1',
    'arn:aws:lambda:us-east-1:1111:layer:a:1',
    'not an arn',
    '',
  ),
  fc.string(),
);

describe('loops answer as their reference forms', () => {
  it('layerKey', () => {
    fc.assert(
      fc.property(entry, (value) => expect(layerKey(value)).toBe(referenceKey(value))),
      { numRuns: 2000 },
    );
  });

  it('diffLayers', () => {
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 8 }), fc.array(entry, { maxLength: 8 }), (before, after) =>
        expect(diffLayers(before, after)).toEqual(referenceDiff(before, after)),
      ),
      { numRuns: 5000 },
    );
  });

  it('score', () => {
    const points = fc.oneof(fc.integer({ min: -60, max: 60 }), fc.double({ noNaN: false }));
    const signal = fc.record(
      {
        id: fc.string(),
        points,
        reason: fc.string(),
        minScore: fc.integer({ min: 0, max: 100 }),
        maxScore: fc.integer({ min: 0, max: 100 }),
      },
      { requiredKeys: ['id', 'points', 'reason'] },
    );
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 100 }),
        fc.string(),
        fc.array(signal, { maxLength: 10 }),
        (base, why, signals) => expect(score(base, why, signals)).toEqual(referenceScore(base, why, signals)),
      ),
      { numRuns: 3000 },
    );
  });
});
