/**
 * README's sample of a detector-tampered alert is the renderer's own output for a fixture, and its
 * table of watched calls is the tamper table (TAMPER_CALLS), so the
 * documentation cannot drift from what the team receives.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TAMPER_CALLS, TAMPER_SERVICES } from '../lambda/domain/model.js';
import { resourcesOfType } from './support/cfn-resolver.js';
import { MODES, type ModeCase, synthesizeDeployment } from './support/deployments.js';
import { tamperSample } from './support/tamper-sample.js';

describe('README: a tampering alert', () => {
  it('shows the email exactly as the renderer writes it', () => {
    const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
    const m = /<!-- tamper-email:start -->\n```text\n([\s\S]*?)\n```\n<!-- tamper-email:end -->/.exec(readme);
    expect(m?.[1]).toBe(tamperSample());
  });
});

describe('README: which path tells each watched call', () => {
  const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
  const table =
    /<!-- tamper-paths:start -->\n([\s\S]*?)\n\s*<!-- tamper-paths:end -->/.exec(readme)?.[1] ?? '';
  const rows = table
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.startsWith('|') && !/^\|\s*(Service|---)/.test(line))
    .map((line) => line.split('|').map((cell) => cell.trim()));

  it('has one row per watched service, listing exactly its watched calls (TAMPER_CALLS)', () => {
    const listed = Object.fromEntries(rows.map(([, service, calls]) => [service, calls?.split(', ')]));
    expect(listed).toEqual(Object.fromEntries(TAMPER_SERVICES.map((s) => [s, [...TAMPER_CALLS[s]]])));
  });

  it('names the direct path and where each call is seen, for every service', () => {
    for (const [, service, , direct, from] of rows) {
      expect({ service, direct: !!direct, from: !!from }).toEqual({ service, direct: true, from: true });
    }
  });
});

describe('README: the direct message', () => {
  it('has the fields EventBridge writes, as the direct rule of a deployment writes them', () => {
    const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
    const block =
      /<!-- direct-message:start -->\n\s*```json\n([\s\S]*?)\n\s*```\n\s*<!-- direct-message:end -->/.exec(
        readme,
      )?.[1];
    const sample = JSON.parse(block ?? '{}') as Record<string, unknown>;
    const detector = synthesizeDeployment(MODES[0] as ModeCase).detector.template;
    const [, rule] =
      resourcesOfType(detector, 'AWS::Events::Rule').find(([id]) => /DirectRule/.test(id)) ?? [];
    const targets = (rule?.Properties?.Targets ?? []) as { InputTransformer: { InputTemplate: string } }[];
    const target = targets[0];
    const written = JSON.parse(
      String(target?.InputTransformer.InputTemplate).replace(/<[^>]+>/g, 'null'),
    ) as Record<string, unknown>;
    expect(Object.keys(sample)).toEqual(Object.keys(written));
    expect(String(written.layerwatch)).toContain(String(sample.layerwatch).replace(/ \.\.\.$/, ''));
  });
});
