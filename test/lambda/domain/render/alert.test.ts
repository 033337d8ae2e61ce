import type { Finding } from '../../../../lambda/domain/finding.js';
import {
  chatNotification,
  emailText,
  renderAlert,
  SNS_MAX_BYTES,
  subjectOf,
} from '../../../../lambda/domain/render/alert.js';
import { at, DEPS, deployed, EVIL, findingAfter } from '../../../support/domain-scenarios.js';
import {
  addLayerVersionPermission,
  layerArn,
  updateFunctionConfiguration,
} from '../../../support/records.js';
import { expectValidFinding } from '../../../support/schema.js';

const HOSTILE_UA =
  'curl/8\n*bold* _it_ `code` <!channel> <@U123> <https://evil.example|click here> [x](https://evil.example) \u202eexe.txt\r\nSubject: forged';

function attackFinding(userAgent = 'aws-cli/2.27.0'): Finding {
  return findingAfter(
    [deployed()],
    updateFunctionConfiguration('orders', { layers: [DEPS, EVIL], userAgent, time: at(5) }),
  );
}

function bodies(finding: Finding) {
  const alert = renderAlert(finding);
  const message = JSON.parse(alert.message) as Record<string, string>;
  return {
    alert,
    message,
    chat: JSON.parse(message.default as string),
    sqs: JSON.parse(message.sqs as string),
  };
}

describe('subjectOf', () => {
  it.each([
    ['plain', 'aws-cli/2.27.0'],
    ['hostile', HOSTILE_UA],
  ])('is printable ASCII, one line, at most 99 characters (%s)', (_n, ua) => {
    const f = attackFinding(ua);
    const subject = subjectOf({ ...f, title: `${f.title} \u00e9\u4e2d\n\r\t${'x'.repeat(300)}` });
    expect(subject).toMatch(/^[\x20-\x7e]{1,99}$/);
    expect(subject.startsWith('[CRITICAL] Layer ext:1 added to orders')).toBe(true);
    expect(subject.endsWith('...')).toBe(true);
  });
});

describe('renderAlert', () => {
  it('carries a body per protocol: chat notification on default and https, text on email, the finding on sqs and lambda', () => {
    const f = attackFinding();
    const { alert, message, chat, sqs } = bodies(f);
    expect(Object.keys(message).sort()).toEqual(['default', 'email', 'https', 'lambda', 'sqs']);
    expect(message.https).toBe(message.default);
    expect(message.lambda).toBe(message.sqs);
    expect(sqs).toEqual(f);
    expectValidFinding(sqs);
    expect(chat).toMatchObject({ version: '1.0', source: 'custom', metadata: { threadId: f.function?.arn } });
    expect(f.severity).toBe('critical');
    expect(chat.content.title).toContain('CRITICAL');
    expect(alert.attributes.severity).toEqual({ DataType: 'String', StringValue: 'critical' });
  });

  it('email says what changed, before and after, who, from where, why, and how to revert', () => {
    const text = emailText(attackFinding());
    expect(text).toContain(`Before:      ${DEPS}`);
    expect(text).toContain(`After:       ${DEPS}, ${EVIL}`);
    expect(text).toContain(`Added:       ${EVIL}`);
    expect(text).toContain('arn:aws:iam::111122223333:user/mallory (IAMUser)');
    expect(text).toContain('Source IP:   203.0.113.10');
    expect(text).toContain('a layer comes from an unknown external account (444455556666) (+25)');
    expect(text).toContain(
      `aws lambda update-function-configuration --region us-east-1 --function-name arn:aws:lambda:us-east-1:111122223333:function:orders --layers ${DEPS}`,
    );
  });

  it('cannot be broken by hostile strings: no forged lines in email, no markup, links or mentions in chat', () => {
    const f = attackFinding(HOSTILE_UA);
    const text = emailText(f);
    expect(text.split('\n').filter((l) => l.startsWith('Subject:'))).toEqual([]);
    expect(text).not.toMatch(/[\r\u202e]/);
    const chat = chatNotification(f);
    const all = JSON.stringify(chat.content);
    expect(all).not.toContain('<!channel>');
    expect(all).not.toContain('<@U123>');
    expect(all).not.toContain('<https://');
    const uaLine = chat.content.description.split('\n').find((l) => l.startsWith('*From:*')) ?? '';
    // The user agent is fenced in one inline code span: exactly two backticks around it.
    expect(uaLine).toMatch(/with `[^`]*`$/);
    expect(uaLine).not.toMatch(/\n/);
  });

  it('keeps the finding JSON exact: a user agent cannot add or change fields', () => {
    const f = attackFinding('","severity":"informational","x":"');
    const { sqs } = bodies(f);
    expect(sqs.severity).toBe(f.severity);
    expect(Object.keys(sqs)).toEqual(Object.keys(f));
    expect(sqs.event.userAgent).toBe('","severity":"informational","x":"');
    expectValidFinding(sqs);
  });

  it('fits under 256 KiB whatever the field sizes, by cutting fields and marking the finding truncated', () => {
    const f = attackFinding();
    const huge = 'A'.repeat(200_000);
    const big: Finding = {
      ...f,
      title: huge,
      reasons: Array.from({ length: 300 }, () => huge.slice(0, 5000)),
      event: { ...f.event, userAgent: huge },
      layers: f.layers && { ...f.layers, after: Array.from({ length: 500 }, (_, i) => layerArn(`l${i}`, 1)) },
    };
    const { alert, message, sqs } = bodies(big);
    expect(Buffer.byteLength(alert.message)).toBeLessThanOrEqual(SNS_MAX_BYTES);
    expect(sqs.truncated).toBe(true);
    expectValidFinding(sqs);
    expect(message.email).toContain(`Added:       ${EVIL}`);
    expect(alert.subject.length).toBeLessThanOrEqual(99);
  });

  it('renders a share with its audience', () => {
    const finding = findingAfter([], addLayerVersionPermission('tools', 2, '*'));
    expect(emailText(finding)).toContain('Shared with: * - PUBLIC');
    expect(chatNotification(finding).content.description).toContain('*(public)*');
  });
});
