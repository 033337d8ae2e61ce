import type { Baseline } from '../../../lambda/domain/baseline.js';
import { recordQualifiers } from '../../../lambda/domain/qualifiers.js';
import {
  SWEEP_MAX_VERSION_READS,
  type SweptAlias,
  sweptActivation,
  sweptAliasEvents,
  versionsToSweep,
} from '../../../lambda/domain/sweep-qualifiers.js';
import { functionArn, layerArn } from '../../support/records.js';

const fn = {
  arn: functionArn('pay'),
  name: 'pay',
  account: '111122223333',
  region: 'us-east-1',
  partition: 'aws',
};
const at = '2026-03-14T10:00:00Z';
const DEP = layerArn('shared-deps', 3);
const IMPLANT = layerArn('perf-monitor-extension', 1, '444455556666');

function baselineWith(aliases: SweptAlias[], versions: string[] = [], deleted?: string): Baseline {
  let q = recordQualifiers(undefined, {
    observed: versions.map((version) => ({ version, layers: [DEP], eventTime: at, eventId: `v${version}` })),
  });
  for (const a of aliases)
    q = recordQualifiers(q, { alias: { ...a, eventTime: at, eventId: `a-${a.alias}`, deleted: false } });
  if (deleted) q = recordQualifiers(q, { deleted });
  return { functionArn: fn.arn, states: [], truncated: false, qualifiers: q };
}

const prod = (version: string, weights: Record<string, number> = {}): SweptAlias => ({
  alias: 'prod',
  version,
  weights,
});

describe('sweptAliasEvents', () => {
  it.each([
    ['unchanged, weights in another order', [prod('1', { '2': 0.1, '3': 0.2 })], false, []],
    ['moved', [prod('2')], false, ['UpdateAlias prod']],
    ['weighted', [prod('1', { '2': 0.1 })], false, ['UpdateAlias prod']],
    ['gone from a complete listing', [], false, ['DeleteAlias prod']],
    ['absent from a listing past its bound (not known to be gone)', [], true, []],
    [
      'beside one never known',
      [prod('1', { '3': 0.2, '2': 0.1 }), { ...prod('4'), alias: 'new' }],
      false,
      ['UpdateAlias new'],
    ],
  ])('%s', (_, aliases, more, expected) => {
    const known = baselineWith([prod('1', { '3': 0.2, '2': 0.1 })]);
    const events = sweptAliasEvents(fn, known, { aliases, more }, 'run', at);
    expect(events.map((e) => `${e.kind} ${e.alias}`)).toEqual(expected);
    for (const e of events) expect(e.meta).toMatchObject({ name: 'LayerwatchDriftSweep', time: at });
  });
});

describe('versionsToSweep', () => {
  it('reads only versions an alias reaches that are neither kept nor deleted, a bounded number a run', () => {
    const many = Array.from({ length: 12 }, (_, i) => ({
      alias: `a${i}`,
      version: String(i + 10),
      weights: {},
    }));
    expect(versionsToSweep(baselineWith([], ['10'], '11'), [...many, prod('$LATEST')])).toEqual({
      read: ['12', '13', '14', '15', '16', '17', '18', '19'].slice(0, SWEEP_MAX_VERSION_READS),
      beyond: ['20', '21'],
    });
  });
});

describe('sweptActivation', () => {
  it.each([
    ['a version never seen', { version: '2', layers: [DEP] }, 'PublishVersion'],
    ['a version kept as activated', { version: '1', layers: [DEP] }, null],
    ['republished in place, the same layers', { version: '$LATEST.PUBLISHED', layers: [DEP] }, null],
    [
      'republished in place, other layers',
      { version: '$LATEST.PUBLISHED', layers: [DEP, IMPLANT] },
      'PublishVersion',
    ],
    ['no version', { version: null, layers: [DEP] }, 'gap'],
    ['$LATEST', { version: '$LATEST', layers: [DEP] }, 'gap'],
  ])('%s', (_, read, expected) => {
    let qualifiers = recordQualifiers(undefined, {
      version: { version: '1', layers: [DEP], eventTime: at, eventId: 'p1', publishTo: 'LATEST_PUBLISHED' },
    });
    qualifiers = recordQualifiers(qualifiers, {
      version: {
        version: '$LATEST.PUBLISHED',
        layers: [DEP],
        eventTime: at,
        eventId: 'p2',
        publishTo: 'LATEST_PUBLISHED',
      },
    });
    const known: Baseline = { functionArn: fn.arn, states: [], truncated: false, qualifiers };
    const out = sweptActivation(fn, known, read, 'run', at);
    expect(out === null ? null : typeof out === 'string' ? 'gap' : out.kind).toBe(expected);
  });
});
