/**
 * `code` and `plain` replace their marks only when a test finds one, with regular expressions kept
 * as constants: they must treat every input exactly as their earlier forms (kept here as the
 * reference), whatever it holds: backticks, angle brackets, Markdown marks, mentions, links, bidi
 * controls, zero-width characters, line breaks, lone surrogate halves, and long strings; and one
 * call must not leave state (a global expression's lastIndex) that changes the next.
 */
import fc from 'fast-check';
import { code, plain } from '../../../../lambda/domain/render/describe.js';
import { cut, inert, oneLine, safeText } from '../../../../lambda/domain/text.js';

function referenceCode(value: string, max: number): string {
  const safe = safeText(cut(value, max)).replace(/`/g, "'").replace(/>/g, '\u203a');
  return safe.length === 0 ? '`-`' : `\`${safe}\``;
}

function referencePlain(value: string, max: number): string {
  return inert(oneLine(cut(value, max))).replace(/[`*_~<>|[\]]/g, ' ');
}

const PIECES = [
  '`',
  '``',
  '>',
  '<',
  '->',
  '*',
  '_',
  '~',
  '|',
  '[',
  ']',
  '[x](y)',
  '@',
  '@here',
  '@channel',
  '@everyone',
  '<!channel>',
  '<@U1>',
  'https://',
  'http://x',
  'www.',
  'WWW.',
  '://',
  ' ',
  '  ',
  '\n',
  '\r\n',
  '\t',
  '\u0000',
  '\u0085',
  '\u2028',
  '\u2029',
  '\u200b',
  '\u200c',
  '\u200d',
  '\u200e',
  '\u200f',
  '\u202a',
  '\u202e',
  '\u2066',
  '\u2069',
  '\u2060',
  '\ufeff',
  '\u00ad',
  '\u034f',
  '\u115f',
  '\u3164',
  '\ud800',
  '\udc00',
  '\ud83d\ude00',
  '\udfff\ud800',
  '\u203a',
  '\u2039',
  '\uff20',
  'a',
  'arn:aws:lambda:us-east-1:111122223333:function:f0',
  'é',
];

const adversarial = fc.array(fc.constantFrom(...PIECES), { maxLength: 40 }).map((parts) => parts.join(''));
const anyString = fc.oneof(
  adversarial,
  fc.string({ unit: 'binary', maxLength: 120 }),
  fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 120 }),
  fc.string({ maxLength: 120 }),
);
const limit = fc.oneof(fc.integer({ min: 0, max: 8 }), fc.constantFrom(16, 20, 40, 64, 200, 512, 4096));

describe('code and plain treat every input as their earlier forms', () => {
  it('random and adversarial strings', () => {
    fc.assert(
      fc.property(anyString, limit, (value, max) => {
        expect(code(value, max)).toBe(referenceCode(value, max));
        expect(plain(value, max)).toBe(referencePlain(value, max));
      }),
      { numRuns: 20_000 },
    );
  });

  it('one call after another: no state carried between them', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(anyString, limit), { minLength: 2, maxLength: 6 }), (calls) => {
        for (const [value, max] of calls) {
          expect(code(value, max)).toBe(referenceCode(value, max));
          expect(plain(value, max)).toBe(referencePlain(value, max));
        }
      }),
      { numRuns: 3000 },
    );
  });

  it.each([
    ['100 KB of backticks and angles', '`>'.repeat(50 * 1024)],
    ['100 KB of Markdown marks', '*_~<>|[]`'.repeat(11 * 1024)],
    ['100 KB of bidi and zero-width characters', '\u202e\u200ba\u2066'.repeat(25 * 1024)],
    ['100 KB of mentions and links', '@here https://x www.y <!channel> '.repeat(3 * 1024)],
    ['100 KB of lone surrogates and line breaks', '\ud800\n\udc00\r'.repeat(25 * 1024)],
    ['100 KB of clean text', 'abc-def_1 '.repeat(10 * 1024)],
  ])('%s', (_name, value) => {
    for (const max of [0, 1, 64, 512, 200 * 1024]) {
      expect(code(value, max)).toBe(referenceCode(value, max));
      expect(plain(value, max)).toBe(referencePlain(value, max));
    }
  });
});
