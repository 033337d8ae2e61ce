import fc from 'fast-check';
import { cut, oneLine, printableAscii, safeText } from '../../../lambda/domain/text.js';

/** The plain definition of `cut`, by code points: the fast version must agree with it. */
function cutByCodePoints(value: string, max: number): string {
  const chars = Array.from(value);
  if (chars.length <= max) return value;
  if (max <= 1) return chars.slice(0, max).join('');
  return `${chars.slice(0, max - 1).join('')}\u2026`;
}

const strings = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({
    unit: fc.constantFrom('<', '@', 'here', 'www', '.', ':', '/', '\u2060', '\u200b', 'h', 'e', 'r'),
    maxLength: 30,
  }),
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

describe('safeText', () => {
  it.each([
    ['<!channel> <@U1> <#C1|x>', '\u2039!channel> \u2039@U1> \u2039#C1|x>'],
    ['@here @Channel @everyone @alice', '\uff20here \uff20Channel \uff20everyone @alice'],
    ['@he\u2060re', '\uff20here'],
    ['see https://evil.example and WWW.evil.example', 'see https[:]//evil.example and WWW[.]evil.example'],
    ['a\u200bb\u202ec\ufeffd\u00ade\u2066f\u206fg', 'abcdefg'],
    ['x\u0000y\u0085z\u2028w', 'x y z w'],
    ['lone \ud800 surrogate', 'lone \ufffd surrogate'],
    ['Layer a:1 -> a:2', 'Layer a:1 -> a:2'],
    ['arn:aws:iam::111122223333:user/a_b', 'arn:aws:iam::111122223333:user/a_b'],
  ])('%j is shown as %j', (input, shown) => {
    expect(safeText(input)).toBe(shown);
  });

  it('is idempotent and leaves nothing active or invisible', () => {
    fc.assert(
      fc.property(strings, (s) => {
        const once = safeText(s);
        expect(safeText(once)).toBe(once);
        expect(once).not.toMatch(/<|@(here|channel|everyone)|:\/\/|www\./i);
        expect(once).not.toMatch(/[\p{Cf}\p{Cc}\p{Cs}\u2028\u2029\u2060-\u206f]/u);
      }),
      { numRuns: 2000, seed: 20261201 },
    );
  });
});
