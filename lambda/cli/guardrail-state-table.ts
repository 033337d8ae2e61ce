/** `guardrail --state-table`: the deployment's baselines, read with the caller's credentials. */
import type { Inventory } from '../domain/guardrail/inventory.js';
import { addBaseline } from '../domain/guardrail/inventory.js';

/** Adds every function's current layers from the state table; returns how many functions were read. */
export async function readStateTable(
  table: string,
  region: string | null,
  inventory: Inventory,
): Promise<number> {
  // Loaded only when asked for: a guardrail from files starts without the SDK.
  const { DynamoDBClient } = await import('@aws-sdk/client-dynamodb');
  const { CLI_CALLS, sdkClient } = await import('../adapters/client-options.js');
  const { DynamoDbBaselineReader } = await import('../adapters/dynamodb-baseline-reader.js');
  const client = sdkClient(DynamoDBClient, CLI_CALLS, region === null ? {} : { region });
  const contents = await new DynamoDbBaselineReader(client, table).readAll();
  for (const f of contents.functions) addBaseline(inventory, f.functionArn, f.layers);
  inventory.unreadable.push(...contents.unreadable);
  return contents.functions.length;
}
