/**
 * Hostile event strings against every human-readable field of an alert: nothing in them may mention,
 * link or format in chat, and no invisible or control character may reach a reader. Machine fields
 * of the finding JSON keep the event's values exactly.
 */
import fc from 'fast-check';
import { MAX_FIELD } from '../../../../lambda/domain/cloudtrail.js';
import type { Finding } from '../../../../lambda/domain/finding.js';
import { chatNotification, emailText, renderAlert } from '../../../../lambda/domain/render/alert.js';
import { ACTIVE, displayFields, unsafeFields } from '../../../support/domain-display.js';
import { at, DEPS, deployed, EVIL, findingAfter } from '../../../support/domain-scenarios.js';
import {
  ACCOUNT,
  addLayerVersionPermission,
  identities,
  type Rec,
  updateFunctionConfiguration,
} from '../../../support/records.js';
import { analyzeAfter } from '../../../support/run.js';

function ssoIdentity(permissionSet: string): Rec {
  const sso = identities.ssoAdmin();
  const issuer = `arn:aws:iam::${ACCOUNT}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_${permissionSet}_0123456789abcdef`;
  return {
    ...sso,
    sessionContext: { ...(sso.sessionContext as Rec), sessionIssuer: { type: 'Role', arn: issuer } },
  };
}

function attack(o: { userAgent?: string; identity?: Rec; layers?: string[] } = {}): Finding {
  return findingAfter(
    [deployed()],
    updateFunctionConfiguration('orders', {
      layers: o.layers ?? [DEPS, EVIL],
      time: at(5),
      userAgent: o.userAgent,
      identity: o.identity,
    }),
  );
}

function sent(finding: Finding): Finding {
  const bodies = JSON.parse(renderAlert(finding).message) as Record<string, string>;
  return JSON.parse(bodies.sqs as string) as Finding;
}

describe('alerts with hostile event strings', () => {
  it('escape the Identity Center permission set in chat (mentions, links, formatting)', () => {
    const f = attack({ identity: ssoIdentity('<!channel>*Admin*<http://x.example|y>') });
    expect(f.actor.ssoPermissionSet).toBe('<!channel>*Admin*<http://x.example|y>');
    const identity = chatNotification(f)
      .content.description.split('\n')
      .find((l) => l.startsWith('*Identity:*'));
    expect(identity).toBeDefined();
    expect(unsafeFields(f)).toEqual([]);
  });

  it('keep @here and bare links out of the title and summary', () => {
    const f = findingAfter(
      [],
      addLayerVersionPermission('tools', 2, '@here see https://evil.example/x www.evil.example'),
    );
    const chat = chatNotification(f);
    expect(chat.content.title).not.toMatch(/@here|:\/\/|www\./);
    expect(chat.metadata.summary).not.toMatch(/@here|:\/\/|www\./);
    expect(f.title).not.toMatch(/@here|:\/\//);
    expect(unsafeFields(f)).toEqual([]);
  });

  it('keep <!channel> and links out of the title, summary and email', () => {
    const f = findingAfter([], addLayerVersionPermission('tools', 2, '<!channel> <http://evil.example|x>'));
    expect(unsafeFields(f)).toEqual([]);
    expect(emailText(f)).not.toMatch(/<!|<http/);
  });

  it('strip U+2060 and other format characters, also where they split a mention word', () => {
    const ua =
      'aws-cli/2.27.0\u2060 @he\u2060re \u00adsoft\u200bzero\u202eRTL\u2066iso\u2069\ufeff \u0085nel';
    const f = attack({ userAgent: ua });
    expect(unsafeFields(f)).toEqual([]);
    for (const text of Object.values(displayFields(f)))
      expect(text).not.toMatch(/[\u2060\u00ad\u200b\u202e\u2066]/);
  });

  it('strip them from a layer entry that reaches the title', () => {
    const f = attack({ layers: [DEPS, 'x\u2060@channel\u200b*bold*'] });
    expect(f.title).toContain('added to orders');
    expect(unsafeFields(f)).toEqual([]);
  });

  it('keep the machine fields of the finding exact', () => {
    const ua = '<!channel> @here\u2060 https://evil.example';
    const principal = '<@U123> @everyone';
    const f = attack({ userAgent: ua, identity: ssoIdentity('<#C1>') });
    expect(sent(f).event.userAgent).toBe(ua);
    expect(sent(f).actor.sessionIssuerArn).toContain('AWSReservedSSO_<#C1>_0123456789abcdef');
    const share = findingAfter([], addLayerVersionPermission('tools', 2, principal));
    expect(sent(share).permission?.principal).toBe(principal);
  });
});

const TOKENS = [
  '<!channel>',
  '<!here|x>',
  '<@U123>',
  '<#C123|general>',
  '<http://evil.example|click>',
  '<https://evil.example>',
  '<mailto:a@evil.example|x>',
  '<',
  '!',
  '>',
  '|',
  '@here',
  '@channel',
  '@everyone',
  '@HERE',
  '@he',
  're',
  '@',
  '*',
  '_',
  '~',
  '`',
  'https://evil.example',
  'http:',
  '//',
  'www.evil.example',
  'www',
  '.',
  '[x](https://evil.example)',
  'www.(evil.example)',
  '](x)',
  '(',
  ')',
  ' ',
  'a',
  '\n',
  '\r',
  '\t',
  '\u0000',
  '\u001b[31m',
  '\u007f',
  '\u0085',
  '\u00ad',
  '\u061c',
  '\u180e',
  '\u200b',
  '\u200d',
  '\u200e',
  '\u2028',
  '\u202e',
  '\u2060',
  '\u2061',
  '\u2064',
  '\u2066',
  '\u206f',
  '\ufeff',
  '\ud83d\ude00',
  '\udb40\udc01',
];

const hostile = fc.oneof(
  fc.array(fc.constantFrom(...TOKENS), { minLength: 1, maxLength: 12 }).map((t) => t.join('')),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 24 }),
);

type Scenario = (s: string) => Rec;
const SCENARIOS: [string, Scenario][] = [
  [
    'user agent',
    (s) => updateFunctionConfiguration('orders', { layers: [DEPS, EVIL], time: at(5), userAgent: s }),
  ],
  [
    'source IP',
    (s) => updateFunctionConfiguration('orders', { layers: [DEPS, EVIL], time: at(5), sourceIp: s }),
  ],
  ['event id', (s) => updateFunctionConfiguration('orders', { layers: [DEPS, EVIL], time: at(5), id: s })],
  ['layer entry', (s) => updateFunctionConfiguration('orders', { layers: [DEPS, s], time: at(5) })],
  [
    'caller ARN, key, type, invoked by',
    (s) =>
      updateFunctionConfiguration('orders', {
        layers: [DEPS, EVIL],
        time: at(5),
        identity: { ...identities.iamUser(), arn: s, accessKeyId: s, type: s, invokedBy: s, principalId: s },
      }),
  ],
  [
    'permission set',
    (s) =>
      updateFunctionConfiguration('orders', { layers: [DEPS, EVIL], time: at(5), identity: ssoIdentity(s) }),
  ],
  ['share principal', (s) => addLayerVersionPermission('tools', 2, s)],
  ['share organization', (s) => addLayerVersionPermission('tools', 2, '*', { organizationId: s })],
];

describe('alerts, for any event string in any field', () => {
  it.each(SCENARIOS)('%s: nothing active, nothing invisible, machine fields exact', (_n, scenario) => {
    let findings = 0;
    fc.assert(
      fc.property(hostile, (s) => {
        const { finding } = analyzeAfter([deployed()], scenario(s));
        if (!finding) return;
        findings += 1;
        expect(unsafeFields(finding)).toEqual([]);
        const json = sent(finding);
        expect(json.event).toEqual(finding.event);
        expect(json.actor).toEqual(finding.actor);
        expect(json.permission).toEqual(finding.permission);
        expect(json.layers).toEqual(finding.layers);
        const raw = s.length > MAX_FIELD ? null : s;
        if (raw !== null && _n === 'user agent') expect(json.event.userAgent).toBe(raw);
      }),
      { numRuns: 150, seed: 20261201 },
    );
    expect(findings).toBeGreaterThan(100);
  });
});

describe('subjectOf', () => {
  it('shows no mention or link even for a title that did not come through buildFinding', () => {
    const f = attack();
    const subject = renderAlert({
      ...f,
      title: 'x @here <!channel> https://evil.example @he\u2060re',
    }).subject;
    expect(subject).not.toMatch(ACTIVE);
    expect(subject).not.toMatch(/:\/\/|@he/);
  });
});
