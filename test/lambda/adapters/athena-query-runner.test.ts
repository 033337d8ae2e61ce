import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  type QueryExecutionState,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import {
  type AthenaProgress,
  AthenaQueryError,
  AthenaQueryRunner,
  type AthenaRow,
} from '../../../lambda/adapters/athena-query-runner.js';

const athena = mockClient(AthenaClient);
const status = (State: QueryExecutionState, extra = {}) => ({
  QueryExecution: { Status: { State, ...extra }, Statistics: { DataScannedInBytes: 2048 } },
});
const row = (...values: (string | null)[]) => ({
  Data: values.map((v) => (v === null ? {} : { VarCharValue: v })),
});
const columns = (...names: string[]) => ({ ColumnInfo: names.map((Name) => ({ Name, Type: 'varchar' })) });

function runner(clock = { t: 0 }, waits: number[] = [], options = {}) {
  return new AthenaQueryRunner(new AthenaClient({}), {
    now: () => clock.t,
    sleep: async (ms) => {
      waits.push(ms);
      clock.t += ms;
    },
    ...options,
  });
}

async function all(rows: AsyncIterable<AthenaRow>): Promise<AthenaRow[]> {
  const out: AthenaRow[] = [];
  for await (const r of rows) out.push(r);
  return out;
}

describe('AthenaQueryRunner', () => {
  beforeEach(() => athena.reset());

  it('starts the query in its workgroup, database and output location', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q1' });
    await expect(
      runner().start({ sql: 'SELECT 1', database: 'trail', workGroup: 'hunts', outputLocation: 's3://b/p/' }),
    ).resolves.toBe('q1');
    expect(athena).toHaveReceivedCommandWith(StartQueryExecutionCommand, {
      QueryString: 'SELECT 1',
      WorkGroup: 'hunts',
      QueryExecutionContext: { Database: 'trail' },
      ResultConfiguration: { OutputLocation: 's3://b/p/' },
    });
  });

  it('polls with a growing interval, reporting progress, until the query succeeds', async () => {
    athena
      .on(GetQueryExecutionCommand)
      .resolvesOnce(status('QUEUED'))
      .resolvesOnce(status('RUNNING'))
      .resolvesOnce(status('RUNNING'))
      .resolvesOnce(status('RUNNING'))
      .resolves(status('SUCCEEDED'));
    const waits: number[] = [];
    const progress: AthenaProgress[] = [];
    await runner({ t: 0 }, waits, { maxPollMs: 1000 }).wait('q1', (p) => progress.push(p));
    expect(waits).toEqual([500, 750, 1000, 1000]);
    expect(progress.map((p) => `${p.state}@${p.elapsedMs}`)).toEqual([
      'QUEUED@0',
      'RUNNING@500',
      'RUNNING@1250',
      'RUNNING@2250',
      'SUCCEEDED@3250',
    ]);
    expect(progress[0]).toMatchObject({ executionId: 'q1', dataScannedBytes: 2048 });
  });

  it("throws an AthenaQueryError with Athena's reason when the query fails", async () => {
    athena.on(GetQueryExecutionCommand).resolves(
      status('FAILED', {
        StateChangeReason: 'SYNTAX_ERROR',
        AthenaError: { ErrorCategory: 2, ErrorMessage: "line 1:8: Column 'eventid' cannot be resolved" },
      }),
    );
    const error = (await runner()
      .wait('q1')
      .catch((e: unknown) => e)) as AthenaQueryError;
    expect(error).toBeInstanceOf(AthenaQueryError);
    expect(error).toMatchObject({
      executionId: 'q1',
      state: 'FAILED',
      reason: "line 1:8: Column 'eventid' cannot be resolved",
    });
    expect(error.message).toBe("Athena query q1 failed: line 1:8: Column 'eventid' cannot be resolved");
  });

  it('throws an AthenaQueryError when the query is cancelled', async () => {
    athena
      .on(GetQueryExecutionCommand)
      .resolves(status('CANCELLED', { StateChangeReason: 'Query cancelled by user' }));
    await expect(runner().wait('q1')).rejects.toThrow('Athena query q1 cancelled: Query cancelled by user');
  });

  it('stops a query that outlives the timeout, then reports it', async () => {
    athena.on(GetQueryExecutionCommand).resolves(status('RUNNING'));
    athena.on(StopQueryExecutionCommand).resolves({});
    const error = (await runner({ t: 0 }, [], { timeoutMs: 10_000 })
      .wait('q1')
      .catch((e: unknown) => e)) as AthenaQueryError;
    expect(error).toMatchObject({ state: 'TIMED_OUT' });
    expect(error.message).toMatch(/timed out: still running after \d+ s \(timeout 10 s\): stopped/);
    expect(athena).toHaveReceivedCommandWith(StopQueryExecutionCommand, { QueryExecutionId: 'q1' });
  });

  it('pages through the results, maps rows by column, skips the header row once, keeps NULL as null', async () => {
    athena
      .on(GetQueryResultsCommand, { NextToken: undefined })
      .resolves({
        ResultSet: {
          ResultSetMetadata: columns('eventid', 'errorcode'),
          Rows: [row('eventid', 'errorcode'), row('a', null)],
        },
        NextToken: 'p2',
      })
      .on(GetQueryResultsCommand, { NextToken: 'p2' })
      .resolves({
        ResultSet: {
          ResultSetMetadata: columns('eventid', 'errorcode'),
          Rows: [row('eventid', 'x'), row('c')],
        },
      });
    expect(await all(runner({ t: 0 }, [], { pageSize: 2 }).rows('q1'))).toEqual([
      { eventid: 'a', errorcode: null },
      { eventid: 'eventid', errorcode: 'x' },
      { eventid: 'c', errorcode: null },
    ]);
    expect(athena.commandCalls(GetQueryResultsCommand)[0]?.args[0].input).toMatchObject({ MaxResults: 2 });
  });

  it('runs a query end to end', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q9' });
    athena.on(GetQueryExecutionCommand).resolves(status('SUCCEEDED'));
    athena
      .on(GetQueryResultsCommand)
      .resolves({ ResultSet: { ResultSetMetadata: columns('n'), Rows: [row('n'), row('1'), row('2')] } });
    expect(await all(runner().query({ sql: 'SELECT n' }))).toEqual([{ n: '1' }, { n: '2' }]);
    expect(athena).toHaveReceivedCommandWith(GetQueryResultsCommand, { QueryExecutionId: 'q9' });
  });
});
