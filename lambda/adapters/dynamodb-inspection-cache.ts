import {
  type DynamoDBClient,
  GetItemCommand,
  type GetItemCommandOutput,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import {
  INSPECTION_RULES_VERSION,
  isLayerInspection,
  type LayerInspection,
} from '../domain/layer-inspection.js';
import type { DeclaredCall } from './calls.js';
import type { InspectionCache } from './ports.js';

const PREFIX = 'inspection#';
/** A stored report is at most this large (DynamoDB items stop at 400 KB). */
const MAX_REPORT_CHARS = 300_000;

export class InspectionCacheError extends Error {
  override name = 'InspectionCacheError';
}

/**
 * Complete inspection reports in the state table, under
 * `inspection#v<rules>#<layer version ARN>#<CodeSha256>`: a layer version never changes, so its
 * report holds until the inspection rules change (the rules version is in the key) or the TTL
 * (`expiresAt`, 90 days by default) lets DynamoDB drop it. Only complete reports are stored, so a
 * partial one is read again next time. What is read back is checked, not trusted: an item that
 * is not a report is a miss.
 */
export class DynamoDbInspectionCache implements InspectionCache {
  /** What this adapter sends (see calls.ts). */
  static readonly calls: readonly DeclaredCall[] = [
    { action: 'dynamodb:GetItem', resource: 'table' },
    { action: 'dynamodb:PutItem', resource: 'table' },
  ];

  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
    private readonly options: { retentionDays?: number; now?: () => number } = {},
  ) {}

  static keyOf(versionArn: string, codeSha256: string): string {
    return `${PREFIX}v${INSPECTION_RULES_VERSION}#${versionArn}#${codeSha256}`;
  }

  async get(versionArn: string, codeSha256: string): Promise<LayerInspection | null> {
    let item: GetItemCommandOutput;
    try {
      item = await this.client.send(
        new GetItemCommand({
          TableName: this.tableName,
          Key: { functionArn: { S: DynamoDbInspectionCache.keyOf(versionArn, codeSha256) } },
        }),
      );
    } catch (error) {
      throw new InspectionCacheError(`reading the inspection of ${versionArn} failed`, { cause: error });
    }
    const text = item.Item?.report?.S;
    if (text === undefined) return null;
    let report: unknown;
    try {
      report = JSON.parse(text);
    } catch {
      return null;
    }
    if (!isLayerInspection(report)) return null;
    if (report.versionArn !== versionArn || report.codeSha256 !== codeSha256 || report.status !== 'inspected')
      return null;
    return { ...report, cached: true };
  }

  async put(inspection: LayerInspection): Promise<void> {
    if (inspection.status !== 'inspected' || !inspection.codeSha256)
      throw new InspectionCacheError(
        `only complete reports with a digest are cached (${inspection.versionArn}: ${inspection.status})`,
      );
    const report = JSON.stringify({ ...inspection, cached: false });
    if (report.length > MAX_REPORT_CHARS)
      throw new InspectionCacheError(`the report of ${inspection.versionArn} is too large to cache`);
    const now = (this.options.now ?? Date.now)();
    const ttl = Math.ceil(now / 1000) + (this.options.retentionDays ?? 90) * 86_400;
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: {
            functionArn: { S: DynamoDbInspectionCache.keyOf(inspection.versionArn, inspection.codeSha256) },
            report: { S: report },
            expiresAt: { N: String(ttl) },
          },
        }),
      );
    } catch (error) {
      throw new InspectionCacheError(`caching the inspection of ${inspection.versionArn} failed`, {
        cause: error,
      });
    }
  }
}
