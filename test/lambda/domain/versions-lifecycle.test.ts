/**
 * A version deleted and an alias first seen, replayed in order: a deleted version is forgotten (no
 * later finding names it), and an alias created, re-created or first met is held against what
 * `$LATEST` and the other known versions run, by layer name.
 */
import { normalize } from '../../../lambda/domain/cloudtrail.js';
import type { Finding } from '../../../lambda/domain/finding.js';
import { History } from '../../../lambda/domain/history.js';
import { identities, layerArn, type Rec, updateFunctionConfiguration } from '../../support/records.js';
import {
  createAlias,
  deleteAlias,
  deleteVersion,
  publishVersion,
  updateAlias,
} from '../../support/version-records.js';

const DEP = layerArn('shared-deps', 3);
const DEP4 = layerArn('shared-deps', 4);
const IMPLANT = layerArn('perf-monitor-extension', 1, '444455556666');
const minute = (m: number) => ({ time: `2026-03-14T10:${String(m).padStart(2, '0')}:00Z` });
const deploy = { identity: identities.deployRole() };

function replay(records: Rec[]): { history: History; findings: (Finding | null)[] } {
  const history = new History();
  const findings = records.map((r) => {
    const n = normalize(r);
    if (n.status !== 'relevant') throw new Error(`${String(r.eventName)}: ${n.status}`);
    return history.next(n.event).finding;
  });
  return { history, findings };
}

const ids = (fs: (Finding | null)[]) => fs.map((f) => f?.detectionId ?? null);

/** The attacker's versions: the implant frozen into versions 2 and 3, then removed from $LATEST. */
const frozen = (): Rec[] => [
  updateFunctionConfiguration('pay', { layers: [DEP], ...minute(0), ...deploy }),
  publishVersion('pay', '1', { layers: [DEP], ...minute(1), ...deploy }),
  createAlias('pay', 'prod', '1', { ...minute(2), ...deploy }),
  updateFunctionConfiguration('pay', { layers: [DEP, IMPLANT], ...minute(10) }),
  publishVersion('pay', '2', { layers: [DEP, IMPLANT], ...minute(11) }),
];

describe('a deleted version', () => {
  it('is forgotten: a later finding does not say the layer runs in it', () => {
    const base = [
      ...frozen(),
      publishVersion('pay', '3', { layers: [DEP, IMPLANT], ...minute(12) }),
      updateAlias('pay', 'prod', '3', minute(13)),
    ];
    const kept = replay([...base, updateFunctionConfiguration('pay', { layers: [DEP], ...minute(15) })]);
    expect(kept.findings.at(-1)?.runsIn).toContainEqual({ qualifier: '2', version: '2', share: 1 });
    const { findings } = replay([
      ...base,
      deleteVersion('pay', '2', minute(14)),
      updateFunctionConfiguration('pay', { layers: [DEP], ...minute(15) }),
    ]);
    expect(ids(findings).slice(-2)).toEqual([null, 'lambda-layer-still-runs']);
    expect(findings.at(-1)?.runsIn).toEqual([
      { qualifier: 'prod', version: '3', share: 1 },
      { qualifier: '3', version: '3', share: 1 },
    ]);
    expect(findings.at(-1)?.remediation.nextSteps.join('\n')).not.toContain('--qualifier 2 ');
  });

  it('is not kept again from a late record of its publish', () => {
    const late = publishVersion('pay', '2', { layers: [DEP, IMPLANT], ...minute(11) });
    const { findings } = replay([
      ...frozen(),
      deleteVersion('pay', '2', minute(14)),
      late,
      updateFunctionConfiguration('pay', { layers: [DEP], ...minute(15) }),
    ]);
    // Nothing runs the implant any more: a plain removal.
    expect(findings.at(-1)?.detectionId).toBe('lambda-layer-removed');
    expect(findings.at(-1)?.runsIn ?? []).toEqual([]);
  });

  it('of a whole function (no qualifier) or by alias name forgets no version', () => {
    const alias = replay([...frozen(), deleteVersion('pay', 'prod', minute(14))]);
    const still = replay([
      ...frozen(),
      deleteVersion('pay', 'prod', minute(14)),
      updateAlias('pay', 'prod', '2', minute(15)),
    ]);
    expect(alias.findings.at(-1)).toBeNull();
    expect(still.findings.at(-1)?.detectionId).toBe('lambda-alias-routes-to-layer');
  });
});

describe('an alias first seen', () => {
  it('created on a version whose layer left $LATEST alerts, naming it first seen', () => {
    const { findings } = replay([
      ...frozen(),
      updateFunctionConfiguration('pay', { layers: [DEP], ...minute(12) }),
      createAlias('pay', 'backdoor', '2', minute(13)),
    ]);
    const f = findings.at(-1);
    expect(f?.detectionId).toBe('lambda-alias-routes-to-layer');
    expect(f?.title).toContain('Alias backdoor of pay sends its traffic to version 2 (first seen)');
    expect(f?.provenance.map((p) => p.versionArn)).toEqual([IMPLANT]);
    expect(f?.runsIn).toContainEqual({ qualifier: 'backdoor', version: '2', share: 1 });
  });

  it('re-created after DeleteAlias on such a version alerts too', () => {
    const { findings } = replay([
      ...frozen(),
      updateFunctionConfiguration('pay', { layers: [DEP], ...minute(12) }),
      deleteAlias('pay', 'prod', { ...minute(13), ...deploy }),
      createAlias('pay', 'prod', '2', { ...minute(14), ...deploy }),
    ]);
    expect(ids(findings).slice(-2)).toEqual([null, 'lambda-alias-routes-to-layer']);
  });

  it('stays quiet when $LATEST or another version runs the same layers, even at another version', () => {
    const { findings } = replay([
      updateFunctionConfiguration('pay', { layers: [DEP], ...minute(0), ...deploy }),
      publishVersion('pay', '1', { layers: [DEP], ...minute(1), ...deploy }),
      updateFunctionConfiguration('pay', { layers: [DEP4], ...minute(2), ...deploy }),
      createAlias('pay', 'old', '1', { ...minute(3), ...deploy }),
      createAlias('pay', 'canary', '1', { weights: { '1': 0.1 }, ...minute(4), ...deploy }),
    ]);
    expect(ids(findings).slice(3)).toEqual([null, null]);
  });

  it('is not judged when nothing is known of the function', () => {
    const { findings } = replay([createAlias('pay', 'prod', '7', minute(1))]);
    expect(findings).toEqual([null]);
  });
});

describe('Managed Instances, as Lambda answers a LATEST_PUBLISHED publish (version $LATEST.PUBLISHED)', () => {
  const inPlace = (layers: string[], m: number, o = {}) =>
    publishVersion('mi', '$LATEST.PUBLISHED', { layers, publishTo: 'LATEST_PUBLISHED', ...minute(m), ...o });

  it('judges each republish against what $LATEST.PUBLISHED ran before, and a detach that leaves it running', () => {
    const { findings } = replay([
      updateFunctionConfiguration('mi', { layers: [DEP], ...minute(0), ...deploy }),
      inPlace([DEP], 1, deploy),
      updateFunctionConfiguration('mi', { layers: [DEP, IMPLANT], ...minute(10) }),
      inPlace([DEP, IMPLANT], 11),
      inPlace([DEP, IMPLANT], 12),
      updateFunctionConfiguration('mi', { layers: [DEP], ...minute(13) }),
      inPlace([DEP], 14),
      updateFunctionConfiguration('mi', { layers: [], ...minute(15) }),
    ]);
    expect(ids(findings).slice(1)).toEqual([
      null,
      'lambda-layer-added',
      'lambda-version-published-with-layer',
      null,
      'lambda-layer-still-runs',
      null,
      // $LATEST.PUBLISHED still runs the dependency layer: removing it from $LATEST does not stop it.
      'lambda-layer-still-runs',
    ]);
    const publish = findings[3];
    expect(publish?.reasons.join('\n')).toContain('$LATEST.PUBLISHED was republished');
    expect(publish?.runsIn).toEqual([
      { qualifier: '$LATEST', version: null, share: 1 },
      { qualifier: '$LATEST.PUBLISHED', version: '$LATEST.PUBLISHED', share: 1 },
    ]);
    const detach = findings[5];
    expect(detach?.title).toContain('still runs in $LATEST.PUBLISHED');
    expect(detach?.title).not.toContain('(version $LATEST.PUBLISHED)');
    expect(detach?.remediation.nextSteps.join('\n')).not.toContain('--qualifier $LATEST.PUBLISHED');
    expect(detach?.remediation.nextSteps.join('\n')).toContain('--publish-to LATEST_PUBLISHED');
  });
});
