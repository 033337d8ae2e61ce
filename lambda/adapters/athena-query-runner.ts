/**
 * Runs a query in Amazon Athena and reads its rows: StartQueryExecution, then GetQueryExecution
 * polled with a growing interval (reporting progress) until the query ends, then GetQueryResults
 * page by page, each row mapped to an object by column name (NULL as null). A failed or cancelled
 * query is an `AthenaQueryError` carrying Athena's reason; one that outlives the timeout is stopped
 * (StopQueryExecution) so that it costs nothing more, then reported the same way.
 */
import {
  type AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  type QueryExecution,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import type { DeclaredCall } from './calls.js';

export interface AthenaQuery {
  sql: string;
  database?: string;
  catalog?: string;
  workGroup?: string;
  /** s3://bucket/prefix/ for the results, unless the workgroup sets it. */
  outputLocation?: string;
}

export interface AthenaProgress {
  executionId: string;
  state: string;
  elapsedMs: number;
  dataScannedBytes: number | null;
}

export type AthenaRow = Record<string, string | null>;

export class AthenaQueryError extends Error {
  override name = 'AthenaQueryError';
  constructor(
    message: string,
    readonly executionId: string,
    /** FAILED, CANCELLED, or TIMED_OUT (stopped by the runner). */
    readonly state: string,
    /** Athena's StateChangeReason / AthenaError message. */
    readonly reason: string | null,
  ) {
    super(message);
  }
}

export interface AthenaRunnerOptions {
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  /** First wait between polls; multiplied by 1.5 after each, up to `maxPollMs`. @default 500 */
  initialPollMs?: number;
  /** @default 5000 */
  maxPollMs?: number;
  /** Stop and fail the query after this long. @default 30 minutes */
  timeoutMs?: number;
  /** Rows per GetQueryResults page (at most 1000). @default 1000 */
  pageSize?: number;
}

const ENDED = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED']);

export class AthenaQueryRunner {
  /** What this adapter sends (see calls.ts). The resource is the workgroup. */
  static readonly calls: readonly DeclaredCall[] = [
    { action: 'athena:StartQueryExecution', resource: 'any' },
    { action: 'athena:GetQueryExecution', resource: 'any' },
    { action: 'athena:GetQueryResults', resource: 'any' },
    { action: 'athena:StopQueryExecution', resource: 'any' },
  ];

  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;
  private readonly initialPollMs: number;
  private readonly maxPollMs: number;
  private readonly timeoutMs: number;
  private readonly pageSize: number;

  constructor(
    private readonly client: AthenaClient,
    options: AthenaRunnerOptions = {},
  ) {
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.now = options.now ?? Date.now;
    this.initialPollMs = options.initialPollMs ?? 500;
    this.maxPollMs = options.maxPollMs ?? 5000;
    this.timeoutMs = options.timeoutMs ?? 30 * 60_000;
    this.pageSize = Math.min(1000, Math.max(1, options.pageSize ?? 1000));
  }

  /** Starts the query and returns its execution id. */
  async start(query: AthenaQuery): Promise<string> {
    const out = await this.client.send(
      new StartQueryExecutionCommand({
        QueryString: query.sql,
        WorkGroup: query.workGroup,
        QueryExecutionContext:
          query.database || query.catalog ? { Database: query.database, Catalog: query.catalog } : undefined,
        ResultConfiguration: query.outputLocation ? { OutputLocation: query.outputLocation } : undefined,
      }),
    );
    if (!out.QueryExecutionId) throw new Error('Athena StartQueryExecution returned no QueryExecutionId');
    return out.QueryExecutionId;
  }

  /** Polls until the query ends; resolves when it succeeded, throws an AthenaQueryError otherwise. */
  async wait(executionId: string, onProgress?: (p: AthenaProgress) => void): Promise<QueryExecution> {
    const started = this.now();
    let interval = this.initialPollMs;
    for (;;) {
      const out = await this.client.send(new GetQueryExecutionCommand({ QueryExecutionId: executionId }));
      const execution = out.QueryExecution ?? {};
      const state = execution.Status?.State ?? 'UNKNOWN';
      const elapsedMs = this.now() - started;
      onProgress?.({
        executionId,
        state,
        elapsedMs,
        dataScannedBytes: execution.Statistics?.DataScannedInBytes ?? null,
      });
      if (state === 'SUCCEEDED') return execution;
      if (ENDED.has(state)) {
        const reason =
          execution.Status?.AthenaError?.ErrorMessage ?? execution.Status?.StateChangeReason ?? null;
        throw new AthenaQueryError(
          `Athena query ${executionId} ${state.toLowerCase()}: ${reason ?? 'no reason given'}`,
          executionId,
          state,
          reason,
        );
      }
      if (elapsedMs + interval > this.timeoutMs) return this.stop(executionId, elapsedMs);
      await this.sleep(interval);
      interval = Math.min(this.maxPollMs, Math.round(interval * 1.5));
    }
  }

  private async stop(executionId: string, elapsedMs: number): Promise<never> {
    await this.client.send(new StopQueryExecutionCommand({ QueryExecutionId: executionId }));
    const reason = `still running after ${Math.round(elapsedMs / 1000)} s (timeout ${Math.round(this.timeoutMs / 1000)} s): stopped`;
    throw new AthenaQueryError(
      `Athena query ${executionId} timed out: ${reason}`,
      executionId,
      'TIMED_OUT',
      reason,
    );
  }

  /** The rows of a succeeded query, page by page, as objects keyed by column name. */
  async *rows(executionId: string): AsyncIterable<AthenaRow> {
    let token: string | undefined;
    let columns: string[] | null = null;
    do {
      const page = await this.client.send(
        new GetQueryResultsCommand({
          QueryExecutionId: executionId,
          NextToken: token,
          MaxResults: this.pageSize,
        }),
      );
      const rows = page.ResultSet?.Rows ?? [];
      let first = 0;
      if (columns === null) {
        columns = (page.ResultSet?.ResultSetMetadata?.ColumnInfo ?? []).map((c, i) => c.Name ?? `_col${i}`);
        // A SELECT's first row repeats the column names.
        const head = rows[0]?.Data?.map((d) => d.VarCharValue ?? null) ?? [];
        if (head.length > 0 && head.length === columns.length && head.every((v, i) => v === columns?.[i]))
          first = 1;
      }
      for (const row of rows.slice(first)) {
        const values = (row.Data ?? []).map((d) => d.VarCharValue ?? null);
        yield Object.fromEntries(columns.map((name, i) => [name, values[i] ?? null]));
      }
      token = page.NextToken;
    } while (token);
  }

  /** start + wait + rows. */
  async *query(query: AthenaQuery, onProgress?: (p: AthenaProgress) => void): AsyncIterable<AthenaRow> {
    const executionId = await this.start(query);
    await this.wait(executionId, onProgress);
    yield* this.rows(executionId);
  }
}
