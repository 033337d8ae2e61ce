import { normalize } from '../../../lambda/domain/cloudtrail.js';
import type { Finding } from '../../../lambda/domain/finding.js';
import { History } from '../../../lambda/domain/history.js';
import { emailText } from '../../../lambda/domain/render/email.js';
import { identities, layerArn, type Rec, updateFunctionConfiguration } from '../../support/records.js';
import {
  createAlias,
  deleteAlias,
  publishVersion,
  updateAlias,
  updateFunctionCodePublished,
} from '../../support/version-records.js';

const DEP = layerArn('shared-deps', 3);
const IMPLANT = layerArn('perf-monitor-extension', 1, '444455556666');

const minute = (m: number) => ({ time: `2026-03-14T10:${String(m).padStart(2, '0')}:00Z` });
const deploy = { identity: identities.deployRole() };

/** Replays records in order; returns each finding's detection id (or null). */
function replay(records: Rec[]): (string | null)[] {
  const history = new History();
  return records.map((r) => {
    const n = normalize(r);
    if (n.status !== 'relevant') throw new Error(`${String(r.eventName)}: ${n.status}`);
    return history.next(n.event).finding?.detectionId ?? null;
  });
}

function findings(records: Rec[]) {
  const history = new History();
  return records.map((r) => {
    const n = normalize(r);
    if (n.status !== 'relevant') throw new Error(n.status);
    return history.next(n.event).finding;
  });
}

/** A function deployed the usual way: one layer, version 1, alias prod on it. */
const deployed = (): Rec[] => [
  updateFunctionConfiguration('pay', { layers: [DEP], ...minute(0), ...deploy }),
  publishVersion('pay', '1', { layers: [DEP], ...minute(1), ...deploy }),
  createAlias('pay', 'prod', '1', { ...minute(2), ...deploy }),
];

describe('versions and aliases, replayed in order', () => {
  it('attach, publish, repoint, detach: each step says where the layer runs', () => {
    const out = findings([
      ...deployed(),
      updateFunctionConfiguration('pay', { layers: [DEP, IMPLANT], ...minute(10) }),
      publishVersion('pay', '2', { layers: [DEP, IMPLANT], ...minute(11) }),
      updateAlias('pay', 'prod', '2', minute(12)),
      updateFunctionConfiguration('pay', { layers: [DEP], ...minute(13) }),
    ]);
    expect(out.map((f) => f?.detectionId ?? null)).toEqual([
      'lambda-layer-added',
      null,
      null,
      'lambda-layer-added',
      'lambda-version-published-with-layer',
      'lambda-alias-routes-to-layer',
      'lambda-layer-still-runs',
    ]);
    const [publish, alias, detach] = out.slice(4);
    expect(publish?.title).toContain(
      'Version 2 of pay freezes layer perf-monitor-extension:1 (version 1 did not run it)',
    );
    expect(publish?.related).toContain(out[3]?.event.id);
    expect(publish?.provenance.map((p) => p.versionArn)).toEqual([IMPLANT]);
    expect(alias?.title).toContain('Alias prod of pay sends its traffic to version 2 (was 1)');
    expect(detach?.title).toContain('still runs in alias prod (version 2, 100 %)');
    // Scored as the layer (a foreign account's layer), not as a removal.
    expect(detach?.riskScore).toBeGreaterThanOrEqual(alias?.riskScore ?? 0);
    expect(detach?.severity).not.toBe('low');
  });

  it('tells a weighted share of an alias sent to a version with a new layer', () => {
    const out = findings([
      ...deployed(),
      updateFunctionCodePublished('pay', '2', { layers: [DEP, IMPLANT], ...minute(10) }),
      updateAlias('pay', 'prod', '1', { weights: { '2': 0.05 }, ...minute(11) }),
    ]);
    expect(out[3]?.detectionId).toBe('lambda-version-published-with-layer');
    expect(out[4]?.detectionId).toBe('lambda-alias-routes-to-layer');
    expect(out[4]?.title).toContain('sends 5 % of its traffic to version 2 (was 1)');
  });

  it('stays quiet for a deploy that publishes the same layers and moves the alias', () => {
    expect(
      replay([
        ...deployed(),
        publishVersion('pay', '2', { layers: [DEP], ...minute(10), ...deploy }),
        updateAlias('pay', 'prod', '2', { ...minute(11), ...deploy }),
        updateAlias('pay', 'prod', '2', { weights: { '1': 0.1 }, ...minute(12), ...deploy }),
        deleteAlias('pay', 'prod', { ...minute(13), ...deploy }),
        createAlias('pay', 'prod', '2', { ...minute(14), ...deploy }),
      ]),
    ).toEqual([expect.any(String), null, null, null, null, null, null, null]);
  });

  it('tells a plain removal when no alias runs the layer, and a dropped layer the alias still runs', () => {
    expect(
      replay([
        ...deployed(),
        updateFunctionConfiguration('pay', { layers: [DEP, IMPLANT], ...minute(10), ...deploy }),
        updateFunctionConfiguration('pay', { layers: [DEP], ...minute(11), ...deploy }),
        updateFunctionConfiguration('pay', { layers: [], ...minute(12), ...deploy }),
      ]).slice(3),
    ).toEqual(['lambda-layer-added', 'lambda-layer-removed', 'lambda-layer-still-runs']);
  });

  it('judges a late alias event against the routing of its time, and a duplicate once', () => {
    const late = updateAlias('pay', 'prod', '2', minute(12));
    const records = [
      ...deployed(),
      updateFunctionConfiguration('pay', { layers: [DEP, IMPLANT], ...minute(10) }),
      publishVersion('pay', '2', { layers: [DEP, IMPLANT], ...minute(11) }),
      updateAlias('pay', 'prod', '1', { ...minute(20), ...deploy }),
      late,
      late,
    ];
    expect(replay(records).slice(5)).toEqual([
      null,
      'lambda-alias-routes-to-layer',
      'lambda-alias-routes-to-layer',
    ]);
  });
});

describe('Lambda Managed Instances', () => {
  it('scores the LATEST_PUBLISHED publish as the activation, and a later detach as still running there', () => {
    const out = findings([
      updateFunctionConfiguration('mi', { layers: [DEP], ...minute(0), ...deploy }),
      publishVersion('mi', '1', { layers: [DEP], publishTo: 'LATEST_PUBLISHED', ...minute(1), ...deploy }),
      updateFunctionConfiguration('mi', { layers: [DEP, IMPLANT], ...minute(10) }),
      publishVersion('mi', '2', { layers: [DEP, IMPLANT], publishTo: 'LATEST_PUBLISHED', ...minute(11) }),
      updateFunctionConfiguration('mi', { layers: [DEP], ...minute(12) }),
    ]);
    const [publish, detach] = out.slice(3);
    expect(publish?.detectionId).toBe('lambda-version-published-with-layer');
    expect(publish?.reasons.join('\n')).toContain('PublishTo LATEST_PUBLISHED (Lambda Managed Instances)');
    expect(publish?.runsIn).toContainEqual({ qualifier: '$LATEST.PUBLISHED', version: '2', share: 1 });
    expect(detach?.detectionId).toBe('lambda-layer-still-runs');
    expect(detach?.title).toContain('still runs in $LATEST.PUBLISHED (version 2)');
    expect(detach?.remediation.nextSteps.join('\n')).toContain('--publish-to LATEST_PUBLISHED');
    expect(emailText(detach as Finding)).toContain('Runs in:     $LATEST.PUBLISHED (version 2), version 2');
  });
});
