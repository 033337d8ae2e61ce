import { DEFAULT_PUBLISHERS } from '../../../lambda/domain/publishers.js';
import {
  DEFAULT_SETTINGS,
  globMatch,
  parseSettings,
  SettingsError,
} from '../../../lambda/domain/settings.js';
import { suppressionOf } from '../../../lambda/domain/suppression.js';
import { ACCOUNT, layerArn, OTHER_ACCOUNT, updateFunctionConfiguration } from '../../support/records.js';
import { analyzeAfter } from '../../support/run.js';

describe('parseSettings', () => {
  it('defaults everything', () => {
    expect(parseSettings(undefined)).toEqual(DEFAULT_SETTINGS);
    expect(parseSettings({})).toEqual(DEFAULT_SETTINGS);
  });

  it('adds your publishers to the sourced registry, every entry with a source', () => {
    const s = parseSettings({
      knownPublishers: [
        { account: '123456789012', name: 'Vendor', source: 'https://vendor.example/accounts' },
      ],
    });
    expect(s.knownPublishers).toHaveLength(DEFAULT_PUBLISHERS.length + 1);
    for (const p of s.knownPublishers) expect(p.source).toMatch(/^https:\/\//);
  });

  it.each([
    ['not an object', [], /settings must be an object/],
    ['an unknown key', { minSeverity: 'low', typo: 1 }, /unknown key\(s\) typo/],
    ['an unknown suppress key', { suppress: { roles: [] } }, /suppress: unknown key\(s\) roles/],
    [
      'a bad account',
      { organizationAccounts: ['12345'] },
      /organizationAccounts: "12345" is not a 12-digit account id/,
    ],
    ['a non-list', { deployPrincipals: 'arn:aws:iam::1:role/x' }, /deployPrincipals must be a list/],
    [
      'a publisher without source',
      { knownPublishers: [{ account: '123456789012', name: 'V', source: '' }] },
      /source/,
    ],
    [
      'a publisher with a bad account',
      { knownPublishers: [{ account: 'x', name: 'V', source: 's' }] },
      /12-digit/,
    ],
    ['publishers not a list', { knownPublishers: {} }, /knownPublishers must be a list/],
    ['a bad severity', { minSeverity: 'urgent' }, /minSeverity must be one of/],
    ['a zero window', { correlationWindowMinutes: 0 }, /correlationWindowMinutes/],
  ])('rejects %s with a message naming the key', (_n, value, message) => {
    expect(() => parseSettings(value)).toThrow(SettingsError);
    expect(() => parseSettings(value)).toThrow(message);
  });
});

describe('globMatch', () => {
  it.each([
    ['arn:aws:iam::*:role/deploy-*', 'arn:aws:iam::111122223333:role/deploy-prod', true],
    ['arn:aws:iam::*:role/deploy-*', 'arn:aws:iam::111122223333:role/admin', false],
    ['exact', 'exact', true],
    ['a.b', 'axb', false],
    ['*', '', true],
  ])('%s ~ %s: %s', (pattern, value, expected) => {
    expect(globMatch(pattern, value)).toBe(expected);
  });
});

describe('suppressionOf', () => {
  // Same-account layer by an IAM user with a long-term key: 50+0+10+10-5 = 65, high.
  const attack = updateFunctionConfiguration('sandbox-1', { layers: [layerArn('x', 1)] });
  const finding = (settings: unknown) =>
    analyzeAfter([], attack, { status: 'not-read' }, { settings: parseSettings(settings) }).finding;

  it.each([
    ['principal', { suppress: { principals: [`arn:aws:iam::${ACCOUNT}:user/*`] } }, 'suppress.principals'],
    ['user agent', { suppress: { userAgents: ['aws-cli/*'] } }, 'suppress.userAgents'],
    ['function', { suppress: { functions: ['*:function:sandbox-*'] } }, 'suppress.functions'],
    ['layer owner', { suppress: { layerAccounts: [ACCOUNT] } }, 'suppress.layerAccounts'],
    ['threshold', { minSeverity: 'critical' }, 'minSeverity'],
  ])('suppresses by %s', (_n, settings, rule) => {
    expect(finding(settings)?.suppression?.rule).toBe(rule);
  });

  it.each([
    ['another principal', { suppress: { principals: ['arn:aws:iam::*:user/alice'] } }],
    ['another function', { suppress: { functions: ['*:function:prod-*'] } }],
    ['another layer owner', { suppress: { layerAccounts: [OTHER_ACCOUNT] } }],
    ['a lower threshold', { minSeverity: 'medium' }],
  ])('keeps a finding that only matches %s', (_n, settings) => {
    expect(finding(settings)?.suppression).toBeNull();
  });

  it('is not decided by the renderer: the finding itself carries the suppression', () => {
    const f = finding({ minSeverity: 'critical' });
    expect(f && suppressionOf(f, parseSettings({ minSeverity: 'critical' }))).toEqual(f?.suppression);
  });
});
