/**
 * README's sample of a detector-tampered alert is the renderer's own output for a fixture, so the
 * documentation cannot drift from what the team receives.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tamperSample } from './support/tamper-sample.js';

describe('README: a tampering alert', () => {
  it('shows the email exactly as the renderer writes it', () => {
    const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
    const m = /<!-- tamper-email:start -->\n```text\n([\s\S]*?)\n```\n<!-- tamper-email:end -->/.exec(readme);
    expect(m?.[1]).toBe(tamperSample());
  });
});
