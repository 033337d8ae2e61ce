/**
 * The Athena runner against moto: moto runs no SQL, so results are seeded through its
 * `/moto-api/static/athena/query-results` queue (a header row first, as Athena returns for a
 * SELECT); executions step QUEUED -> RUNNING -> SUCCEEDED one status read at a time, so the runner
 * really polls; a query stopped behind its back ends as a cancelled-query error.
 */
import { AthenaClient, StopQueryExecutionCommand } from '@aws-sdk/client-athena';
import {
  type AthenaProgress,
  AthenaQueryError,
  AthenaQueryRunner,
  type AthenaRow,
} from '../../lambda/adapters/athena-query-runner.js';
import { ATHENA_HEADER } from '../support/athena-rows.js';
import { clientConfig, type Moto, startMoto } from '../support/moto.js';

const ACCOUNT = '123456789012';
let moto: Moto;
let client: AthenaClient;

async function motoApi(path: string, body: unknown): Promise<void> {
  const res = await fetch(`${moto.endpoint}${path}`, { method: 'POST', body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
}

const cell = (v: string | null) => (v === null ? {} : { VarCharValue: v });
const COLUMNS = ATHENA_HEADER;

beforeAll(async () => {
  moto = await startMoto();
  client = new AthenaClient(clientConfig(moto.endpoint));
  await motoApi('/moto-api/state-manager/set-transition', {
    model_name: 'athena::execution',
    transition: { progression: 'manual', times: 1 },
  });
}, 60_000);

afterAll(async () => {
  client?.destroy();
  await moto?.stop();
});

async function all(rows: AsyncIterable<AthenaRow>): Promise<AthenaRow[]> {
  const out: AthenaRow[] = [];
  for await (const r of rows) out.push(r);
  return out;
}

describe('AthenaQueryRunner against moto', () => {
  it('runs a query, polls until it succeeds, and maps the seeded rows by column', async () => {
    const values = [
      'ev-1',
      '2026-03-14T09:07:00Z',
      'lambda.amazonaws.com',
      'UpdateFunctionConfiguration20150331v2',
      'us-east-1',
      '198.51.100.77',
      'aws-cli/2.27.0',
      '111122223333',
      null,
      JSON.stringify({
        functionName: 'orders-api',
        layers: ['arn:aws:lambda:us-east-1:444455556666:layer:x:1'],
      }),
      JSON.stringify({
        functionArn: 'arn:aws:lambda:us-east-1:111122223333:function:orders-api',
        functionName: 'orders-api',
      }),
      JSON.stringify({
        type: 'IAMUser',
        arn: 'arn:aws:iam::111122223333:user/mallory',
        accountid: '111122223333',
      }),
    ];
    await motoApi('/moto-api/static/athena/query-results', {
      account_id: ACCOUNT,
      region: 'us-east-1',
      results: [
        {
          rows: [{ Data: COLUMNS.map(cell) }, { Data: values.map(cell) }],
          column_info: COLUMNS.map((Name) => ({
            Name,
            Type: 'varchar',
            Nullable: 'UNKNOWN',
            CaseSensitive: true,
          })),
        },
      ],
    });
    const progress: AthenaProgress[] = [];
    const sql = "SELECT * FROM cloudtrail.events WHERE eventsource = 'lambda.amazonaws.com'";
    const rows = await all(
      new AthenaQueryRunner(client, { initialPollMs: 1, maxPollMs: 5 }).query(
        { sql, database: 'cloudtrail', outputLocation: 's3://hunt-results/' },
        (p) => progress.push(p),
      ),
    );
    expect(progress.map((p) => p.state)).toEqual(['RUNNING', 'SUCCEEDED']);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ eventid: 'ev-1', errorcode: null, awsregion: 'us-east-1' });
    expect(JSON.parse(rows[0]?.requestparameters ?? 'null')).toMatchObject({ functionName: 'orders-api' });
    expect(Object.keys(rows[0] ?? {})).toEqual(COLUMNS);
  });

  it('reports a query stopped while it ran as a cancelled-query error', async () => {
    const runner = new AthenaQueryRunner(client, { initialPollMs: 1 });
    const id = await runner.start({ sql: 'SELECT 1' });
    await client.send(new StopQueryExecutionCommand({ QueryExecutionId: id }));
    const error = (await runner.wait(id).catch((e: unknown) => e)) as AthenaQueryError;
    expect(error).toBeInstanceOf(AthenaQueryError);
    expect(error).toMatchObject({ executionId: id, state: 'CANCELLED' });
  });
});
