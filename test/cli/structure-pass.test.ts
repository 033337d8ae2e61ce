/**
 * The WebAssembly structure pass answers what the JavaScript pass (the reference) answers: the same
 * element bounds and the same candidates, or null for the same files, over generated files full of
 * traps for a vectorised pass (escaped quotes and backslash runs across 16- and 64-byte blocks,
 * brackets inside strings, unicode, CRLF, deep nesting) and over damaged copies of them. Where the
 * module cannot decide, the reference does, and `elementSpans` still answers the same.
 */

import { readFileSync } from 'node:fs';
import { prng } from '../../bench/markdown.js';
import { elementSpans, jsElementSpans } from '../../lambda/cli/record-level.js';
import { wasmElementSpans } from '../../lambda/cli/structure-pass.js';
import { STRUCTURE_PASS_WASM } from '../../lambda/cli/structure-pass-bytes.js';
import { MODULE, structurePassModule } from '../../scripts/structure-pass-module.js';
import { createFunction, layerArn, otherService, updateFunctionConfiguration } from '../support/records.js';
import { tamperingCalls } from '../support/tamper-records.js';

type Random = () => number;
const pick = <T>(random: Random, xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;

const attack = () => updateFunctionConfiguration('billing', { layers: [layerArn('deps', 1)] });
const candidates = [attack, ...tamperingCalls().map((c) => () => c.record), () => createFunction('fn')];

/** A string value full of what a vectorised pass can get wrong, at a random offset. */
function trap(random: Random): string {
  const pieces = [
    '\\'.repeat(Math.floor(random() * 8)),
    '"',
    '}]},{"x":[',
    '{[',
    'ünïcødé 🙂\u2028',
    '\r\n',
    '"eventName":"UpdateFunctionConfiguration20150331v2"',
    'eventName',
    '\\u0055pdate',
    '\u0000\u001f',
  ];
  let s = 'x'.repeat(Math.floor(random() * 70));
  for (let k = Math.floor(random() * 6); k > 0; k -= 1) s += pick(random, pieces);
  return s;
}

/** After `"eventName" :` and blanks: near misses, and (not JSON, yet balanced) no quote or colon. */
const KEY_ENDS = [
  '"PutRolePolic"',
  '"PutRolePolicy"',
  '["StopLogging"]',
  '-PutRolePolicy',
  '"":"StopLogging"',
];
const NEAR_NAMES = [
  'PutRolePolic',
  'Stop',
  '',
  'StopLoggingNow',
  'DeleteTrai',
  5,
  null,
  ['StopLogging'],
  { a: 'x' },
];

function record(random: Random): unknown {
  const r: Record<string, unknown> = random() < 0.3 ? pick(random, candidates)() : otherService();
  const deep = Math.floor(random() * 8) === 0 ? 250 + Math.floor(random() * 10) : 0;
  r.requestParameters = { note: trap(random), list: [trap(random), { k: trap(random) }] };
  if (deep) r.responseElements = JSON.parse(`${'['.repeat(deep)}${']'.repeat(deep)}`);
  if (random() < 0.2) r.additionalEventData = { inner: JSON.stringify(pick(random, candidates)()) };
  // Values of the key that are near misses (or not strings), and watched names with more after them.
  if (random() < 0.2) r.eventName = pick(random, NEAR_NAMES);
  return r;
}

function file(random: Random): string {
  const n = Math.floor(random() * 10);
  const texts = Array.from({ length: n }, () => {
    let t = JSON.stringify(record(random));
    if (random() < 0.2) t = JSON.stringify(JSON.parse(t), null, pick(random, [1, 2, '\t']));
    if (random() < 0.2)
      t = t.replace('"eventName":', pick(random, ['"eventName" :  ', '"eventName"\r\n:\t']));
    if (random() < 0.2) t = t.replace(/\n/g, '\r\n');
    return t;
  });
  const sep = pick(random, [',', ', ', ',\n  ', '\r\n,', ' , ']);
  return `{"Records":${pick(random, ['[', '[ ', '[\n'])}${texts.join(sep)}${pick(random, [']}', ' ]\n}\n', ']} '])}`;
}

/** Raw bytes below 0x20: JSON's blanks outside strings, never raw inside one. */
const CONTROL = ['\n', '\r', '\t', '\u0000', '\u0001', '\u001f'];

/** A copy with a few bytes changed, put in or taken out: mostly files either pass must refuse. */
function damaged(random: Random, text: string): string {
  let s = text;
  for (let k = 1 + Math.floor(random() * 3); k > 0; k -= 1) {
    const at = 12 + Math.floor(random() * Math.max(1, s.length - 12));
    const b = pick(random, ['{', '}', '[', ']', '"', '\\', ',', ' ', 'u', '', ...CONTROL]);
    s = random() < 0.5 ? s.slice(0, at) + b + s.slice(at) : s.slice(0, at) + b + s.slice(at + 1);
  }
  return s;
}

function compare(bytes: Buffer, tally: { decided: number; undecided: number; nulls: number }) {
  const open = bytes.indexOf('[');
  const reference = jsElementSpans(bytes, open);
  const fast = wasmElementSpans(bytes, open);
  if (fast === undefined) tally.undecided += 1;
  else {
    tally.decided += 1;
    expect(fast).toEqual(reference);
  }
  if (reference === null) tally.nulls += 1;
  expect(elementSpans(bytes, open)).toEqual(reference);
}

describe('structure pass in WebAssembly', () => {
  it('is the module assembled from structure-pass.wat (run npx tsx scripts/make-structure-pass.ts)', async () => {
    expect(readFileSync(MODULE, 'utf8')).toEqual(await structurePassModule());
    expect(STRUCTURE_PASS_WASM.length).toBeGreaterThan(0);
  });

  it('answers what the reference pass answers on generated files and damaged copies', () => {
    const random = prng(20261207);
    const tally = { decided: 0, undecided: 0, nulls: 0 };
    for (let f = 0; f < 400; f += 1) {
      const text = file(random);
      compare(Buffer.from(text), tally);
      for (let d = 0; d < 3; d += 1) compare(Buffer.from(damaged(random, text)), tally);
    }
    // Most files are decided by the module; both refused and accepted files are among them.
    expect(tally.decided).toBeGreaterThan(tally.undecided * 4);
    expect(tally.nulls).toBeGreaterThan(100);
    expect(tally.decided - tally.nulls).toBeGreaterThan(300);
  });

  it.each([
    ['an escaped quote at each offset across a block', (i: number) => `{"a":"${'x'.repeat(i)}\\"}]"}`],
    [
      'a backslash run ending at each offset',
      // An odd run escapes the quote after it: one more closes the string.
      (i: number) => `{"a":"${'x'.repeat(i)}${'\\'.repeat(1 + (i % 6))}${i % 2 === 0 ? '"]"' : '"'}}`,
    ],
    ['a watched key at each offset', (i: number) => `{"b":"${'x'.repeat(i)}","eventName":"CreateFunction"}`],
    ['a \\u escape at each offset', (i: number) => `{"b":"${'x'.repeat(i)}\\u0041"}`],
    [
      'a key with blanks and near misses at each offset',
      (i: number) =>
        `{"b":"${'x'.repeat(i)}","eventName"${i % 2 === 0 ? ' :\r\n' : '-'}${KEY_ENDS[i % KEY_ENDS.length]}}`,
    ],
    [
      'a control byte inside a string at each offset',
      (i: number) => `{"a":"${'x'.repeat(i)}${CONTROL[i % CONTROL.length]}y","b":1}`,
    ],
    [
      'an escaped control byte at each offset',
      (i: number) => `{"a":"${'x'.repeat(i)}\\${CONTROL[i % CONTROL.length]}y"}`,
    ],
    [
      'control bytes outside strings at each offset',
      (i: number) =>
        `{${CONTROL[i % CONTROL.length]}"a":"${'x'.repeat(i)}"${CONTROL[(i + 1) % CONTROL.length]}}`,
    ],
    [
      'a stray quote before a line that holds a record',
      (i: number) => `{"a":"${'x'.repeat(i)}\n{"eventName":"CreateFunction","b":"y"}\n"}`,
    ],
  ])('agrees for %s', (_label, element) => {
    const tally = { decided: 0, undecided: 0, nulls: 0 };
    for (let i = 0; i < 140; i += 1)
      compare(Buffer.from(`{"Records":[${element(i)},${element(139 - i)}]}`), tally);
    expect(tally.undecided).toBe(0);
  });

  it('refuses a byte below 0x20 inside a string, raw or escaped, as the reference does', () => {
    for (const c of CONTROL) {
      for (const text of [`{"Records":[{"a":"x${c}y"}]}`, `{"Records":[{"a":"x\\${c}"}]}`]) {
        expect(wasmElementSpans(Buffer.from(text), 11)).toBeNull();
        expect(jsElementSpans(Buffer.from(text), 11)).toBeNull();
      }
      const outside = Buffer.from(`{"Records":[{${c}"a":"x"${c}}]}`);
      expect(jsElementSpans(outside, 11)?.starts).toEqual([12]);
    }
  });

  it('refuses a backslash outside strings as the reference does, and reads a large file after a small one', () => {
    for (const text of [`{"Records":[{"a":1}\\,{"b":2}]}`, `{"Records":[{"a":1\\u0041}]}`]) {
      const outside = Buffer.from(text);
      expect(wasmElementSpans(outside, 11)).toBeNull();
      expect(jsElementSpans(outside, 11)).toBeNull();
    }
    const big = Buffer.from(`{"Records":[${Array(20000).fill(JSON.stringify(attack())).join(',')}]}`);
    expect(wasmElementSpans(big, 11)).toEqual(jsElementSpans(big, 11));
    const small = Buffer.from('{"Records":[{"eventName":"CreateFunction"}]}');
    expect(wasmElementSpans(small, 11)?.candidates).toEqual([0]);
  });
});
