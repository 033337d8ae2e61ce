/**
 * Record-level reading gives the findings of the whole-file parse: every shape of input the scan
 * reads, then generated log files full of traps for a byte search (event names inside other fields'
 * strings, escaped quotes and backslashes, brackets in strings, `\u` escapes, nested `Records`).
 * Each file is read twice through `readBytes`: pre-filter on (the record-level path where the shape
 * allows it) and off (every file parsed whole); relevant events, problems and findings must match.
 */
import { prng } from '../../bench/markdown.js';
import { readBytes } from '../../lambda/cli/readers.js';
import { candidateRecords, elementSpans } from '../../lambda/cli/record-level.js';
import { detect, EventCollector, emptyStats } from '../../lambda/cli/scan.js';
import { isPartial, type SourceProblem, type SourceRecord } from '../../lambda/cli/source-types.js';
import {
  createFunction,
  envelope,
  layerArn,
  OTHER_ACCOUNT,
  otherService,
  type Rec,
  updateFunctionConfiguration,
} from '../support/records.js';
import { tamperingCalls } from '../support/tamper-records.js';
import { publishVersion, updateAlias } from '../support/version-records.js';

const MAX = 8 * 1024 * 1024;

async function read(bytes: Buffer, prefilter: boolean) {
  const problems: SourceProblem[] = [];
  const records: SourceRecord[] = [];
  let unparsed = 0;
  await readBytes('f.json', bytes, problems, (rs) => records.push(...rs), {
    prefilter,
    maxRecordBytes: MAX,
    onUnparsed: (n) => {
      unparsed += n;
    },
  });
  const stats = emptyStats();
  const collector = new EventCollector(stats, problems);
  collector.add(records);
  collector.skip(unparsed);
  const events = collector.sorted();
  return {
    events: JSON.stringify(events),
    findings: JSON.stringify(detect(events)),
    /** What makes an input partial (exit code 2): both paths must report it alike. */
    partial: problems.filter(isPartial),
    problems,
    records: stats.records,
    parsed: records.length,
  };
}

/** Both paths; the findings must not be empty where the input holds an attack. */
async function same(bytes: Buffer) {
  const fast = await read(bytes, true);
  const whole = await read(bytes, false);
  expect(fast.events).toEqual(whole.events);
  expect(fast.findings).toEqual(whole.findings);
  expect(fast.partial).toEqual(whole.partial);
  return { fast, whole };
}

const attack = () =>
  updateFunctionConfiguration('billing', {
    layers: [layerArn('deps', 1), layerArn('ext', 1, OTHER_ACCOUNT)],
  });
const tamper = () => tamperingCalls().map((c) => c.record);
const lines = (rs: unknown[]) => `${rs.map((r) => JSON.stringify(r)).join('\n')}\n`;

describe('record-level reading: every shape of input gives the whole-file findings', () => {
  const shapes: [string, () => string, boolean][] = [
    [
      'CloudTrail log file',
      () => JSON.stringify({ Records: [otherService(), attack(), ...tamper(), createFunction('f')] }),
      true,
    ],
    [
      'pretty-printed log file',
      () => JSON.stringify({ Records: [otherService(), attack(), publishVersion('f', '2')] }, null, 2),
      true,
    ],
    [
      'lookup-events output',
      () =>
        JSON.stringify({
          Events: [otherService(), attack(), updateAlias('f', 'live', '2')].map((r) => ({
            EventId: r.eventID,
            EventName: r.eventName,
            CloudTrailEvent: JSON.stringify(r),
          })),
        }),
      true,
    ],
    [
      'EventBridge envelopes in Records',
      () => JSON.stringify({ Records: [envelope(attack()), otherService()] }),
      true,
    ],
    ['one EventBridge envelope', () => JSON.stringify(envelope(attack())), false],
    ['JSON Lines', () => lines([otherService(), attack(), ...tamper()]), false],
    [
      'JSON Lines of EventBridge envelopes',
      () => lines([envelope(attack()), envelope(otherService())]),
      false,
    ],
    [
      'concatenated documents',
      () =>
        `${JSON.stringify({ Records: [attack()] })}${JSON.stringify({ Records: [otherService(), attack()] })}`,
      false,
    ],
    ['an array of records', () => JSON.stringify([otherService(), attack()]), false],
    ['a log file with a second key', () => JSON.stringify({ Records: [attack()], NextToken: 'x' }), false],
    [
      'Records twice (the last wins)',
      () => `{"Records":[${JSON.stringify(attack())}],"Records":[${JSON.stringify(otherService())}]}`,
      false,
    ],
    ['an element that is not an object', () => JSON.stringify({ Records: [attack(), 7, 'x', null] }), false],
    [
      'Records not an array',
      () => JSON.stringify({ Records: { eventName: 'UpdateFunctionConfiguration' } }),
      false,
    ],
    [
      'a CloudTrail digest file naming a watched call',
      () =>
        JSON.stringify({
          awsAccountId: '111122223333',
          digestStartTime: '2026-03-14T09:00:00Z',
          logFiles: [
            { s3Object: 'x/UpdateFunctionConfiguration.json.gz', eventName: 'UpdateFunctionConfiguration' },
          ],
        }),
      false,
    ],
    ['an empty Records array', () => '{"Records":[]} ', true],
    [
      'a log file whose only watched name is spelled with a \\u escape',
      () =>
        JSON.stringify({ Records: [otherService(), attack()] }).replace(
          '"eventName":"UpdateFunctionConfiguration',
          '"eventName":"\\u0055pdateFunctionConfiguration',
        ),
      true,
    ],
    [
      'a log file with CRLF line ends',
      () => JSON.stringify({ Records: [otherService(), attack()] }, null, 2).replace(/\n/g, '\r\n'),
      true,
    ],
    [
      'a record nested deeper than the byte pass follows',
      () =>
        JSON.stringify({
          Records: [
            { ...otherService(), requestParameters: JSON.parse(`${'['.repeat(300)}${']'.repeat(300)}`) },
            attack(),
          ],
        }),
      false,
    ],
  ];

  it.each(shapes)('%s', async (_label, make, recordLevel) => {
    const bytes = Buffer.from(make());
    await same(bytes);
    expect(candidateRecords('f', bytes, 0, 1) !== null).toBe(recordLevel);
  });

  it('finds the attack in each shape that holds one', async () => {
    const { fast } = await same(Buffer.from(JSON.stringify({ Records: [otherService(), attack()] })));
    expect(JSON.parse(fast.findings).map((f: { detectionId: string }) => f.detectionId)).toContain(
      'lambda-layer-added',
    );
    expect(fast.parsed).toBe(1);
    expect(fast.records).toBe(2);
  });

  it.each([
    ['cut short', (s: string) => s.slice(0, -40)],
    ['a bracket that does not match', (s: string) => s.replace('"tlsDetails":{', '"tlsDetails":[')],
    ['a trailing comma', (s: string) => s.replace(/\]\}$/, ',]}')],
    [
      'a broken candidate',
      (s: string) =>
        s.replace('"eventName":"UpdateFunctionConfiguration', '"eventName":UpdateFunctionConfiguration'),
    ],
  ])('falls back to the whole-file parse for a file %s', async (_label, damage) => {
    const text = damage(JSON.stringify({ Records: [otherService(), attack()] }));
    const bytes = Buffer.from(text);
    expect(candidateRecords('f', bytes, 0, 1)).toBeNull();
    const { fast, whole } = await same(bytes);
    expect(fast.problems).toEqual(whole.problems);
  });

  it('keeps whole-file positions and ordinals', () => {
    const bytes = Buffer.from(
      `\n\n${JSON.stringify({ Records: [otherService(), otherService(), attack()] })}`,
    );
    const r = candidateRecords('f', bytes, 2, 3);
    expect(r?.records.map((x) => [x.position, x.ordinal])).toEqual([['line 3 Records[2]', 2]]);
    expect(r?.unparsed).toBe(2);
  });

  it('follows strings that hold brackets, quotes and backslashes', () => {
    const text = JSON.stringify({ Records: [{ a: '}]},{"x":[', b: 'q\\"', c: '\\' }, { d: [[{}], '"]'] }] });
    expect(elementSpans(Buffer.from(text), text.indexOf('['))?.starts).toHaveLength(2);
  });
});

/** Records a byte search could mistake, and real candidates written in ways a byte search could miss. */
function trickyRecord(random: () => number): { text: string; watched: boolean } {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
  const fake = JSON.stringify(attack());
  const benign = (): Rec => {
    const r = otherService();
    const traps: Rec[] = [
      { userAgent: `"eventName":"UpdateFunctionConfiguration20150331v2" ${fake}` },
      { requestParameters: { Records: [JSON.parse(fake)], eventName: 'PutRolePolicy' } },
      {
        requestParameters: { policy: '{"Statement":[{"Effect":"Deny"}]}\\', note: 'a \\"quoted\\" \\\\ }]' },
      },
      {
        requestParameters: { items: [JSON.parse(fake), { eventVersion: '1.09', eventName: 'DeleteTrail' }] },
      },
      { additionalEventData: { 'é\u2028': 'ünïcødé 🙂', eventName: 'eventName' } },
      // A whole watched record as JSON inside a string, and as a value of a nested eventName key.
      { requestParameters: { note: fake, nested: { eventName: 'UpdateFunctionConfiguration20150331v2' } } },
      { responseElements: { items: [[{ Records: [JSON.parse(fake)] }], '{"eventVersion":"1.08",'] } },
      {},
    ];
    return { ...r, ...pick(traps) };
  };
  const candidates = [attack, ...tamperingCalls().map((c) => () => c.record), () => createFunction('fn')];
  const watched = random() < 0.3;
  let text = JSON.stringify(watched ? pick(candidates)() : benign());
  // Pretty-printing, and blanks a byte search might stop at.
  if (random() < 0.2) text = JSON.stringify(JSON.parse(text), null, pick([1, 2, '\t']));
  if (random() < 0.2)
    text = text.replace('"eventName":', pick(['"eventName"     :   ', '"eventName"\r\n\t:\r\n ']));
  if (random() < 0.2) text = text.replace(/\n/g, '\r\n');
  // A real candidate whose event name (or key) is written with `\u` escapes: JSON.parse reads it.
  if (watched && random() < 0.3)
    text = text.replace(
      /"eventName"(\s*:\s*)"(\w)/,
      (_m, colon: string, c: string) => `"event\\u004eame"${colon}"\\u00${c.charCodeAt(0).toString(16)}`,
    );
  return { text, watched };
}

/** A generated file of tricky records, with at least one plain candidate (so it passes the pre-filter). */
function trickyFile(random: () => number, wrap: (texts: string[], sep: string) => string): Buffer {
  const n = 1 + Math.floor(random() * 12);
  const records = Array.from({ length: n }, () => trickyRecord(random).text);
  records.push(JSON.stringify(attack()));
  records.sort(() => random() - 0.5);
  const sep = [',', ',', ',', ',\n  ', ',\r\n'][Math.floor(random() * 5)] as string;
  return Buffer.from(wrap(records, sep));
}

describe('record-level reading: generated log files', () => {
  it.each([
    ['log files', 300, (texts: string[], sep: string) => `{"Records":[${texts.join(sep)}]}`],
    [
      'lookup-events outputs',
      60,
      (texts: string[], sep: string) =>
        `{"Events":[${texts
          .map((t, i) => JSON.stringify({ EventId: `e-${i}`, CloudTrailEvent: t.replace(/\r/g, '') }))
          .join(sep)}],"NextToken":null}`.replace(',"NextToken":null', ''),
    ],
  ])('gives the whole-file findings for %s of tricky records', async (_label, files, wrap) => {
    const random = prng(20261207);
    let recordLevel = 0;
    for (let f = 0; f < files; f += 1) {
      const bytes = trickyFile(random, wrap);
      const { fast, whole } = await same(bytes);
      expect(fast.records).toBe(whole.records);
      expect(fast.parsed).toBeLessThanOrEqual(whole.parsed);
      const read = candidateRecords('f', bytes, 0, 1) !== null;
      if (read) recordLevel += 1;
      // On one line, every file is read record by record; on several, one whose line opens a
      // watched record nested in a parsed element is read whole (a reader resuming there after a
      // syntax error would read that record alone: record-level-guards.ts).
      else expect(bytes.includes(0x0a)).toBe(true);
    }
    expect(recordLevel).toBeGreaterThan(files * 0.6);
  });
});
