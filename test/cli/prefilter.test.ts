/**
 * The byte pre-filter: false must be certain, so every way a parse can read a watched event name
 * must answer true; a file of other calls answers false.
 */
import { prng } from '../../bench/markdown.js';
import {
  JUDGE_TABLE,
  keyVerdict,
  lookupElementMalformed,
  mayHoldCandidate,
  pieceMayBeCandidate,
  recordMayBeCandidate,
  watchedKeyCount,
  watchedKeys,
} from '../../lambda/cli/prefilter.js';
import { judgeKeys } from '../../lambda/cli/structure-wasm.js';
import { ATHENA_HEADER, athenaRow, csvField, queryResultRow } from '../support/athena-rows.js';
import { layerArn, OTHER_ACCOUNT, updateFunctionConfiguration } from '../support/records.js';

const inString = (record: string) => JSON.stringify({ CloudTrailEvent: record });
/** Past the size from which the keys are found by the WebAssembly vector search. */
const big = (text: string) => `${text}${' '.repeat(5000)}`;

describe('mayHoldCandidate', () => {
  const CASES: [string, string, boolean][] = [
    ['a compact record', '{"eventName":"UpdateFunctionConfiguration20150331v2"}', true],
    ['a value aligned far to the right', `{"eventName"${' '.repeat(40)}:   "PutRolePolicy"}`, true],
    ['CRLF and tabs around the colon', '{"eventName"\r\n\t:\r\n "DeleteTrail"}', true],
    ['escaped JSON inside a string', inString('{"eventName":"StopLogging"}'), true],
    [
      'escaped blanks inside a string',
      inString('{"eventName"\r\n\t:\r\n "UpdateFunctionCode20150331v2"}'),
      true,
    ],
    ['a name spelled with a `\\u` escape', '{"eventName":"\\u0055pdateFunctionConfiguration"}', true],
    ['the key spelled with a `\\u` escape', '{"event\\u004Eame":"StopLogging"}', true],
    ['a `\\u` escape inside a string', inString('{"eventName":"\\u0044eleteTrail"}'), true],
    ['another call', '{"eventName":"GetObject","note":"UpdateFunctionConfiguration"}', false],
    ['another call with an escaped sign (ASCII: parsed)', '{"eventName":"GetObject","q":"a\\u003db"}', true],
    ['another call with a non-ASCII escape', '{"eventName":"GetObject","q":"caf\\u00e9"}', false],
    ['another call with escaped blanks', inString('{"eventName"\r\n:\t"runInstances"}'), false],
  ];
  it.each(CASES)('%s', (_label, text, expected) => {
    expect(mayHoldCandidate(Buffer.from(text))).toBe(expected);
  });
  it.each(CASES)('%s, in a large input (the vector search)', (_label, text, expected) => {
    expect(mayHoldCandidate(Buffer.from(big(text)))).toBe(expected);
    expect(mayHoldCandidate(Buffer.from(`${' '.repeat(4999)}${text}`))).toBe(expected);
  });
});

describe('what a caller can write into its own record does not hide it', () => {
  /** The attack, its own request carrying `text` in a field the caller sets. */
  const attack = (text: string) => {
    const r = updateFunctionConfiguration('orders', { layers: [layerArn('x', 1, OTHER_ACCOUNT)] });
    return { ...r, requestParameters: { ...(r.requestParameters as object), description: text } };
  };
  const resultsJson = (text: string) =>
    JSON.stringify({
      ResultSet: {
        Rows: [ATHENA_HEADER, athenaRow(attack(text))].map((row) => ({
          Data: row.map((v) => ({ VarCharValue: v })),
        })),
      },
    });
  const csv = (text: string) =>
    [ATHENA_HEADER, athenaRow(attack(text))].map((row) => row.map(csvField).join(',')).join('\n');
  const lookup = (between: string) => {
    const inner = JSON.stringify(attack('x')).replace('"eventName":"', `"eventName":${between}"`);
    return JSON.stringify({ Events: [{ CloudTrailEvent: inner }] });
  };

  it.each([
    ['Athena get-query-results, a cell holding an eventName key', resultsJson('eventName"')],
    ['the same, escaped', resultsJson('x","eventName":"GetObject')],
    [
      'the same, its keys sorted (a NextToken of the longest kind first)',
      resultsJson('eventName"').replace('{"ResultSet"', `{"NextToken":"${'t'.repeat(1024)}","ResultSet"`),
    ],
    ['Athena CSV, a cell holding an eventName key', csv('eventName":"GetObject"')],
    ['Athena CSV ending like JSON', `${csv('"eventName":"x"')}\n]`],
    ['lookup-events, a \\u escape of a blank between key and value', lookup('\\u0020')],
    ['lookup-events, a \\u escape of a line feed', lookup('\\u000a')],
    [
      'lookup-events, the quotes as \\u escapes',
      lookup('').replace(/\\"eventName\\":\\"/, '\\u0022eventName\\u0022:\\u0022'),
    ],
  ])('%s', (_label, text) => {
    expect(mayHoldCandidate(Buffer.from(text))).toBe(true);
    expect(mayHoldCandidate(Buffer.from(big(text.replace(/\}\s*$/, `,"pad":"${' '.repeat(5000)}"}`))))).toBe(
      true,
    );
  });
});

describe('a row of Athena results, read as a piece', () => {
  const attack = (text: string) => {
    const r = updateFunctionConfiguration('orders', { layers: [layerArn('x', 1, OTHER_ACCOUNT)] });
    return { ...r, userAgent: text };
  };
  /** One `get-query-results` row, as the splitter hands it over. */
  const row = (r: Record<string, unknown>) => Buffer.from(JSON.stringify(queryResultRow(athenaRow(r))));

  it.each([
    ['a cell spelling an eventName key', 'aws-cli/2.27.0 eventName"', true],
    ['a cell spelling a key and another call', 'x","eventName":"GetObject', true],
    ['no key at all', 'aws-cli/2.27.0', true],
  ])('the attack, %s: kept, whatever keys the cells spell', (_label, text, expected) => {
    expect(pieceMayBeCandidate(row(attack(text)), 'ResultSet.Rows')).toBe(expected);
  });

  it('is judged as a row only when the splitter found it in ResultSet.Rows', () => {
    const bytes = row(attack('eventName"'));
    // By its keys, the row looks like a record of another call: only where it stands tells them apart.
    expect(recordMayBeCandidate(bytes)).toBe(false);
    expect(pieceMayBeCandidate(bytes, 'Records')).toBe(false);
    expect(pieceMayBeCandidate(bytes, 'ResultSet.Rows')).toBe(true);
  });

  it('a row of another call, spelling a key or not, is still skipped', () => {
    for (const text of ['eventName"', 'aws-cli/2.27.0']) {
      const other = { ...attack(text), eventSource: 's3.amazonaws.com', eventName: 'GetObject' };
      expect(pieceMayBeCandidate(row(other), 'ResultSet.Rows')).toBe(false);
    }
  });
});

describe('the key test in WebAssembly', () => {
  const judge = (b: Buffer) => judgeKeys(b, JUDGE_TABLE);

  it('answers what the reference answers, at every offset across 16-byte steps and at the end', () => {
    const afters = ['":"PutRolePolicy"', '\\":\\"StopLogging', '":"GetObject"', '"', '\\', ':', 'X'];
    for (const word of ['eventName', 'ResultSet'])
      for (const after of afters) {
        for (let offset = 0; offset < 40; offset += 1) {
          const b = Buffer.from(`${'x'.repeat(offset)}${word}${after}${' '.repeat(4100)}${word}${after}`);
          expect([offset, judge(b)]).toEqual([offset, keyVerdict(b)]);
          const tail = Buffer.from(`${' '.repeat(4096 + offset)}${word}${after}`);
          expect([offset, judge(tail)]).toEqual([offset, keyVerdict(tail)]);
        }
      }
  });

  it('answers what the reference answers on generated bytes full of near misses', () => {
    const random = prng(20261207);
    const parts = [
      'eventName"',
      'eventName\\',
      'eventName',
      'eventNam"',
      'xventName"',
      'eventname"',
      ':',
      '\\',
      '"',
      ' ',
      '\r\n\t',
      'rnt',
      'e',
      'N',
      'abc',
      'PutRolePolicy',
      'PutRolePolic',
      'UpdateFunctionConfiguration',
      'UpdateFunction',
      'StopLogging',
      'Stop',
      'DeleteTrail',
      'GetObject',
      'ResultSet"',
      'ResultSet\\',
      'ResultSe"',
      'RxxxxxS',
      'RxxxxxSxx"',
      'R',
      'S',
    ];
    const watched = ['PutRolePolicy', 'UpdateFunctionConfiguration', 'StopLogging', 'DeleteTrail'];
    // In turn: no key at all, keys with no watched name, everything; each also without a ResultSet key.
    const results = ['ResultSet"', 'ResultSet\\'];
    const kinds = [
      parts.filter((p) => !p.startsWith('eventName')),
      parts.filter((p) => !watched.includes(p)),
      parts,
    ].flatMap((some) => [some, some.filter((p) => !results.includes(p))]);
    const verdicts = new Set<number>();
    for (let n = 0; n < 300; n += 1) {
      const pieces: string[] = [];
      const some = kinds[n % 6] as string[];
      let size = 0;
      while (size < 4100 + n * 7) {
        const piece = some[Math.floor(random() * some.length)] as string;
        pieces.push(piece);
        size += piece.length;
      }
      const b = Buffer.from(pieces.join(''));
      verdicts.add(keyVerdict(b));
      expect([n, judge(b)]).toEqual([n, keyVerdict(b)]);
      // Without the ResultSet search, the same verdict less its RESULTS_KEY bit (4).
      expect([n, keyVerdict(b, false)]).toEqual([n, keyVerdict(b) & ~4]);
      expect([n, keyVerdict(b.subarray(0, 100 + n), false)]).toEqual([
        n,
        keyVerdict(b.subarray(0, 100 + n)) & ~4,
      ]);
      // Counted, the module finds the reference's watched keys (the record-level pass compares counts).
      expect([n, watchedKeyCount(b)]).toEqual([n, watchedKeys(b).length]);
      expect([n, watchedKeyCount(b.subarray(0, 100 + n))]).toEqual([
        n,
        watchedKeys(b.subarray(0, 100 + n)).length,
      ]);
    }
    // Each verdict was met: the generated bytes exercise every branch.
    expect([...verdicts].sort()).toEqual([0, 1, 2, 4, 5]);
  });

  it('answers no key for bytes of near misses only, however many', () => {
    // `e`, a quote 9 bytes on and `N` 5 bytes on, every 6 bytes: a place at each, never the word.
    const b = Buffer.from('eab"cN'.repeat(1000));
    expect(judge(b)).toBe(0);
    expect(mayHoldCandidate(b)).toBe(false);
  });

  it('reads no stale bytes after a larger input', () => {
    // The larger input leaves a watched name in the module's memory just past the smaller one's key.
    judge(Buffer.from(`${' '.repeat(4090)}eventName":"StopLogging"${' '.repeat(5000)}`));
    expect(judge(Buffer.from(`${' '.repeat(4090)}eventName":"`))).toBe(1);
    expect(judge(Buffer.from(`${' '.repeat(4090)}eventName":"Stop`))).toBe(1);
  });
});

describe('recordMayBeCandidate', () => {
  it.each([
    ['a `\\u` escape', '{"event\\u004eame":"\\u0055pdateFunctionConfiguration"}', true],
    ['a `\\u` escape inside a string', inString('{"event\\u004eame":"DeleteTrail"}'), true],
    ['another call', '{"eventName":"GetObject"}', false],
  ])('%s', (_label, text, expected) => {
    expect(recordMayBeCandidate(Buffer.from(text))).toBe(expected);
  });
});

describe('lookupElementMalformed', () => {
  /** The reference: the regular expression over a latin1 copy of the bytes that the byte search replaced. */
  const reference = (bytes: Buffer) =>
    !/"CloudTrailEvent"[ \t\n\r]*:[ \t\n\r]*"/.test(bytes.toString('latin1'));

  it.each([
    ['a lookup element', '{"EventId":"1","CloudTrailEvent":"{}"}', false],
    ['blanks around the colon', '{"CloudTrailEvent" \r\n\t:\t\r\n "{}"}', false],
    ['a value that is no string', '{"CloudTrailEvent":{}}', true],
    ['no key', '{"EventId":"1"}', true],
    ['the key twice, the second with a string', '{"CloudTrailEvent":1,"CloudTrailEvent":"{}"}', false],
    ['keys that share a quote', '"CloudTrailEvent"CloudTrailEvent":"x"', false],
    ['the key at the end', '{"CloudTrailEvent"', true],
    ['the key and colon at the end', '{"CloudTrailEvent" : ', true],
  ])('%s', (_label, text, expected) => {
    expect(lookupElementMalformed(Buffer.from(text))).toBe(expected);
    expect(reference(Buffer.from(text))).toBe(expected);
  });

  it('answers as the regular expression did on generated elements', () => {
    const random = prng(11);
    const parts = [
      '"CloudTrailEvent"',
      '"CloudTrail',
      'Event"',
      ':',
      ' ',
      '\t',
      '\r\n',
      '"',
      '{',
      '}',
      'x',
      '1',
      '\u00e9',
      '\f',
    ];
    const answers = new Set<boolean>();
    for (let n = 0; n < 3000; n += 1) {
      const length = 1 + Math.floor(random() * 12);
      const b = Buffer.from(
        Array.from({ length }, () => parts[Math.floor(random() * parts.length)]).join(''),
      );
      answers.add(lookupElementMalformed(b));
      expect([b.toString(), lookupElementMalformed(b)]).toEqual([b.toString(), reference(b)]);
    }
    // Both answers were met: the generated bytes exercise each.
    expect([...answers].sort()).toEqual([false, true]);
  });
});
