/** CloudTrail records as Athena returns them from the CloudTrail table (for tests of Athena results). */
import { ATHENA_COLUMNS } from '../../lambda/cli/athena.js';
import type { Rec } from './records.js';

const lower = (v: unknown): unknown =>
  Array.isArray(v)
    ? v.map(lower)
    : v && typeof v === 'object'
      ? Object.fromEntries(Object.entries(v as Rec).map(([k, x]) => [k.toLowerCase(), lower(x)]))
      : v;

export const csvField = (v: string) => (/[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

/** The columns of the athena-sql query, in its order. */
export const ATHENA_HEADER = [...ATHENA_COLUMNS, 'useridentity', 'resources'];

/** What Athena returns for a record: struct fields lower-cased, JSON columns as text. */
export function athenaRow(r: Rec): string[] {
  const s = (x: unknown) => (x === undefined || x === null ? '' : String(x));
  return [
    s(r.eventID),
    s(r.eventTime),
    s(r.eventSource),
    s(r.eventName),
    s(r.awsRegion),
    s(r.sourceIPAddress),
    s(r.userAgent),
    s(r.recipientAccountId),
    s(r.errorCode),
    s(r.errorMessage),
    r.requestParameters ? JSON.stringify(r.requestParameters) : '',
    r.responseElements ? JSON.stringify(r.responseElements) : '',
    JSON.stringify(lower(r.userIdentity)),
    r.resources ? JSON.stringify(lower(r.resources)) : '',
  ];
}

/** One row of `get-query-results` holding these cells (`athenaRow`'s, say): empty cells as `{}`. */
export function queryResultRow(cells: string[]): { Data: { VarCharValue?: string }[] } {
  return { Data: cells.map((v) => (v === '' ? {} : { VarCharValue: v })) };
}

/** The `Rows` of `get-query-results` for these records: the header row first, empty cells as `{}`. */
export function queryResultRows(records: Rec[]): { Data: { VarCharValue?: string }[] }[] {
  return [ATHENA_HEADER, ...records.map(athenaRow)].map(queryResultRow);
}

/**
 * Seeds moto's Athena (account 123456789012, us-east-1) with the next query's results: the records
 * as the CloudTrail table returns them (moto runs no SQL). Resolves to whether moto took them.
 */
export async function seedAthenaResults(endpoint: string, records: Rec[]): Promise<boolean> {
  const rows = queryResultRows(records);
  const res = await fetch(`${endpoint}/moto-api/static/athena/query-results`, {
    method: 'POST',
    body: JSON.stringify({
      account_id: '123456789012',
      region: 'us-east-1',
      results: [{ rows, column_info: ATHENA_HEADER.map((n) => ({ Name: n, Type: 'varchar' })) }],
    }),
  });
  return res.ok;
}
