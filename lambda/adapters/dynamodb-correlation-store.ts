import { type DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { PublishRecord } from '../domain/correlation.js';
import type { DeclaredCall } from './calls.js';
import { BaselineStoreError } from './errors.js';
import type { CorrelationStore } from './ports.js';

const PREFIX = 'publish#';

/**
 * Remembers PublishLayerVersion events in the baseline table under `publish#<layer version ARN>`,
 * with a TTL (`expiresAt`) a little past the correlation window, so that a later attach of that
 * version can be correlated. One item per version: the latest publish wins (versions are immutable,
 * so there is one publish per version anyway).
 */
export class DynamoDbCorrelationStore implements CorrelationStore {
  /** What this adapter sends (see calls.ts). */
  static readonly calls: readonly DeclaredCall[] = [
    { action: 'dynamodb:GetItem', resource: 'table' },
    { action: 'dynamodb:PutItem', resource: 'table' },
  ];

  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
    private readonly retentionMinutes: number,
  ) {}

  async recordPublish(p: PublishRecord): Promise<void> {
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: {
            functionArn: { S: `${PREFIX}${p.layerVersionArn}` },
            eventId: { S: p.eventId },
            actorKey: { S: p.actorKey ?? '' },
            timeMs: { N: String(p.timeMs) },
            ...(p.human === undefined ? {} : { human: { BOOL: p.human } }),
            expiresAt: { N: String(Math.ceil(p.timeMs / 1000) + (this.retentionMinutes + 60) * 60) },
          },
        }),
      );
    } catch (error) {
      throw new BaselineStoreError(`recording the publication of ${p.layerVersionArn} failed`, {
        cause: error,
      });
    }
  }

  async publishesOf(versionArns: readonly string[]): Promise<PublishRecord[]> {
    const items = await Promise.all(
      versionArns.map(async (arn) => {
        try {
          const out = await this.client.send(
            new GetItemCommand({ TableName: this.tableName, Key: { functionArn: { S: `${PREFIX}${arn}` } } }),
          );
          return { arn, item: out.Item };
        } catch (error) {
          throw new BaselineStoreError(`reading the publication of ${arn} failed`, { cause: error });
        }
      }),
    );
    return items.flatMap(({ arn, item }) =>
      item?.eventId?.S && item.timeMs?.N
        ? [
            {
              layerVersionArn: arn,
              eventId: item.eventId.S,
              actorKey: item.actorKey?.S || null,
              timeMs: Number(item.timeMs.N),
              ...(item.human?.BOOL === undefined ? {} : { human: item.human.BOOL }),
            },
          ]
        : [],
    );
  }
}
