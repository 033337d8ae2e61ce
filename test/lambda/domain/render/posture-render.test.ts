import type { Finding } from '../../../../lambda/domain/finding.js';
import type { Posture } from '../../../../lambda/domain/posture.js';
import { renderAlert } from '../../../../lambda/domain/render/alert.js';
import { renderAsff } from '../../../../lambda/domain/render/asff.js';
import { chatNotification } from '../../../../lambda/domain/render/chat.js';
import { emailText } from '../../../../lambda/domain/render/email.js';
import { renderOcsf } from '../../../../lambda/domain/render/ocsf.js';
import { checkAsff } from '../../../support/asff.js';
import { exampleFindings } from '../../../support/example-findings.js';
import { validateOcsf } from '../../../support/ocsf.js';
import { expectValidFinding } from '../../../support/schema.js';

const added = () => exampleFindings().find((f) => f.detectionId === 'lambda-layer-added') as Finding;
const REFUSED =
  "a guardrail from your current inventory would have refused this call: perf-monitor-extension:1 outside its allowed list (built from 1 own account (the function's))";

const postures: [string, Posture, string][] = [
  [
    'enforced code signing',
    {
      codeSigning: {
        state: 'enforce',
        configArn: 'arn:aws:lambda:us-east-1:111122223333:code-signing-config:csc-0a1b2c3d4e5f6a7b8',
        allowedPublishers: ['arn:aws:signer:us-east-1:111122223333:/signing-profiles/release/abcdEFGH12'],
        detail: null,
      },
      guardrail: {
        verdict: 'refused',
        refusedLayers: ['x'],
        basis: "1 own account (the function's)",
        line: REFUSED,
      },
    },
    'enforced (1 allowed signing profile): Lambda refuses a layer not signed by one of them',
  ],
  [
    'code signing not read',
    {
      codeSigning: {
        state: 'not-read',
        configArn: null,
        allowedPublishers: [],
        detail: 'offline: the scan reads no AWS API',
      },
      guardrail: {
        verdict: 'not-applicable',
        refusedLayers: [],
        basis: 'b',
        line: 'no lambda:Layer guardrail judges this call: it sets no layers',
      },
    },
    'not read (offline: the scan reads no AWS API)',
  ],
];

describe('posture, in every rendering', () => {
  it.each(postures)('%s', (_, posture, signing) => {
    const f: Finding = { ...added(), posture };
    expectValidFinding(f);
    const email = emailText(f);
    expect(email).toContain(
      `WHAT WOULD HAVE STOPPED IT\n  Code signing: ${signing}\n  Guardrail:    ${posture.guardrail.line}`,
    );
    const chat = chatNotification(f).content.description;
    expect(chat).toContain(`*Code signing:* ${signing}`);
    expect(chat).toContain(`*Guardrail:* ${posture.guardrail.line}`);
    // The SNS message's queue and function body is the finding itself, posture included.
    const message = JSON.parse(renderAlert(f).message) as { sqs: string; lambda: string };
    expect(JSON.parse(message.sqs).posture).toEqual(posture);
    const asff = renderAsff(f, { productVersion: '0.1.0', updatedAt: '2026-03-15T00:00:00Z' });
    expect(checkAsff(asff)).toEqual([]);
    expect(asff.ProductFields['layerwatch/CodeSigning']).toBe(`code signing ${signing}`);
    expect(asff.ProductFields['layerwatch/Guardrail']).toBe(
      `${posture.guardrail.verdict}: ${posture.guardrail.line}`,
    );
    const ocsf = renderOcsf(f, { productVersion: '0.1.0' });
    expect((ocsf.unmapped as { layerwatch: { posture: unknown } }).layerwatch.posture).toEqual(posture);
  });

  it('OCSF with a posture still validates', () => {
    const rendered = postures.map(([, posture]) =>
      renderOcsf({ ...added(), posture }, { productVersion: '0.1.0' }),
    );
    expect(validateOcsf(rendered).results.flat()).toEqual([]);
  });

  it('a finding without posture shows no posture lines, and null stays null', () => {
    for (const posture of [undefined, null]) {
      const f: Finding = { ...added(), posture };
      expect(emailText(f)).not.toContain('WHAT WOULD HAVE STOPPED IT');
      expect(chatNotification(f).content.description).not.toContain('*Code signing:*');
      expect(
        renderAsff(f, { productVersion: '0.1.0', updatedAt: '2026-03-15T00:00:00Z' }).ProductFields,
      ).not.toHaveProperty('layerwatch/Guardrail');
    }
  });
});
