import fc from 'fast-check';
import { cut, oneLine, printableAscii } from '../../../lambda/domain/text.js';

/** The plain definition of `cut`, by code points: the fast version must agree with it. */
function cutByCodePoints(value: string, max: number): string {
  const chars = Array.from(value);
  if (chars.length <= max) return value;
  if (max <= 1) return chars.slice(0, max).join('');
  return `${chars.slice(0, max - 1).join('')}\u2026`;
}

const strings = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({
    unit: fc.constantFrom('a', ' ', '\n', '\ud83d', '\ude00', '\ud83d\ude00', '\u200b', '\t'),
    maxLength: 40,
  }),
);

describe('cut', () => {
  it('keeps at most max code points, never splits a surrogate pair, marks the cut', () => {
    fc.assert(
      fc.property(strings, fc.integer({ min: 0, max: 45 }), (s, max) => {
        expect(cut(s, max)).toBe(cutByCodePoints(s, max));
      }),
      { numRuns: 2000, seed: 20261201 },
    );
  });

  it('returns the very string it was given when it fits', () => {
    const s = 'arn:aws:lambda:us-east-1:111122223333:layer:deps:3';
    expect(cut(s, s.length)).toBe(s);
    expect(cut('\ud83d\ude00\ud83d\ude00', 2)).toBe('\ud83d\ude00\ud83d\ude00');
    expect(cut('\ud83d\ude00\ud83d\ude00x', 2)).toBe('\ud83d\ude00\u2026');
  });
});

describe('oneLine', () => {
  it('leaves a clean line alone and flattens anything else to one line', () => {
    expect(oneLine('aws-cli/2.27.0 md/awscrt#0.26.1')).toBe('aws-cli/2.27.0 md/awscrt#0.26.1');
    expect(oneLine('  a\r\n\tb  ')).toBe('a b');
    fc.assert(
      fc.property(strings, (s) => {
        const out = oneLine(s);
        expect(out).not.toMatch(/[\r\n\t]|^\s|\s$|\s\s/);
        expect(printableAscii(s)).toMatch(/^[\x20-\x7e]*$/);
      }),
      { numRuns: 1000, seed: 20261201 },
    );
  });
});
