import { actorContext, toolingOf } from '../../../lambda/domain/actor.js';
import { provenanceOf } from '../../../lambda/domain/provenance.js';
import {
  actorSignals,
  correlationSignals,
  provenanceSignals,
  score,
} from '../../../lambda/domain/scoring.js';
import { DEFAULT_SETTINGS, type DetectionSettings, parseSettings } from '../../../lambda/domain/settings.js';
import { isSeverity, type Severity, severityOf, severityRank } from '../../../lambda/domain/severity.js';
import { at, deployed, eventBy, findingAfter, rootIdentity } from '../../support/domain-scenarios.js';
import {
  ACCOUNT,
  addLayerVersionPermission,
  identities,
  layerArn,
  OTHER_ACCOUNT,
  publishLayerVersion,
  type Rec,
  updateFunctionConfiguration,
} from '../../support/records.js';
import { analyzeAfter } from '../../support/run.js';

function actorIds(identity: Rec, extra: Rec = {}, settings: DetectionSettings = DEFAULT_SETTINGS): string[] {
  const e = eventBy(identity, extra);
  return actorSignals(e.actor, actorContext(e.actor, e.meta, settings)).map((s) => s.id);
}

const root = rootIdentity();

describe('actor signals', () => {
  it.each([
    [
      'an IAM user with a long-term key',
      identities.iamUser(),
      {},
      ['actor-human', 'actor-long-term-key', 'actor-tooling'],
    ],
    ['the root user', root, {}, ['actor-root', 'actor-long-term-key', 'actor-tooling']],
    [
      'CloudFormation on behalf of a role',
      identities.deployRole(),
      {},
      ['actor-deploy-service', 'actor-tooling'],
    ],
    ['an IAM Identity Center user', identities.ssoAdmin(), {}, ['actor-human', 'actor-tooling']],
    [
      'a caller from another account',
      { ...identities.deployRole(), invokedBy: undefined, accountId: OTHER_ACCOUNT },
      {},
      ['actor-cross-account', 'actor-tooling'],
    ],
    [
      'an IAM user in a console session without MFA',
      {
        ...identities.iamUser(),
        accessKeyId: 'ASIACONSOLESESSION01',
        sessionContext: { attributes: { mfaAuthenticated: 'false' } },
      },
      { sessionCredentialFromConsole: 'true', userAgent: 'console.amazonaws.com' },
      ['actor-human', 'actor-no-mfa', 'actor-tooling'],
    ],
    ['no identity at all', {}, { userAgent: undefined }, []],
  ])('%s', (_n, identity, extra, expected) => {
    expect(actorIds(identity, extra)).toEqual(expected);
  });

  it('lowers a known deploy role from settings, matched on the session issuer', () => {
    const role = { ...identities.deployRole(), invokedBy: undefined };
    const settings = parseSettings({
      deployPrincipals: [`arn:aws:iam::${ACCOUNT}:role/cdk-*-cfn-exec-role-*`],
    });
    expect(actorIds(role, {}, settings)).toContain('actor-deploy-principal');
    expect(actorIds(role, {}, DEFAULT_SETTINGS)).not.toContain('actor-deploy-principal');
  });

  it('names the SSO permission set', () => {
    const e = eventBy(identities.ssoAdmin());
    expect(actorContext(e.actor, e.meta, DEFAULT_SETTINGS)).toMatchObject({
      kind: 'sso-user',
      human: true,
      ssoPermissionSet: 'AdministratorAccess',
      credentials: 'temporary',
    });
  });

  it.each([
    ['cloudformation.amazonaws.com', 'CloudFormation'],
    ['aws-cdk/2.150.0 os/linux', 'AWS CDK'],
    [
      'APN/1.0 HashiCorp/1.0 Terraform/1.9.5 (+https://www.terraform.io) terraform-provider-aws/5.70.0',
      'Terraform',
    ],
    ['pulumi/3.130 aws-sdk-go/1.50', 'Pulumi'],
    ['aws-sdk-nodejs/2.1 linux/v20 serverless/4.4.0', 'Serverless Framework'],
    ['aws-sam-cli/1.120 boto3/1.34', 'AWS SAM'],
    ['console.amazonaws.com', 'AWS Management Console'],
    ['aws-cli/2.27.0 md/awscrt', 'AWS CLI'],
    ['Boto3/1.34.0 md/Botocore#1.34.0', 'AWS SDK (Python)'],
    ['my-script/1.0', null],
  ])('reads the tooling in %s', (ua, tool) => {
    expect(toolingOf(ua)).toBe(tool);
  });
});

describe('provenance signals', () => {
  const settings = parseSettings({ organizationAccounts: ['999988887777'] });
  it.each([
    ['same account', layerArn('a', 1), 'same-account', 'layer-same-account'],
    ['organization account', layerArn('a', 1, '999988887777'), 'organization', 'layer-organization-account'],
    [
      'known publisher (Lambda Insights)',
      'arn:aws:lambda:us-east-1:580247275435:layer:LambdaInsightsExtension:53',
      'known-publisher',
      'layer-known-publisher',
    ],
    ['unknown external account', layerArn('a', 1, OTHER_ACCOUNT), 'external', 'layer-external-account'],
    ['not an ARN', 'garbage', 'unknown', 'layer-unparseable'],
  ])('%s', (_n, arn, relation, signal) => {
    const p = provenanceOf(arn, ACCOUNT, settings, undefined);
    expect(p.relation).toBe(relation);
    expect(provenanceSignals([p]).map((s) => s.id)).toEqual([signal]);
  });

  it('reports what the lookup said: unreadable, deleted, public', () => {
    const denied = provenanceOf(layerArn('a', 1, OTHER_ACCOUNT), ACCOUNT, settings, {
      status: 'access-denied',
      message: 'AccessDeniedException',
    });
    const gone = provenanceOf(layerArn('b', 1, OTHER_ACCOUNT), ACCOUNT, settings, {
      status: 'not-found',
      message: 'ResourceNotFoundException',
    });
    const pub = provenanceOf(layerArn('c', 1, OTHER_ACCOUNT), ACCOUNT, settings, {
      status: 'ok',
      details: {
        description: 'x',
        createdDate: null,
        codeSize: 1,
        codeSha256: null,
        signingProfileVersionArn: null,
        signingJobArn: null,
        compatibleRuntimes: [],
      },
      sharing: 'public',
      sharedWith: ['*'],
    });
    const ids = provenanceSignals([denied, gone, pub]).map((s) => s.id);
    expect(ids).toEqual(['layer-external-account', 'layer-unreadable', 'layer-deleted', 'layer-public']);
  });
});

describe('correlation signals', () => {
  const v = layerArn('x', 2);
  const t0 = Date.parse('2026-03-14T09:00:00Z');
  it.each([
    ['same principal inside the window', 'me', t0 + 10 * 60_000, ['published-then-attached']],
    ['another principal inside the window', 'other', t0 + 10 * 60_000, ['recently-published']],
    ['same principal after the window', 'me', t0 + 61 * 60_000, []],
    ['a publish after the attach', 'me', t0 - 60_000, []],
  ])('%s', (_n, publisher, attachAt, expected) => {
    const r = correlationSignals(
      [v],
      'me',
      attachAt,
      [{ layerVersionArn: v, eventId: 'pub-1', actorKey: publisher, timeMs: t0 }],
      60,
    );
    expect(r.signals.map((s) => s.id)).toEqual(expected);
    expect(r.related).toEqual(expected.length > 0 ? ['pub-1'] : []);
  });
});

describe('score', () => {
  it('adds points, clamps, lists reasons (0-point signals without points)', () => {
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
    ).toEqual({ riskScore: 0, severity: 'informational', reasons: ['base', 'down (-30)', 'note'] });
  });

  it('caps at the lowest maxScore and raises to the highest minScore; floors win', () => {
    expect(score(90, 'b', [{ id: 'cap', points: 0, maxScore: 39, reason: 'r' }]).riskScore).toBe(39);
    expect(score(10, 'b', [{ id: 'floor', points: 0, minScore: 60, reason: 'r' }]).riskScore).toBe(60);
    expect(
      score(90, 'b', [
        { id: 'cap', points: 0, maxScore: 39, reason: 'r' },
        { id: 'floor', points: 0, minScore: 60, reason: 'r' },
      ]).riskScore,
    ).toBe(60);
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
});

/** The rankings the model must hold, end to end through the engine. */
describe('rankings', () => {
  const known = [deployed('orders', [layerArn('deps', 1)])];
  const cases: [string, Rec[], Rec, Severity, Severity][] = [
    [
      'unknown external layer by an IAM user with a long-term key',
      known,
      updateFunctionConfiguration('orders', {
        layers: [layerArn('deps', 1), layerArn('x', 1, OTHER_ACCOUNT)],
        time: at(5),
      }),
      'high',
      'critical',
    ],
    [
      'unknown external layer by an SSO user (human)',
      known,
      updateFunctionConfiguration('orders', {
        layers: [layerArn('x', 1, OTHER_ACCOUNT)],
        time: at(5),
        identity: identities.ssoAdmin(),
      }),
      'high',
      'critical',
    ],
    [
      'unknown external layer by root',
      [],
      updateFunctionConfiguration('orders', { layers: [layerArn('x', 1, OTHER_ACCOUNT)], identity: root }),
      'critical',
      'critical',
    ],
    [
      'public share by CloudFormation',
      [],
      addLayerVersionPermission('t', 1, '*', { identity: identities.deployRole() }),
      'high',
      'critical',
    ],
    ['public share by an IAM user', [], addLayerVersionPermission('t', 1, '*'), 'high', 'critical'],
    [
      'share with one external account by CloudFormation',
      [],
      addLayerVersionPermission('t', 1, OTHER_ACCOUNT, { identity: identities.deployRole() }),
      'medium',
      'critical',
    ],
    [
      'share with one external account by an IAM user',
      [],
      addLayerVersionPermission('t', 1, OTHER_ACCOUNT),
      'medium',
      'critical',
    ],
    [
      'same-account layer attached by CloudFormation',
      known,
      updateFunctionConfiguration('orders', {
        layers: [layerArn('deps', 1), layerArn('more', 1)],
        time: at(5),
        identity: identities.deployRole(),
      }),
      'informational',
      'low',
    ],
    [
      'version bump by an IAM user with a long-term key',
      known,
      updateFunctionConfiguration('orders', { layers: [layerArn('deps', 2)], time: at(5) }),
      'informational',
      'low',
    ],
    [
      'version bump by root',
      known,
      updateFunctionConfiguration('orders', { layers: [layerArn('deps', 2)], time: at(5), identity: root }),
      'informational',
      'low',
    ],
    [
      'layer removal by an IAM user',
      known,
      updateFunctionConfiguration('orders', { layers: [], time: at(5) }),
      'informational',
      'low',
    ],
    [
      'known publisher layer by an SSO user',
      known,
      updateFunctionConfiguration('orders', {
        layers: [
          layerArn('deps', 1),
          'arn:aws:lambda:us-east-1:580247275435:layer:LambdaInsightsExtension:53',
        ],
        time: at(5),
        identity: identities.ssoAdmin(),
      }),
      'medium',
      'medium',
    ],
    [
      'publish then attach of that version by the same principal (a version bump)',
      [...known, publishLayerVersion('deps', 2, { time: at(2) })],
      updateFunctionConfiguration('orders', { layers: [layerArn('deps', 2)], time: at(5) }),
      'high',
      'critical',
    ],
  ];

  it.each(cases)('%s: %s..%s', (_n, history, record, low, high) => {
    const finding = findingAfter(history, record);
    expect(severityRank(finding.severity)).toBeGreaterThanOrEqual(severityRank(low));
    expect(severityRank(finding.severity)).toBeLessThanOrEqual(severityRank(high));
  });

  it('names the publish event in `related` and in a reason', () => {
    const history = [...known, publishLayerVersion('deps', 2, { time: at(2), id: 'publish-event' })];
    const { finding } = analyzeAfter(
      history,
      updateFunctionConfiguration('orders', { layers: [layerArn('deps', 2)], time: at(5) }),
    );
    expect(finding?.related).toEqual(['publish-event']);
    expect(finding?.reasons.join('\n')).toMatch(
      /same principal published .*deps:2 3 min before attaching it \(event publish-event\)/,
    );
  });
});
