/**
 * Organization-scale history lives in S3 behind Amazon Athena's CloudTrail table. `athena-sql`
 * prints the query that selects the same candidate events the scanner uses; its results, downloaded
 * as CSV (console or the S3 result file) or as `aws athena get-query-results` JSON, feed back into
 * `layerwatch scan`, which turns each row into a CloudTrail record again.
 */
import { ACCESS_DENIED_CODES } from '../domain/cloudtrail-denied.js';
import { TAMPER_EVENT_NAMES } from '../domain/cloudtrail-tamper.js';
import { TAMPER_EVENT_SOURCES, TAMPER_SERVICES } from '../domain/model.js';
import { CsvParser } from './csv.js';
import { readsAsJsonText } from './json-text.js';
import { isolateSync } from './parts.js';
import type { SourceProblem, SourceRecord } from './source-types.js';

export { parseCsv } from './csv.js';

export interface AthenaQueryOptions {
  table: string;
  sinceMs: number | null;
  untilMs: number | null;
  accounts: string[];
  regions: string[];
}

/** The plain columns the query selects (plus `useridentity` and `resources` as JSON). */
export const ATHENA_COLUMNS = [
  'eventid',
  'eventtime',
  'eventsource',
  'eventname',
  'awsregion',
  'sourceipaddress',
  'useragent',
  'recipientaccountid',
  'errorcode',
  'errormessage',
  'requestparameters',
  'responseelements',
] as const;

/** Every column of the query's result, in its order: the plain ones, then the JSON ones. */
export const ATHENA_RESULT_COLUMNS = [...ATHENA_COLUMNS, 'useridentity', 'resources'] as const;

function quoteLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

function quoteTable(name: string): string {
  if (!/^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)?$/.test(name))
    throw new Error(`--table: "${name}" is not a table name (database.table)`);
  return name
    .split('.')
    .map((part) => `"${part}"`)
    .join('.');
}

/** CloudTrail's eventtime column is an ISO string (yyyy-MM-ddTHH:mm:ssZ): it compares as text. */
function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * The calls that can blind or disarm layerwatch (detector-tampered), one line a service: its
 * source and the exact names CloudTrail logs for them (TAMPER_EVENT_NAMES).
 */
function tamperClauses(): string[] {
  return TAMPER_SERVICES.map(
    (service) =>
      `(eventsource = ${quoteLiteral(TAMPER_EVENT_SOURCES[service])} AND eventname IN (${TAMPER_EVENT_NAMES[service].map(quoteLiteral).join(', ')}))`,
  );
}

export function athenaSql(o: AthenaQueryOptions): string {
  const where = [
    `(
    (errorcode IS NULL AND eventsource = 'lambda.amazonaws.com' AND (
      -- layer changes and the configuration changes whose response shows layers (baseline, drift)
      (eventname LIKE 'UpdateFunctionConfiguration%'
        AND (requestparameters LIKE '%"layers"%' OR responseelements LIKE '%"layers"%'))
      -- every creation seeds a baseline (CreateFunctionUrlConfig is another operation)
      OR (eventname LIKE 'CreateFunction%' AND eventname NOT LIKE 'CreateFunctionUrl%')
      OR eventname LIKE 'PublishLayerVersion%'
      OR eventname LIKE 'AddLayerVersionPermission%'
      -- what callers of a version or an alias run
      OR eventname LIKE 'PublishVersion%'
      OR eventname LIKE 'CreateAlias%'
      OR eventname LIKE 'UpdateAlias%'
      OR eventname LIKE 'DeleteAlias%'
    ))
    -- refused attempts to set layers (a lambda:Layer guardrail's denials): lambda-layer-attach-denied
    OR (errorcode IN (${ACCESS_DENIED_CODES.map(quoteLiteral).join(', ')}) AND eventsource = 'lambda.amazonaws.com'
      AND (eventname LIKE 'UpdateFunctionConfiguration%'
        OR (eventname LIKE 'CreateFunction%' AND eventname NOT LIKE 'CreateFunctionUrl%')))
    -- calls that can blind or disarm layerwatch: a trail, or one of its own resources
    OR (errorcode IS NULL AND (
      ${tamperClauses().join('\n      OR ')}
    ))
  )`,
  ];
  if (o.sinceMs !== null) where.push(`eventtime >= ${quoteLiteral(isoSeconds(o.sinceMs))}`);
  if (o.untilMs !== null) where.push(`eventtime <= ${quoteLiteral(isoSeconds(o.untilMs))}`);
  if (o.accounts.length > 0) where.push(`recipientaccountid IN (${o.accounts.map(quoteLiteral).join(', ')})`);
  if (o.regions.length > 0) where.push(`awsregion IN (${o.regions.map(quoteLiteral).join(', ')})`);
  return `-- layerwatch: candidate events (Lambda layer calls, calls that tamper with layerwatch).
-- Run in Athena, download the result (CSV), then:
--   npx layerwatch scan results.csv
-- Note: --since is applied here too; to diff the first changes after it against their baseline,
-- widen the time range and pass --since to layerwatch scan instead.
SELECT ${ATHENA_COLUMNS.join(', ')},
  json_format(CAST(useridentity AS JSON)) AS useridentity,
  json_format(CAST(resources AS JSON)) AS resources
FROM ${quoteTable(o.table)}
WHERE ${where.join('\n  AND ')}
ORDER BY eventtime;
`;
}

const IDENTITY_KEYS: Record<string, string> = {
  type: 'type',
  principalid: 'principalId',
  arn: 'arn',
  accountid: 'accountId',
  invokedby: 'invokedBy',
  accesskeyid: 'accessKeyId',
  username: 'userName',
  sessioncontext: 'sessionContext',
  attributes: 'attributes',
  mfaauthenticated: 'mfaAuthenticated',
  creationdate: 'creationDate',
  sessionissuer: 'sessionIssuer',
  sourceidentity: 'sourceIdentity',
};

/** Athena lower-cases struct field names; CloudTrail's are camelCase. */
function identityOf(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(identityOf);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([, v]) => v !== null)
        .map(([k, v]) => [IDENTITY_KEYS[k] ?? k, identityOf(v)]),
    );
  }
  return value;
}

const RESOURCE_KEYS: Record<string, string> = { arn: 'ARN', accountid: 'accountId', type: 'type' };

/** `resources` (KMS names its key there when the request names an alias), field names restored. */
function resourcesOf(value: unknown): unknown {
  if (!Array.isArray(value)) return undefined;
  return value.map((r) =>
    r && typeof r === 'object'
      ? Object.fromEntries(
          Object.entries(r as Record<string, unknown>)
            .filter(([, v]) => v !== null)
            .map(([k, v]) => [RESOURCE_KEYS[k] ?? k, v]),
        )
      : r,
  );
}

/** A JSON column of a row that does not parse: the row is reported with the column, not dropped silently. */
export class AthenaCellError extends Error {
  override name = 'AthenaCellError';
}

function json(row: Record<string, string>, column: string): unknown {
  const value = row[column];
  if (value === undefined || value === '') return null;
  try {
    return JSON.parse(value);
  } catch (error) {
    throw new AthenaCellError(`column ${column} is not JSON (${(error as Error).message})`, { cause: error });
  }
}

/** One Athena row (header -> value) as a CloudTrail record. */
export function recordOfRow(row: Record<string, string>): Record<string, unknown> {
  const opt = (v: string | undefined) => (v === undefined || v === '' ? undefined : v);
  return {
    eventID: opt(row.eventid),
    eventTime: opt(row.eventtime),
    eventSource: opt(row.eventsource),
    eventName: opt(row.eventname),
    awsRegion: opt(row.awsregion),
    sourceIPAddress: opt(row.sourceipaddress),
    userAgent: opt(row.useragent),
    recipientAccountId: opt(row.recipientaccountid),
    errorCode: opt(row.errorcode),
    // What refused a call (lambda-layer-attach-denied reads it); absent from older query results.
    errorMessage: opt(row.errormessage),
    userIdentity: identityOf(json(row, 'useridentity')),
    requestParameters: json(row, 'requestparameters'),
    responseElements: json(row, 'responseelements'),
    // Absent from results of the query before it selected the column.
    resources: resourcesOf(json(row, 'resources')),
  };
}

/** Numbers records in file order, from 0. */
export function counter(): () => number {
  let n = 0;
  return () => n++;
}

/**
 * One row as a record, or the problem that names it: a row whose JSON column does not parse is a part
 * not read (`invalid`: counted, and the run is partial), and the rows after it are still read.
 */
export function rowRecord(
  file: string,
  row: Record<string, string>,
  rowNumber: number,
  ordinal: number,
): { record: SourceRecord } | { problem: SourceProblem } {
  const position = `row ${rowNumber}`;
  const r = isolateSync(position, () => recordOfRow(row));
  if (r.ok) return { record: { file, position, ordinal, value: r.value } };
  return {
    problem: { file, position, message: `not read: ${r.outcome.detail}`, kind: 'invalid' },
  };
}

export function rowsToRecords(
  file: string,
  header: string[],
  rows: string[][],
  problems: SourceProblem[],
  next: () => number,
  firstRow = 1,
  irregular?: WeakSet<string[]>,
): SourceRecord[] {
  const out: SourceRecord[] = [];
  rows.forEach((cells, k) => {
    if (irregular?.has(cells)) {
      problems.push(irregularRow(file, `row ${k + firstRow}`));
      return;
    }
    const row = Object.fromEntries(header.map((h, j) => [h.trim().toLowerCase(), cells[j] ?? '']));
    const r = rowRecord(file, row, k + firstRow, next());
    if ('record' in r) out.push(r.record);
    else problems.push(r.problem);
  });
  return out;
}

/** A CSV row Athena did not write (a JSON line in a CSV file, say): reported, not read. */
function irregularRow(file: string, position: string): SourceProblem {
  return {
    file,
    position,
    message:
      'not read: not CSV as Athena writes it (a quote inside an unquoted field, or text after a closing quote: a JSON line, say)',
    kind: 'invalid',
  };
}

/** How many bytes, from its first non-blank one, an input's format is judged on: its header line ends within them. */
export const HEADER_WINDOW = 2048;

/** `csv`; `json`; or `ambiguous`: a line that is JSON text and also names Athena's columns, read as JSON. */
export type InputFormat = 'json' | 'csv' | 'ambiguous';

/**
 * The format of an input, from its text after any BOM and leading blanks (at most HEADER_WINDOW
 * bytes of it; `more` when the input goes on after them). Athena CSV only when the first line ends
 * within the window, names the `eventid` and `eventname` columns, and is not itself JSON text (one
 * value or several concatenated, as `jq` reads them): Athena's header (`"eventversion","useridentity",...`)
 * never is, so a first line that is (a JSON string of those names, alone or followed by records on
 * the same line) holds the input's first values, and the input is read as JSON, reported.
 */
export function inputFormat(text: string, more: boolean): InputFormat {
  const c = text[0];
  if (c === '{' || c === '[') return 'json';
  const end = text.search(/[\r\n]/);
  if (end < 0 && more) return 'json';
  const first = end < 0 ? text : text.slice(0, end);
  if (!/(^|,)"?eventid"?(,|$)/i.test(first) || !/(^|,)"?eventname"?(,|$)/i.test(first)) return 'json';
  return readsAsJsonText(first) ? 'ambiguous' : 'csv';
}

export function athenaCsvRecords(
  file: string,
  text: string,
  problems: SourceProblem[],
  next: () => number = counter(),
): SourceRecord[] {
  const parser = new CsvParser();
  const [header, ...rows] = [...parser.push(text), ...parser.end()];
  if (!header) return [];
  if (parser.irregularRows.has(header)) problems.push(irregularRow(file, 'header'));
  return rowsToRecords(file, header, rows, problems, next, 1, parser.irregularRows);
}

/** Athena CSV by chunks of text: records come out as their rows are complete. */
export class AthenaCsvStream {
  private readonly parser: CsvParser;
  private header: string[] | null = null;
  private rows = 0;
  private readonly next = counter();

  constructor(
    private readonly file: string,
    private readonly problems: SourceProblem[],
    maxRowChars: number,
  ) {
    this.parser = new CsvParser(maxRowChars);
  }

  /** Throws CsvTooLargeError on a row over the limit. */
  push(text: string): SourceRecord[] {
    return this.records(this.parser.push(text));
  }

  end(): SourceRecord[] {
    return this.records(this.parser.end());
  }

  private records(rows: string[][]): SourceRecord[] {
    if (this.header === null) {
      const [header, ...rest] = rows;
      if (!header) return [];
      this.header = header;
      if (this.parser.irregularRows.has(header)) this.problems.push(irregularRow(this.file, 'header'));
      return this.records(rest);
    }
    const irregular = this.parser.irregularRows;
    const out = rowsToRecords(
      this.file,
      this.header,
      rows,
      this.problems,
      this.next,
      this.rows + 1,
      irregular,
    );
    this.rows += rows.length;
    return out;
  }
}

/** One `get-query-results` row (`{"Data": [{"VarCharValue": "..."}]}`) as its cells. */
export function cellsOf(row: unknown): string[] {
  const data = typeof row === 'object' && row !== null ? (row as { Data?: unknown }).Data : undefined;
  if (!Array.isArray(data)) return [];
  return data.map((d: unknown) => {
    const v =
      typeof d === 'object' && d !== null ? (d as { VarCharValue?: unknown }).VarCharValue : undefined;
    return typeof v === 'string' ? v : '';
  });
}

/** `aws athena get-query-results` output: ResultSet.Rows[].Data[].VarCharValue, first row the header. */
export function athenaJsonRecords(
  file: string,
  doc: { ResultSet?: { Rows?: unknown } },
  problems: SourceProblem[],
  next: () => number = counter(),
): SourceRecord[] {
  const rows = Array.isArray(doc.ResultSet?.Rows) ? doc.ResultSet.Rows.map(cellsOf) : [];
  const [header, ...data] = rows;
  return header ? rowsToRecords(file, header, data, problems, next) : [];
}
