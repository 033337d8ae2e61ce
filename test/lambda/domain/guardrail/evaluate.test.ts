/**
 * The replay's evaluator against an IAM simulator, on every combination of policy, format, action,
 * layers and principal: the two must never disagree. Then the replay itself, on normalized events.
 */
import { normalize } from '../../../../lambda/domain/cloudtrail.js';
import { arnLike, deniedBy, principalArnOf, replay } from '../../../../lambda/domain/guardrail/evaluate.js';
import {
  type AllowedEntry,
  FORMATS,
  type GuardrailFormat,
  policyOf,
} from '../../../../lambda/domain/guardrail/policy.js';
import type { LambdaEvent } from '../../../../lambda/domain/model.js';
import { simulate } from '../../../support/guardrail-simulation.js';
import {
  ACCOUNT,
  createFunction,
  identities,
  layerArn,
  OTHER_ACCOUNT,
  type Rec,
  updateFunctionConfiguration,
} from '../../../support/records.js';

const POWERTOOLS = '017000801446';
const entry = (pattern: string): AllowedEntry => ({ pattern, kind: 'own account', why: 'test' });
const BREAK_GLASS = `arn:aws:iam::${ACCOUNT}:role/break-glass`;
const SSO_ADMINS = `arn:aws:iam::${ACCOUNT}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin*`;

const POLICIES = {
  accounts: {
    allowed: [`arn:aws:lambda:*:${ACCOUNT}:layer:*:*`, `arn:aws:lambda:*:${POWERTOOLS}:layer:*:*`],
    exempt: [],
  },
  exempt: { allowed: [`arn:aws:lambda:*:${ACCOUNT}:layer:*:*`], exempt: [BREAK_GLASS, SSO_ADMINS] },
  pinned: {
    allowed: [
      layerArn('deps', 3),
      `arn:aws:lambda:us-east-1:${ACCOUNT}:layer:tools:*`,
      `arn:aws:lambda:*:${OTHER_ACCOUNT}:layer:agent-v?:*`,
    ],
    exempt: [BREAK_GLASS],
  },
};

const LAYERS: Record<string, string[] | null> = {
  none: null,
  empty: [],
  own: [layerArn('deps', 3)],
  'own other version': [layerArn('deps', 4)],
  'own, case changed': [layerArn('DEPS', 3)],
  publisher: [layerArn('powertools', 7, POWERTOOLS)],
  foreign: [layerArn('evil', 1, '999999999999')],
  'own and foreign': [layerArn('deps', 3), layerArn('evil', 1, '999999999999')],
  'agent-v2 of other account': [layerArn('agent-v2', 1, OTHER_ACCOUNT, 'eu-west-1')],
  'agent-v22 of other account': [layerArn('agent-v22', 1, OTHER_ACCOUNT)],
};

const PRINCIPALS: Record<string, string | null> = {
  'break-glass role': BREAK_GLASS,
  'break-glass role prefix trap': `${BREAK_GLASS}-2`,
  'break-glass role in another account': `arn:aws:iam::${OTHER_ACCOUNT}:role/break-glass`,
  'SSO admin role': `arn:aws:iam::${ACCOUNT}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_AdministratorAccess_0123`,
  'SSO read-only role': `arn:aws:iam::${ACCOUNT}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_ReadOnly_0123`,
  user: `arn:aws:iam::${ACCOUNT}:user/mallory`,
  root: `arn:aws:iam::${ACCOUNT}:root`,
  'no principal ARN': null,
};

const ACTIONS = ['lambda:UpdateFunctionConfiguration', 'lambda:CreateFunction', 'lambda:UpdateFunctionCode'];

describe('the guardrail evaluator', () => {
  const cases = Object.entries(POLICIES).flatMap(([policyName, p]) =>
    FORMATS.flatMap((format) =>
      ACTIONS.flatMap((action) =>
        Object.entries(LAYERS).map(([layersName, layers]) => ({
          policyName,
          p,
          format,
          action,
          layersName,
          layers,
        })),
      ),
    ),
  );

  it.each(cases)(
    'agrees with the IAM simulator: $policyName $format $action, layers $layersName',
    async (c) => {
      const policy = policyOf(c.p.allowed.map(entry), c.p.exempt, c.format as GuardrailFormat);
      const disagreements: string[] = [];
      for (const [who, principalArn] of Object.entries(PRINCIPALS)) {
        const ours = deniedBy(policy, { action: c.action, layers: c.layers, principalArn });
        const theirs = await simulate(policy, c.format as GuardrailFormat, {
          action: c.action,
          layers: c.layers,
          principalArn,
        });
        if (ours !== (theirs === 'ExplicitlyDenied'))
          disagreements.push(`${who}: ours ${ours}, simulator ${theirs}`);
        if (theirs === 'ImplicitlyDenied')
          disagreements.push(`${who}: simulator ${theirs} (the policy grants too little)`);
      }
      expect(disagreements).toEqual([]);
    },
  );

  it.each([
    ['exempt', 'foreign', 'break-glass role', false],
    ['exempt', 'foreign', 'SSO admin role', false],
    ['exempt', 'foreign', 'SSO read-only role', true],
    ['exempt', 'foreign', 'break-glass role prefix trap', true],
    ['exempt', 'foreign', 'break-glass role in another account', true],
    ['exempt', 'foreign', 'no principal ARN', true],
    ['exempt', 'own', 'user', false],
    ['accounts', 'publisher', 'user', false],
    ['accounts', 'own and foreign', 'root', true],
    ['accounts', 'none', 'user', false],
    ['accounts', 'empty', 'user', false],
    ['pinned', 'own other version', 'user', true],
    ['pinned', 'own, case changed', 'user', true],
    ['pinned', 'agent-v2 of other account', 'user', false],
    ['pinned', 'agent-v22 of other account', 'user', true],
  ] as const)('%s policy, layers %s, %s: denied %s', (policyName, layersName, who, denied) => {
    const p = POLICIES[policyName];
    const policy = policyOf(p.allowed.map(entry), p.exempt, 'scp');
    const request = {
      action: 'lambda:UpdateFunctionConfiguration',
      layers: LAYERS[layersName] ?? null,
      principalArn: PRINCIPALS[who] ?? null,
    };
    expect(deniedBy(policy, request)).toBe(denied);
  });

  it('matches ARNs part by part', () => {
    expect(arnLike('arn:aws:iam::*:role/x', 'arn:aws:iam::123456789012:role/x')).toBe(true);
    expect(arnLike('arn:aws:iam::1*:role/x', 'arn:aws:iam::123456789012:role/y')).toBe(false);
    expect(arnLike('arn:aws:iam::123456789012:role/x', 'not-an-arn')).toBe(false);
  });
});

function events(...records: Rec[]): LambdaEvent[] {
  return records.map((record) => {
    const result = normalize(record);
    if (result.status !== 'relevant') throw new Error('fixture is not an event');
    return result.event;
  });
}

describe('replay', () => {
  const policy = policyOf(
    [entry(`arn:aws:lambda:*:${ACCOUNT}:layer:*:*`)],
    [BREAK_GLASS.replace('break-glass', `cdk-hnb659fds-cfn-exec-role-${ACCOUNT}-us-east-1`)],
    'scp',
  );

  it('lists the calls it would deny, the exempt ones apart, and passes calls without layers', () => {
    const foreign = layerArn('evil', 1, OTHER_ACCOUNT);
    const r = replay(
      policy,
      events(
        createFunction('api', { layers: [layerArn('deps', 1)] }),
        updateFunctionConfiguration('api', { request: { timeout: 30 } }),
        updateFunctionConfiguration('api', { layers: [layerArn('deps', 1), foreign], id: 'attack' }),
        updateFunctionConfiguration('api', {
          layers: [foreign],
          identity: identities.deployRole(),
          id: 'deploy',
        }),
      ),
    );
    expect(r.evaluated).toBe(3);
    expect(r.calls.map((c) => [c.event.meta.id, c.verdict, c.principalArn, c.layers])).toEqual([
      ['attack', 'denied', `arn:aws:iam::${ACCOUNT}:user/mallory`, [foreign]],
      [
        'deploy',
        'exempt',
        `arn:aws:iam::${ACCOUNT}:role/cdk-hnb659fds-cfn-exec-role-${ACCOUNT}-us-east-1`,
        [foreign],
      ],
    ]);
  });

  it('names a call whose record carries no IAM principal as not judged, never as denied or allowed', () => {
    const service = { type: 'AWSService', invokedBy: 'cloudformation.amazonaws.com' };
    const foreign = layerArn('evil', 1, OTHER_ACCOUNT);
    const r = replay(
      policy,
      events(updateFunctionConfiguration('api', { layers: [foreign], identity: service, id: 'svc' })),
    );
    expect(r.calls.map((c) => [c.event.meta.id, c.verdict, c.reason])).toEqual([
      ['svc', 'unevaluated', 'no IAM principal in the record (AWSService)'],
    ]);
    const allowedOnly = replay(
      policy,
      events(updateFunctionConfiguration('api', { layers: [layerArn('deps', 2)], identity: service })),
    );
    expect(allowedOnly).toEqual({ evaluated: 1, calls: [] });
  });

  it('takes the role of an assumed-role session, with its path, as aws:PrincipalArn', () => {
    const [event] = events(updateFunctionConfiguration('api', { identity: identities.ssoAdmin() }));
    expect(principalArnOf((event as LambdaEvent).actor)).toBe(
      `arn:aws:iam::${ACCOUNT}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_AdministratorAccess_0123456789abcdef`,
    );
  });
});
