/**
 * The Athena query's WHERE clause, run by a real SQL engine (SQLite, from the Python the moto
 * suites already need) over rows shaped like the CloudTrail table's: it must select every record
 * the scanner turns into an event (successful layer, version and alias calls, tampering calls, and
 * refused attempts to set layers) and leave out every other failed call. SQLite's LIKE is made
 * case-sensitive, as Athena's (Presto's) is.
 */
import { spawnSync } from 'node:child_process';
import { athenaSql } from '../../lambda/cli/athena.js';
import {
  addLayerVersionPermission,
  createFunction,
  denied,
  failed,
  layerArn,
  otherService,
  publishLayerVersion,
  type Rec,
  updateFunctionConfiguration,
} from '../support/records.js';
import { tamperingCalls } from '../support/tamper-records.js';
import {
  createAlias,
  deleteAlias,
  deleteVersion,
  publishVersion,
  updateAlias,
} from '../support/version-records.js';

const EVIL = layerArn('evil', 1, '999988887777');

const SELECTED: [string, Rec][] = [
  ['an attach', updateFunctionConfiguration('pay', { layers: [EVIL] })],
  ['a creation', createFunction('pay', { layers: [EVIL] })],
  ['a layer publish', publishLayerVersion('shared', 3)],
  ['a layer share', addLayerVersionPermission('shared', 3, '*')],
  ['a version publish', publishVersion('pay', '8')],
  ['an alias created', createAlias('pay', 'prod', '8')],
  ['an alias moved', updateAlias('pay', 'prod', '8')],
  ['an alias deleted', deleteAlias('pay', 'prod')],
  ['a version deleted', deleteVersion('pay', '8')],
  ['an attach refused by an SCP', denied(updateFunctionConfiguration('pay', { layers: [EVIL] }))],
  [
    'a creation refused for lack of an allow',
    denied(
      createFunction('pay', { layers: [EVIL] }),
      'because no identity-based policy allows the lambda:CreateFunction action',
      'AccessDeniedException',
    ),
  ],
  ...tamperingCalls().map(({ label, record }): [string, Rec] => [`tampering: ${label}`, record]),
];

const LEFT_OUT: [string, Rec][] = [
  [
    'an attach that failed otherwise',
    failed(updateFunctionConfiguration('pay', { layers: [EVIL] }), 'ResourceConflictException'),
  ],
  ['a refused version publish', failed(publishVersion('pay', '8'))],
  ['a refused tampering call', failed(tamperingCalls()[0]?.record ?? {})],
  ['another service', otherService()],
  [
    'a function URL configuration',
    { ...createFunction('pay'), eventName: 'CreateFunctionUrlConfig20211031' },
  ],
];

/** The row of the CloudTrail table a record becomes (NULL where CloudTrail wrote nothing). */
function row(id: string, r: Rec) {
  const json = (v: unknown) => (v === undefined || v === null ? null : JSON.stringify(v));
  return {
    id,
    eventsource: r.eventSource ?? null,
    eventname: r.eventName ?? null,
    errorcode: r.errorCode ?? null,
    requestparameters: json(r.requestParameters),
    responseelements: json(r.responseElements),
    eventtime: r.eventTime ?? null,
    recipientaccountid: r.recipientAccountId ?? null,
    awsregion: r.awsRegion ?? null,
  };
}

const SQLITE = `
import json, sqlite3, sys
job = json.load(sys.stdin)
db = sqlite3.connect(':memory:')
db.execute('PRAGMA case_sensitive_like = ON')
cols = ['id', 'eventsource', 'eventname', 'errorcode', 'requestparameters', 'responseelements', 'eventtime', 'recipientaccountid', 'awsregion']
db.execute('CREATE TABLE t (%s)' % ', '.join(cols))
db.executemany('INSERT INTO t VALUES (%s)' % ', '.join('?' * len(cols)), [[r[c] for c in cols] for r in job['rows']])
print(json.dumps([r[0] for r in db.execute('SELECT id FROM t ' + job['where'])]))
`;

function selectedBy(where: string, rows: ReturnType<typeof row>[]): string[] {
  const python = process.env.LAYERWATCH_PYTHON ?? 'python3';
  const out = spawnSync(python, ['-c', SQLITE], { input: JSON.stringify({ where, rows }), encoding: 'utf8' });
  if (out.status !== 0) throw new Error(`sqlite failed: ${out.stderr}`);
  return JSON.parse(out.stdout) as string[];
}

describe('athena-sql, run by a SQL engine', () => {
  it('selects every record the scanner reads, refused layer attempts included, and no other failed call', () => {
    const sql = athenaSql({
      table: 'cloudtrail_logs',
      sinceMs: null,
      untilMs: null,
      accounts: [],
      regions: [],
    });
    const where = sql.slice(sql.indexOf('WHERE'), sql.indexOf('ORDER BY'));
    const all = [...SELECTED, ...LEFT_OUT];
    const rows = all.map(([label, r]) => row(label, r));
    expect(selectedBy(where, rows).sort()).toEqual(SELECTED.map(([label]) => label).sort());
  });

  it('applies the filters to every kind of record', () => {
    const sql = athenaSql({
      table: 'cloudtrail_logs',
      sinceMs: Date.parse('2026-03-01'),
      untilMs: null,
      accounts: ['444455556666'],
      regions: [],
    });
    const where = sql.slice(sql.indexOf('WHERE'), sql.indexOf('ORDER BY'));
    // The fixtures are in another account: the account filter leaves out even a refused attach.
    expect(
      selectedBy(
        where,
        SELECTED.map(([label, r]) => row(label, r)),
      ),
    ).toEqual([]);
  });
});
