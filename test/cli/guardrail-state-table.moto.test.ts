/**
 * `guardrail --state-table`: the deployment's baselines (each function's latest layer list) feed
 * the allowed list like a history does, read with a paged Scan; other items are passed over and a
 * damaged baseline is named. Run through the built CLI against moto.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { CreateTableCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { clientConfig, type Moto, startMoto } from '../support/moto.js';
import { ACCOUNT, functionArn, layerArn, OTHER_ACCOUNT } from '../support/records.js';

const ROOT = join(__dirname, '..', '..');
const TABLE = 'layerwatch-state';
const POWERTOOLS = layerArn('AWSLambdaPowertoolsPythonV3-python312-x86_64', 7, '017000801446');
let moto: Moto;

function guardrail(...args: string[]) {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'layerwatch-cli.mjs'), 'guardrail', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: {
      ...process.env,
      AWS_ENDPOINT_URL: moto.endpoint,
      AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'moto',
      AWS_REGION: 'us-east-1',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const states = (...lists: string[][]) =>
  JSON.stringify(
    lists.map((layers, i) => ({
      layers,
      eventTime: `2026-03-1${i}T09:00:00Z`,
      eventId: `e${i}`,
      source: 'event',
    })),
  );

beforeAll(async () => {
  moto = await startMoto();
  const db = new DynamoDBClient(clientConfig(moto.endpoint));
  await db.send(
    new CreateTableCommand({
      TableName: TABLE,
      KeySchema: [{ AttributeName: 'functionArn', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'functionArn', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  const put = (item: Record<string, { S: string }>) =>
    db.send(new PutItemCommand({ TableName: TABLE, Item: item }));
  // An old foreign layer, removed since: only the latest state counts.
  await put({
    functionArn: { S: functionArn('orders') },
    states: { S: states([layerArn('old', 1, OTHER_ACCOUNT)], [layerArn('deps', 3), POWERTOOLS]) },
  });
  await put({
    functionArn: { S: functionArn('billing', '222233334444') },
    states: { S: states([layerArn('metrics', 2, '222233334444')]) },
  });
  await put({
    functionArn: { S: functionArn('payments') },
    states: { S: states([layerArn('evil', 1, OTHER_ACCOUNT)]) },
  });
  await put({ functionArn: { S: functionArn('broken') }, states: { S: '{not json' } });
  await put({ functionArn: { S: 'publication#something' }, expiresAt: { S: '1' } });
}, 120_000);

afterAll(async () => {
  await moto?.stop();
});

describe('layerwatch guardrail --state-table', () => {
  it("allows the table's own accounts and publisher, refuses the foreign layer in use, and names the damaged item", () => {
    const r = guardrail('--state-table', TABLE);
    expect(r.stderr).toContain('3 function(s) from the state table');
    expect(r.code).toBe(0);
    const policy = JSON.parse(r.stdout);
    expect(policy.Statement[0].Condition['ForAnyValue:StringNotLike']['lambda:Layer']).toEqual([
      `arn:aws:lambda:*:${ACCOUNT}:layer:*:*`,
      'arn:aws:lambda:*:222233334444:layer:*:*',
      'arn:aws:lambda:*:017000801446:layer:*:*',
    ]);
    expect(r.stderr).toContain(
      `  ${layerArn('evil', 1, OTHER_ACCOUNT)}  in the state table: ${functionArn('payments')}`,
    );
    expect(r.stderr).not.toContain(':layer:old:1');
    expect(r.stderr).toContain(`Not read: state table item ${functionArn('broken')}: states unreadable`);
  });

  it("names a table it cannot read, with AWS's error, and exits 2", () => {
    const r = guardrail('--state-table', 'no-such-table');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--state-table no-such-table: ResourceNotFoundException');
  });
});
