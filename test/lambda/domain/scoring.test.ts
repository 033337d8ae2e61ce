import { normalize } from '../../../lambda/domain/cloudtrail.js';
import type { EventMeta } from '../../../lambda/domain/model.js';
import { actorSignals, layerOriginSignals, score } from '../../../lambda/domain/scoring.js';
import { isSeverity, severityOf } from '../../../lambda/domain/severity.js';
import {
  ACCOUNT,
  addLayerVersionPermission,
  identities,
  layerArn,
  OTHER_ACCOUNT,
  type Rec,
  updateFunctionConfiguration,
} from '../../support/records.js';
import { analyzeAfter } from '../../support/run.js';

function actorOf(identity: Rec) {
  const r = normalize(updateFunctionConfiguration('f', { layers: [], identity }));
  if (r.status !== 'relevant') throw new Error(r.reason);
  return { actor: r.event.actor, meta: r.event.meta as EventMeta };
}

const ids = (identity: Rec) => {
  const { actor, meta } = actorOf(identity);
  return actorSignals(actor, meta).map((s) => s.id);
};

describe('actorSignals', () => {
  it.each([
    ['an IAM user with a long-term key', identities.iamUser(), ['actor-iam-user', 'actor-long-term-key']],
    [
      'the root user',
      {
        type: 'Root',
        arn: `arn:aws:iam::${ACCOUNT}:root`,
        accountId: ACCOUNT,
        accessKeyId: 'ASIAROOTSESSION00001',
      },
      ['actor-root'],
    ],
    ['CloudFormation on behalf of a role', identities.deployRole(), ['actor-deploy-service']],
    ['an SSO session (temporary credentials)', identities.ssoAdmin(), []],
    [
      'a caller from another account',
      { ...identities.ssoAdmin(), accountId: OTHER_ACCOUNT },
      ['actor-cross-account'],
    ],
    ['no identity at all', {}, []],
  ])('%s', (_n, identity, expected) => {
    expect(ids(identity)).toEqual(expected);
  });
});

describe('layerOriginSignals', () => {
  it.each([
    ['same account', [layerArn('a', 1)], []],
    ['another account', [layerArn('a', 1, OTHER_ACCOUNT)], ['layer-external-account']],
    ['not an ARN', ['garbage'], ['layer-unparseable']],
  ])('%s', (_n, added, expected) => {
    expect(layerOriginSignals(added, ACCOUNT).map((s) => s.id)).toEqual(expected);
  });
});

describe('score', () => {
  it('adds signal points to the base, clamps to 0-100 and lists one reason per signal', () => {
    expect(score(50, 'base', [{ id: 'a', points: 80, reason: 'up' }])).toEqual({
      riskScore: 100,
      severity: 'critical',
      reasons: ['base', 'up (+80)'],
    });
    expect(
      score(10, 'base', [
        { id: 'a', points: -30, reason: 'down' },
        { id: 'b', points: 0, reason: 'note' },
      ]),
    ).toEqual({
      riskScore: 0,
      severity: 'informational',
      reasons: ['base', 'down (-30)', 'note'],
    });
  });

  it.each([
    [0, 'informational'],
    [19, 'informational'],
    [20, 'low'],
    [40, 'medium'],
    [60, 'high'],
    [80, 'critical'],
    [100, 'critical'],
  ])('score %d is %s', (value, severity) => {
    expect(severityOf(value)).toBe(severity);
    expect(isSeverity(severity)).toBe(true);
  });

  it('ranks a share with the layer owner account lowest of the shares', () => {
    const own = analyzeAfter(
      [],
      addLayerVersionPermission('t', 1, ACCOUNT, { identity: identities.ssoAdmin() }),
    ).finding;
    const external = analyzeAfter(
      [],
      addLayerVersionPermission('t', 1, OTHER_ACCOUNT, { identity: identities.ssoAdmin() }),
    ).finding;
    expect(own?.riskScore).toBeLessThan(external?.riskScore ?? 0);
    expect(own?.reasons.join(' ')).toMatch(/its own account/);
  });

  it('ranks root adding an external layer critical', () => {
    const root = {
      type: 'Root',
      arn: `arn:aws:iam::${ACCOUNT}:root`,
      accountId: ACCOUNT,
      accessKeyId: 'AKIAROOTKEY000000001',
    };
    const { finding } = analyzeAfter(
      [],
      updateFunctionConfiguration('f', { layers: [layerArn('x', 1, OTHER_ACCOUNT)], identity: root }),
    );
    expect(finding?.severity).toBe('critical');
  });
});
