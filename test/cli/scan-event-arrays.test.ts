/**
 * A document that names its event arrays more than once: `Records` twice, `Records` and `ResultSet`
 * together, `Rows` twice in `ResultSet`, a key spelt with `\u` escapes. CloudTrail and Athena never
 * write one; `JSON.parse` keeps a key's last value, and a streaming reader that followed only the
 * first array would read other events than the whole parse. Whichever way the input is read (stdin,
 * a file read whole, a file over --max-record-bytes, with the pre-filter or without), the attack is
 * found wherever it stands, and the scan says the input was not read as one document: exit 2.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { queryResultRows } from '../support/athena-rows.js';
import { runCli } from '../support/cli-run.js';
import {
  layerArn,
  OTHER_ACCOUNT,
  otherService,
  otherServiceCalls,
  updateFunctionConfiguration,
} from '../support/records.js';

const DIR = mkdtempSync(join(tmpdir(), 'layerwatch-event-arrays-'));
afterAll(() => rmSync(DIR, { recursive: true, force: true }));

const attack = () => updateFunctionConfiguration('orders', { layers: [layerArn('x', 1, OTHER_ACCOUNT)] });
/** The benign arrays below hold 30 other calls: larger than the low record limit of the tests. */
const list = (records: unknown[]) => JSON.stringify(records);
/** The `Rows` of `aws athena get-query-results`, header row first, empty cells as `{}`. */
function rows(records: Record<string, unknown>[]): string {
  return JSON.stringify(queryResultRows(records));
}
const resultSet = (records: Record<string, unknown>[]) => `{"Rows":${rows(records)},"ResultSetMetadata":{}}`;
const lookup = (records: unknown[]) =>
  JSON.stringify(records.map((r) => ({ EventId: 'e', CloudTrailEvent: JSON.stringify(r) })));

/** Documents written by hand: `JSON.stringify` never writes a key twice. */
const CASES: [string, string, string][] = [
  [
    'Records twice, the attack last',
    `{"Records":${list(otherServiceCalls(30))},"Records":${list([attack()])}}`,
    'Records, Records',
  ],
  [
    'Records twice, the attack first',
    `{"Records":${list([attack()])},"Records":${list(otherServiceCalls(30))}}`,
    'Records, Records',
  ],
  [
    'Records twice among other keys',
    `{"a":1,"Records":${list(otherServiceCalls(30))},"b":{"Records":[]},"Records":${list([attack()])},"c":[2]}`,
    'Records, Records',
  ],
  [
    'the second Records spelt with an escape',
    `{"Records":${list(otherServiceCalls(30))},"Rec\\u006frds":${list([attack()])}}`,
    'Records, Records',
  ],
  [
    'the first Records spelt with an escape',
    `{"R\\u0065cords":${list([attack()])},"Records":${list(otherServiceCalls(30))}}`,
    'Records, Records',
  ],
  [
    'Records then ResultSet',
    `{"Records":${list([attack()])},"ResultSet":${resultSet(otherServiceCalls(30))}}`,
    'Records, ResultSet, ResultSet.Rows',
  ],
  [
    'Events then Records',
    `{"Events":${lookup(otherServiceCalls(30))},"Records":${list([attack()])}}`,
    'Events, Records',
  ],
  [
    'ResultSet twice',
    `{"ResultSet":${resultSet(otherServiceCalls(30))},"UpdateCount":0,"ResultSet":${resultSet([attack()])}}`,
    'ResultSet, ResultSet.Rows, ResultSet, ResultSet.Rows',
  ],
  [
    'Rows twice in ResultSet',
    `{"ResultSet":{"Rows":${rows([attack()])},"Rows":${rows(otherServiceCalls(30))}}}`,
    'ResultSet, ResultSet.Rows, ResultSet.Rows',
  ],
];

/** In process through the CLI's `main` (test/support/cli-run.ts): the same readers as the command. */
async function scan(args: string[], input?: string) {
  const r = await runCli(['scan', '--format', 'jsonl', ...args], input === undefined ? {} : { input });
  const detections = r.stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l).detectionId);
  return { code: r.code, detections, stderr: r.stderr };
}

describe('a document naming its event arrays more than once', () => {
  it.each(CASES)(
    '%s: found and reported on stdin, in a file read whole and in a streamed file',
    async (_, text, names) => {
      const file = join(DIR, 'doc.json');
      writeFileSync(file, text);
      expect(text.length).toBeGreaterThan(6000);
      for (const prefilter of [[], ['--no-prefilter']])
        for (const args of [['-'], [file], ['--max-record-bytes', '4096', file]]) {
          const r = await scan([...prefilter, ...args], args[0] === '-' ? text : undefined);
          const how = `${[...prefilter, ...args].join(' ')}`;
          expect([how, r.detections]).toEqual([how, ['lambda-layer-added']]);
          expect([how, r.code]).toEqual([how, 2]);
          expect(r.stderr).toContain(`names its event arrays more than once (${names})`);
          // Valid JSON the scan will not guess about: its own kind in the summary, not "not JSON".
          expect([how, r.stderr]).toEqual([
            how,
            expect.stringMatching(
              / 0 malformed, 0 not JSON, 1 ambiguous \(event arrays named twice, a JSON line that reads as CSV\), /,
            ),
          ]);
        }
    },
  );

  it('a log file with "Records" in a string value: read as usual, nothing reported', async () => {
    const file = join(DIR, 'plain.json');
    const text = JSON.stringify({
      Records: [
        ...otherServiceCalls(10),
        { ...otherService(), userAgent: '"Records" "Rec\\u006frds"' },
        attack(),
      ],
    });
    writeFileSync(file, text);
    for (const args of [['-'], [file], ['--no-prefilter', file], ['--max-record-bytes', '4096', file]]) {
      const r = await scan(args, args[0] === '-' ? text : undefined);
      expect([args, r.detections, r.code]).toEqual([args, ['lambda-layer-added'], 0]);
      expect(r.stderr).not.toContain('more than once');
    }
  });
});
