import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { athenaSql, parseCsv, recordOfRow } from '../../lambda/cli/athena.js';
import { CsvParser, CsvTooLargeError } from '../../lambda/cli/csv.js';
import { TAMPER_EVENT_NAMES } from '../../lambda/domain/cloudtrail-tamper.js';
import { TAMPER_EVENT_SOURCES, TAMPER_SERVICES } from '../../lambda/domain/model.js';
import { athenaRow, csvField, ATHENA_HEADER as HEADER } from '../support/athena-rows.js';
import { runCli } from '../support/cli-run.js';
import {
  addLayerVersionPermission,
  createFunction,
  denied,
  failed,
  identities,
  layerArn,
  OTHER_ACCOUNT,
  publishLayerVersion,
  type Rec,
  updateFunctionConfiguration,
} from '../support/records.js';
import { tamperingCalls } from '../support/tamper-records.js';

const ROOT = join(__dirname, '..', '..');
/** The command, run in this process (test/support/cli-run.ts). */
const run = (...args: string[]) => runCli(args);

const history: Rec[] = [
  createFunction('orders', {
    layers: [layerArn('deps', 1)],
    time: '2026-03-14T09:00:00Z',
    identity: identities.deployRole(),
  }),
  publishLayerVersion('tools', 2, { time: '2026-03-14T09:01:00Z' }),
  addLayerVersionPermission('tools', 2, '*', { time: '2026-03-14T09:02:00Z' }),
  updateFunctionConfiguration('orders', {
    layers: [layerArn('deps', 1), layerArn('x', 1, OTHER_ACCOUNT)],
    time: '2026-03-14T09:03:00Z',
    identity: identities.ssoAdmin(),
    userAgent: 'a "quoted", comma\nnewline agent',
  }),
  failed(updateFunctionConfiguration('orders', { layers: [] })),
  // A refused attach: its finding says what refused it, from errorMessage, which the query selects.
  denied(
    updateFunctionConfiguration('orders', {
      layers: [layerArn('y', 1, OTHER_ACCOUNT)],
      time: '2026-03-14T09:04:00Z',
      identity: identities.ssoAdmin(),
    }),
  ),
];

describe('athena-sql', () => {
  it('selects candidate Lambda events by prefix, with the filters', () => {
    const sql = athenaSql({
      table: 'db.cloudtrail_logs',
      sinceMs: Date.parse('2026-03-01'),
      untilMs: null,
      accounts: ['111122223333'],
      regions: ['us-east-1'],
    });
    expect(sql).toContain('FROM "db"."cloudtrail_logs"');
    expect(sql).toContain("eventsource = 'lambda.amazonaws.com'");
    expect(sql).toContain('errorcode IS NULL');
    for (const name of [
      'UpdateFunctionConfiguration',
      'CreateFunction',
      'PublishLayerVersion',
      'AddLayerVersionPermission',
    ]) {
      expect(sql).toContain(`eventname LIKE '${name}%'`);
    }
    expect(sql).toContain("eventname NOT LIKE 'CreateFunctionUrl%'");
    expect(sql).toContain("eventtime >= '2026-03-01T00:00:00Z'");
    expect(sql).toContain("recipientaccountid IN ('111122223333')");
    expect(sql).toContain('json_format(CAST(useridentity AS JSON)) AS useridentity');
  });

  it('selects the calls that can tamper with layerwatch by source and exact name, successful ones only', () => {
    const sql = athenaSql({
      table: 'cloudtrail_logs',
      sinceMs: null,
      untilMs: null,
      accounts: [],
      regions: [],
    });
    const where = sql.slice(sql.indexOf('WHERE'), sql.indexOf('ORDER BY'));
    // The tampering clauses sit inside errorcode IS NULL: failed tampering calls are left out
    // (athena-where.test.ts runs the clause with a SQL engine).
    expect(where).toMatch(/OR \(errorcode IS NULL AND \(\n {6}\(eventsource = 'cloudtrail\.amazonaws\.com'/);
    const clauses = new Map(
      [...where.matchAll(/\(eventsource = '([a-z]+\.amazonaws\.com)' AND eventname IN \(([^)]*)\)\)/g)].map(
        (m) => [m[1], (m[2] ?? '').split(', ').map((n) => n.replace(/^'|'$/g, ''))],
      ),
    );
    // Each service under its CloudTrail event source (CloudWatch's is monitoring.amazonaws.com).
    expect([...clauses.keys()].sort()).toEqual(TAMPER_SERVICES.map((s) => TAMPER_EVENT_SOURCES[s]).sort());
    for (const service of TAMPER_SERVICES)
      expect(clauses.get(TAMPER_EVENT_SOURCES[service])).toEqual(TAMPER_EVENT_NAMES[service]);
    for (const { record } of tamperingCalls())
      expect(clauses.get(String(record.eventSource))).toContain(record.eventName);
    // Lambda's layer operations keep their own clause, by prefix.
    expect(where).toContain("(errorcode IS NULL AND eventsource = 'lambda.amazonaws.com' AND (\n");
  });

  it("is the query README's Athena section shows for its example command", () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const sql = athenaSql({
      table: 'security.cloudtrail_logs',
      sinceMs: Date.parse('2026-01-01'),
      untilMs: null,
      accounts: [],
      regions: ['us-east-1'],
    });
    expect(readme).toContain(
      'npx layerwatch athena-sql --table security.cloudtrail_logs --since 2026-01-01 --region us-east-1',
    );
    expect(readme).toContain(`\`\`\`sql\n${sql}\`\`\``);
  });

  it('refuses a table name that could inject SQL', async () => {
    expect(() =>
      athenaSql({ table: 'x"; DROP TABLE y; --', sinceMs: null, untilMs: null, accounts: [], regions: [] }),
    ).toThrow(/not a table name/);
    const r = await run('athena-sql', '--account', 'nope');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--account/);
  });

  it('parses CSV with quotes, doubled quotes and line breaks in fields', () => {
    expect(parseCsv('a,b\r\n"x,1","he said ""hi""\nthen"\n')).toEqual([
      ['a', 'b'],
      ['x,1', 'he said "hi"\nthen'],
    ]);
  });

  it('parses CSV the same way whatever the chunks, and refuses a row over the limit', () => {
    const text = 'a,b\r\n"x,1","he said ""hi""\r\nthen"\r\n"",""""\n\nlast,"q"';
    const whole = parseCsv(text);
    for (let i = 1; i < text.length; i += 1) {
      const p = new CsvParser();
      expect([...p.push(text.slice(0, i)), ...p.push(text.slice(i)), ...p.end()]).toEqual(whole);
    }
    expect(whole).toEqual([
      ['a', 'b'],
      ['x,1', 'he said "hi"\r\nthen'],
      ['', '"'],
      ['last', 'q'],
    ]);
    expect(() => new CsvParser(10).push('"never closed, and long')).toThrow(CsvTooLargeError);
  });

  it('turns an Athena row back into the CloudTrail record', () => {
    const r = history[3] as Rec;
    const back = recordOfRow(Object.fromEntries(HEADER.map((h, i) => [h, athenaRow(r)[i] as string])));
    expect(back.userIdentity).toEqual(r.userIdentity);
    expect(back.requestParameters).toEqual(r.requestParameters);
    expect(back.eventID).toBe(r.eventID);
    expect(back.resources).toBeUndefined();
  });

  it("restores a row's resources (KMS names its key there) with CloudTrail's field names", () => {
    const r = tamperingCalls().find((c) => c.label === 'ScheduleKeyDeletion')?.record as Rec;
    const back = recordOfRow(Object.fromEntries(HEADER.map((h, i) => [h, athenaRow(r)[i] as string])));
    expect(back.resources).toEqual(r.resources);
    expect(back.requestParameters).toEqual(r.requestParameters);
    expect(athenaSql({ table: 't', sinceMs: null, untilMs: null, accounts: [], regions: [] })).toContain(
      'json_format(CAST(resources AS JSON)) AS resources',
    );
  });

  it('scan gives the same findings from the Athena CSV (and get-query-results JSON) as from the records', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lw-athena-'));
    writeFileSync(join(dir, 'trail.json'), JSON.stringify({ Records: history }));
    writeFileSync(
      join(dir, 'results.csv'),
      `${[HEADER, ...history.map(athenaRow)].map((row) => row.map(csvField).join(',')).join('\n')}\n`,
    );
    writeFileSync(
      join(dir, 'results.athena.json'),
      JSON.stringify({
        ResultSet: {
          Rows: [HEADER, ...history.map(athenaRow)].map((row) => ({
            Data: row.map((v) => ({ VarCharValue: v })),
          })),
        },
      }),
    );
    const direct = await run('scan', '--format', 'jsonl', join(dir, 'trail.json'));
    const csv = await run('scan', '--format', 'jsonl', join(dir, 'results.csv'));
    const jsonResult = await run('scan', '--format', 'jsonl', join(dir, 'results.athena.json'));
    const findings = direct.stdout.trim().split('\n');
    expect(findings).toHaveLength(5);
    expect(
      findings.filter(
        (f) => f.includes('"lambda-layer-attach-denied"') && f.includes('service control policy'),
      ),
    ).toHaveLength(1);
    expect(csv.stdout).toBe(direct.stdout);
    expect(jsonResult.stdout).toBe(direct.stdout);
    // Over the limit, both are streamed by rows: the same findings, pre-filter or not.
    for (const file of ['results.csv', 'results.athena.json'])
      expect(statSync(join(dir, file)).size).toBeGreaterThan(4096);
    for (const extra of [[], ['--no-prefilter']])
      for (const file of ['results.csv', 'results.athena.json'])
        expect(
          (await run('scan', '--format', 'jsonl', ...extra, '--max-record-bytes', '4096', join(dir, file)))
            .stdout,
        ).toBe(direct.stdout);
  });
});
