import type { Finding } from '../../../../lambda/domain/finding.js';
import { chatNotification, emailText, renderAlert } from '../../../../lambda/domain/render/alert.js';
import { renderAsff } from '../../../../lambda/domain/render/asff.js';
import { renderOcsf } from '../../../../lambda/domain/render/ocsf.js';
import { checkAsff } from '../../../support/asff.js';
import { at, DEPS, deployed } from '../../../support/domain-scenarios.js';
import {
  ciRole,
  EXTENSION,
  inspectedFinding,
  NATIVE,
  report,
  SDK,
} from '../../../support/inspected-findings.js';
import { PY_OCSF_MODELS_VERSION, validateOcsf } from '../../../support/ocsf.js';
import {
  createFunction,
  identities,
  layerArn,
  OTHER_ACCOUNT,
  updateFunctionConfiguration,
} from '../../../support/records.js';
import { expectValidFinding } from '../../../support/schema.js';

const EXTERNAL = layerArn('otel', 7, OTHER_ACCOUNT);
const V6 = layerArn('tools', 6);
const V7 = layerArn('tools', 7);
const HOSTILE = 'extensions/x`\n*bold* <!channel> [x](https://evil.example)\u202e';

function withContent(signals = [EXTENSION, SDK, NATIVE]): Finding {
  return inspectedFinding(
    [deployed()],
    updateFunctionConfiguration('orders', { layers: [DEPS, EXTERNAL], time: at(5), identity: ciRole() }),
    { inspections: { [EXTERNAL]: report(EXTERNAL, signals) } },
  );
}

function versionBump(): Finding {
  return inspectedFinding(
    [createFunction('orders', { layers: [V6], time: at(0), identity: identities.deployRole() })],
    updateFunctionConfiguration('orders', { layers: [V7], time: at(5), identity: ciRole() }),
    { inspections: { [V6]: report(V6, []), [V7]: report(V7, [EXTENSION], { cached: true }) } },
  );
}

describe('rendering what a layer will run', () => {
  it('the email names the extension and what it means', () => {
    const text = emailText(withContent());
    expect(text).toContain('WHAT THE LAYER WILL RUN');
    expect(text).toContain(
      "This layer starts an external extension, `extensions/otel-collector`, which runs beside every invocation with the function's credentials. [high]",
    );
    expect(text).toContain(`${EXTERNAL}: read, 12 files, 345678 bytes unzipped`);
  });

  it('the email and chat say what a new version adds', () => {
    const f = versionBump();
    expect(emailText(f)).toContain(
      'Version 7 adds an external extension `extensions/otel-collector` that version 6 did not have. [high]',
    );
    expect(emailText(f)).toContain('read (cached report)');
    expect(chatNotification(f).content.description).toContain(
      'Version 7 adds an external extension `extensions/otel-collector` that version 6 did not have.',
    );
  });

  it('chat fences each path in inline code', () => {
    const d = chatNotification(withContent()).content.description;
    expect(d).toContain(`*Layer content:* \`${EXTERNAL}\``);
    expect(d).toContain('This layer starts an external extension, `extensions/otel-collector`, which runs');
  });

  it('keeps a hostile path inert in every body', () => {
    const f = withContent([{ ...EXTENSION, path: HOSTILE }]);
    const email = emailText(f);
    const chat = chatNotification(f).content.description;
    for (const body of [email, chat]) {
      expect(body).not.toContain('<!channel>');
      expect(body).not.toContain('\u202e');
      expect(body).not.toContain('](https://evil.example)');
    }
    expect(email.split('\n').some((l) => l.startsWith('*bold*'))).toBe(false);
    expect(chat.split('\n').some((l) => l.startsWith('*bold*'))).toBe(false);
  });

  it('is carried whole in the SNS JSON bodies, and still fits when huge', () => {
    const f = withContent();
    const sqs = JSON.parse(JSON.parse(renderAlert(f).message).sqs);
    expect(sqs.inspection).toEqual(JSON.parse(JSON.stringify(f.inspection)));
    expectValidFinding(sqs);
    const huge = withContent(
      Array.from({ length: 400 }, (_, i) => ({ ...EXTENSION, path: `extensions/${'x'.repeat(900)}${i}` })),
    );
    const alert = renderAlert(huge);
    expect(Buffer.byteLength(alert.message)).toBeLessThanOrEqual(262_144);
    const cut = JSON.parse(JSON.parse(alert.message).sqs);
    expect(cut.truncated).toBe(true);
    expect(cut.inspection.layers[0].signals[0].id).toBe('external-extension');
    expectValidFinding(cut);
  });

  it('OCSF carries it (py-ocsf-models accepts the finding) and ASFF lists the signals', () => {
    const findings = [withContent(), versionBump()];
    const ocsf = findings.map((f) => renderOcsf(f, { productVersion: '0.1.0' }));
    const validation = validateOcsf(ocsf);
    expect(validation.version).toBe(PY_OCSF_MODELS_VERSION);
    expect(validation.results).toHaveLength(2);
    expect(validation.results.flat()).toEqual([]);
    const resources = ocsf[0]?.resources as { uid: string; data: Record<string, unknown> }[] | undefined;
    const layer = resources?.find((r) => r.uid === EXTERNAL);
    expect(layer?.data.content_signals).toEqual([
      'external-extension:high',
      'sdk-shadowing:medium',
      'native-code:informational',
    ]);
    for (const f of findings) {
      const asff = renderAsff(f, { productVersion: '0.1.0', updatedAt: '2026-03-15T00:00:00Z' });
      expect(checkAsff(asff)).toEqual([]);
      expect(asff.ProductFields['layerwatch/ContentSignals']).toContain(
        'external-extension:high extensions/otel-collector',
      );
    }
  });
});
