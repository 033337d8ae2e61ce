/**
 * README's sample of a detector-tampered alert is the renderer's own output for a fixture, and its
 * table of watched calls is the tamper table (TAMPER_CALLS), so the
 * documentation cannot drift from what the team receives.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TAMPER_CALLS, TAMPER_SERVICES } from '../lambda/domain/model.js';
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
