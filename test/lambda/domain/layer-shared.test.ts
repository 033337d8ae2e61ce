import { severityRank } from '../../../lambda/domain/severity.js';
import { findingAfter } from '../../support/domain-scenarios.js';
import { ACCOUNT, addLayerVersionPermission, OTHER_ACCOUNT } from '../../support/records.js';

describe('lambda-layer-shared: who the layer is shared with', () => {
  const own = (partition: string) => `arn:${partition}:iam::${ACCOUNT}:root`;
  it.each([
    ['its own account, bare id', ACCOUNT, 'us-east-1'],
    ['its own account, as a root ARN', own('aws'), 'us-east-1'],
    ['its own account, as a root ARN in China', own('aws-cn'), 'cn-north-1'],
    ['its own account, as a root ARN in GovCloud', own('aws-us-gov'), 'us-gov-west-1'],
  ])('%s is its own account', (_n, principal, region) => {
    const finding = findingAfter([], addLayerVersionPermission('tools', 2, principal, { region }));
    expect(finding.title).toBe('Layer tools:2 shared with its own account');
    expect(finding.reasons).toContain('shared with its own account (-20)');
    expect(finding.permission?.principal).toBe(principal);
    expect(severityRank(finding.severity)).toBeLessThanOrEqual(severityRank('low'));
  });

  it.each([
    ['another account, bare id', OTHER_ACCOUNT, 'us-east-1'],
    ['another account, as a root ARN', `arn:aws:iam::${OTHER_ACCOUNT}:root`, 'us-east-1'],
    ['its own account id in another partition', `arn:aws-cn:iam::${ACCOUNT}:root`, 'us-east-1'],
    ['a role of its own account (not the account)', `arn:aws:iam::${ACCOUNT}:role/x`, 'us-east-1'],
  ])('%s is another account', (_n, principal, region) => {
    const finding = findingAfter([], addLayerVersionPermission('tools', 2, principal, { region }));
    expect(finding.title).toBe(`Layer tools:2 shared with account ${principal}`);
    expect(finding.reasons).toContain(`shared with another account (${principal}): at least medium (+15)`);
    expect(severityRank(finding.severity)).toBeGreaterThanOrEqual(severityRank('medium'));
  });
});
