/**
 * The layer diff, the layer key, the score and the ARN parsers run on every event, written to
 * allocate little (plain loops, no rebuilt strings); they answer exactly as their earlier
 * map/filter/spread and template forms, kept here as the reference, for any input: duplicates,
 * malformed entries, versions on one side only, caps and floors in any mix, near-ARNs.
 */
import fc from 'fast-check';
import { layerKey, parseFunctionArn, parseLayerArn } from '../../../lambda/domain/arn.js';
import { diffLayers, type LayerDiff, type VersionChange } from '../../../lambda/domain/layers.js';
import { type Score, type Signal, score } from '../../../lambda/domain/scoring.js';
import { severityOf } from '../../../lambda/domain/severity.js';

const LAYER_ARN =
  /^arn:([a-z0-9-]{1,32}):lambda:([a-z0-9-]{1,64}):(\d{12}):layer:([A-Za-z0-9_-]{1,140})(?::(\d{1,10}))?$/;
const FUNCTION_ARN =
  /^arn:([a-z0-9-]{1,32}):lambda:([a-z0-9-]{1,64}):(\d{12}):function:([A-Za-z0-9_-]{1,170})(?::(\$LATEST(?:\.PUBLISHED)?|[A-Za-z0-9_-]{1,128}))?$/;

function referenceLayerArn(value: string) {
  const m = LAYER_ARN.exec(value);
  if (!m) return null;
  const [, partition = '', region = '', account = '', name = '', version] = m;
  const parsedVersion = version === undefined ? null : Number(version);
  return {
    partition,
    region,
    account,
    name,
    version: parsedVersion !== null && Number.isSafeInteger(parsedVersion) ? parsedVersion : null,
    layerArn: `arn:${partition}:lambda:${region}:${account}:layer:${name}`,
  };
}

function referenceFunctionArn(value: string) {
  const m = FUNCTION_ARN.exec(value);
  if (!m) return null;
  const [, partition = '', region = '', account = '', name = '', qualifier] = m;
  return {
    partition,
    region,
    account,
    name,
    qualifier: qualifier ?? null,
    arn: `arn:${partition}:lambda:${region}:${account}:function:${name}`,
  };
}

function referenceKey(value: string): string {
  return referenceLayerArn(value)?.layerArn ?? value;
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
    'arn:aws:lambda:layer:111122223333:layer:a:1',
    'arn:aws:lambda:layer:111122223333:layer:evil:1',
    'arn:layer:lambda:us-east-1:111122223333:layer:evil:2',
    'arn:layer:lambda:layer:111122223333:layer:layer:3',
    'arn:aws:lambda:us-east-1:111122223333:layer:a:1:2',
    'arn:aws:lambda:us-east-1:111122223333:function:a:1',
    'arn:aws:lambda:us-east-1:1111:layer:a:1',
    'not an arn',
    '',
  ),
  fc.string(),
);

/** Function ARNs and near-ARNs: qualifiers of every form, and strings one character off. */
const functionArn = fc.oneof(
  fc.constantFrom(
    'arn:aws:lambda:us-east-1:111122223333:function:f',
    'arn:aws:lambda:us-east-1:111122223333:function:f:prod',
    'arn:aws:lambda:us-east-1:111122223333:function:f:7',
    'arn:aws:lambda:us-east-1:111122223333:function:f:$LATEST',
    'arn:aws:lambda:us-east-1:111122223333:function:f:$LATEST.PUBLISHED',
    'arn:aws:lambda:us-east-1:111122223333:function:f:$LATEST.X',
    'arn:aws:lambda:us-east-1:111122223333:function:f:a:b',
    'arn:aws-us-gov:lambda:us-gov-west-1:111122223333:function:my_fn-2',
    'arn:aws:lambda:us-east-1:111122223333:layer:a:1',
    'arn:aws:lambda:us-east-1:11112222333:function:f',
  ),
  fc
    .tuple(
      fc.constantFrom('aws', 'aws-cn', 'AWS', '', 'layer', 'lambda'),
      fc.constantFrom('us-east-1', 'eu-west-1', 'x', '', 'layer', 'lambda'),
      fc.constantFrom('111122223333', '1', 'abcdefghijkl'),
      fc.constantFrom('function', 'layer'),
      fc.stringMatching(/^[A-Za-z0-9_$.:-]{0,12}$/),
    )
    .map(([p, r, a, t, rest]) => `arn:${p}:lambda:${r}:${a}:${t}:${rest}`),
  fc.string(),
);

describe('hot paths answer as their reference forms', () => {
  it('parseLayerArn', () => {
    fc.assert(
      fc.property(fc.oneof(entry, functionArn), (value) =>
        expect(parseLayerArn(value)).toEqual(referenceLayerArn(value)),
      ),
      { numRuns: 3000 },
    );
  });

  it('parseFunctionArn', () => {
    fc.assert(
      fc.property(fc.oneof(entry, functionArn), (value) =>
        expect(parseFunctionArn(value)).toEqual(referenceFunctionArn(value)),
      ),
      { numRuns: 3000 },
    );
  });

  it('layerKey', () => {
    fc.assert(
      fc.property(fc.oneof(entry, functionArn), (value) => expect(layerKey(value)).toBe(referenceKey(value))),
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
