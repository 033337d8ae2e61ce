import { renderSweepReport } from '../../../../lambda/domain/render/sweep.js';
import { ACTIVE, INVISIBLE } from '../../../support/domain-display.js';

describe('renderSweepReport', () => {
  it('shows an error message safely: no mention, reference or invisible character', () => {
    const report = renderSweepReport({
      startedAt: '2026-03-14T03:00:00Z',
      pairs: 2,
      reached: 1,
      functions: 10,
      seeded: 0,
      drifted: 0,
      unchanged: 10,
      unreachable: [
        { account: '444455556666', region: 'us-east-1', error: 'AccessDenied <!channel> @he\u2060re\n`x`' },
      ],
    });
    const bodies = JSON.parse(report.message) as Record<string, string>;
    const chat = JSON.parse(bodies.default as string) as { content: { description: string } };
    for (const text of [bodies.email as string, chat.content.description]) {
      for (const l of text.split('\n')) {
        expect(l).not.toMatch(ACTIVE);
        expect(l).not.toMatch(INVISIBLE);
      }
    }
    expect(chat.content.description).toContain(
      "`444455556666 / us-east-1: AccessDenied \u2039!channel> \uff20here 'x'`",
    );
    expect(report.subject).toMatch(/^[\x20-\x7e]{1,99}$/);
  });
});
