/**
 * `layerwatch revert` against moto: a function runs a malicious layer on `$LATEST` and on version 8,
 * behind alias prod. The plan names both; `--apply` leaves `$LATEST` on its baseline and prod on
 * version 7, the last clean one; `--restore` brings back the exact previous state; a change between
 * plan and apply is refused; a write that fails on its RevisionId undoes the writes before it; a
 * stack-managed function gets the drift-revert plan; layerwatch's own functions are refused.
 *
 * moto 5.2.5 has no RevisionId for functions and ignores one sent (TOOLCHAIN.md): every Lambda call
 * here goes through test/support/revision-proxy.ts, which keeps revisions as AWS does and answers a
 * stale one with 412 PreconditionFailedException.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { CreateTableCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import {
  AttachRolePolicyCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  IAMClient,
  PutRolePolicyCommand,
} from '@aws-sdk/client-iam';
import {
  CreateAliasCommand,
  CreateFunctionCommand,
  LambdaClient,
  PublishLayerVersionCommand,
  PublishVersionCommand,
  UpdateAliasCommand,
  UpdateFunctionConfigurationCommand,
} from '@aws-sdk/client-lambda';
import { regionalClients } from '../../lambda/adapters/deployment-reader.js';
import { DynamoDbBaselineStore } from '../../lambda/adapters/dynamodb-baseline-store.js';
import { IamRoleReader } from '../../lambda/adapters/iam-role-reader.js';
import { LambdaFunctionEditor } from '../../lambda/adapters/lambda-function-editor.js';
import { OperationsReader } from '../../lambda/adapters/operations-reader.js';
import { parseExposureArgs, runExposure } from '../../lambda/cli/command-exposure.js';
import { runRevert } from '../../lambda/cli/command-revert.js';
import { parseRevertArgs, type RevertArgs } from '../../lambda/cli/revert-args.js';
import type { RevertDeps } from '../../lambda/cli/revert-run.js';
import type { FunctionSnapshot } from '../../lambda/domain/revert/snapshot.js';
import type { RevertPort } from '../../lambda/pipeline/revert-apply.js';
import { memoryIo } from '../support/cli-io.js';
import { clientConfig, type Moto, startMoto } from '../support/moto.js';
import { type RevisionProxy, startRevisionProxy } from '../support/revision-proxy.js';
import { ZIP } from '../support/world.js';

let moto: Moto;
let proxy: RevisionProxy;
let lambda: LambdaClient;
let editor: LambdaFunctionEditor;
let metrics: OperationsReader;
let role: string;
let deps: string;
let evil: string;
const dir = mkdtempSync(join(tmpdir(), 'revert-'));

beforeAll(async () => {
  moto = await startMoto();
  proxy = await startRevisionProxy(moto.endpoint);
  lambda = new LambdaClient(clientConfig(proxy.endpoint));
  editor = new LambdaFunctionEditor(() => lambda);
  metrics = new OperationsReader(regionalClients(clientConfig(moto.endpoint)));
  role = (
    await new IAMClient(clientConfig(moto.endpoint)).send(
      new CreateRoleCommand({
        RoleName: 'fn-role',
        AssumeRolePolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
          ],
        }),
      }),
    )
  ).Role?.Arn as string;
  // What the layer's code could use: a managed policy of the account, and an inline one.
  const iam = new IAMClient(clientConfig(moto.endpoint));
  const managed = await iam.send(
    new CreatePolicyCommand({
      PolicyName: 'secrets-read',
      PolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: '*' }],
      }),
    }),
  );
  await iam.send(new AttachRolePolicyCommand({ RoleName: 'fn-role', PolicyArn: managed.Policy?.Arn }));
  await iam.send(
    new PutRolePolicyCommand({
      RoleName: 'fn-role',
      PolicyName: 'orders-table-write',
      PolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 'dynamodb:PutItem', Resource: '*' }],
      }),
    }),
  );
  const layer = async (name: string) =>
    (await lambda.send(new PublishLayerVersionCommand({ LayerName: name, Content: { ZipFile: ZIP } })))
      .LayerVersionArn as string;
  deps = await layer('deps');
  evil = await layer('perf-monitor-extension');
}, 60_000);

afterAll(async () => {
  await proxy?.close();
  await moto?.stop();
});

/**
 * Versions 1 to 7 clean, version 8 with the malicious layer, prod on 8, stable on 7, and `$LATEST`
 * still running it: the finding about the attach on `$LATEST`.
 */
async function victim(name: string, tags: Record<string, string> = {}): Promise<string> {
  const created = await lambda.send(
    new CreateFunctionCommand({
      FunctionName: name,
      Runtime: 'python3.12',
      Role: role,
      Handler: 'index.handler',
      Code: { ZipFile: ZIP },
      Layers: [deps],
      Tags: tags,
    }),
  );
  for (let v = 1; v <= 7; v += 1) {
    await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: name, MemorySize: 128 + v }));
    await lambda.send(new PublishVersionCommand({ FunctionName: name }));
  }
  await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: name, Layers: [deps, evil] }));
  await lambda.send(new PublishVersionCommand({ FunctionName: name }));
  await lambda.send(new CreateAliasCommand({ FunctionName: name, Name: 'prod', FunctionVersion: '8' }));
  await lambda.send(new CreateAliasCommand({ FunctionName: name, Name: 'stable', FunctionVersion: '7' }));
  const arn = created.FunctionArn as string;
  writeFileSync(join(dir, `${name}.json`), JSON.stringify(findingFor(arn)));
  return arn;
}

/** The finding of the attach, as the handler publishes it (the fields a revert reads). */
function findingFor(arn: string) {
  return {
    schemaVersion: 1,
    findingId: `f-${arn.split(':').at(-1)}`,
    detectionId: 'lambda-layer-added',
    event: {
      id: 'e1',
      name: 'UpdateFunctionConfiguration20150331v2',
      time: '2026-03-14T09:00:00Z',
      region: 'us-east-1',
    },
    function: { arn, name: arn.split(':').at(-1), account: arn.split(':')[4], region: 'us-east-1' },
    layers: {
      before: [deps],
      after: [deps, evil],
      added: [evil],
      removed: [],
      versionChanged: [],
      current: null,
      baseline: 'known',
    },
    layer: { versionArn: evil },
    runsIn: [{ qualifier: '$LATEST', version: null, share: 1 }],
  };
}

/**
 * What Lambda would have emitted since the attach (moto's GetMetricData answers only what was put):
 * two unqualified invocations of $LATEST, four through prod that ran version 8, one an error.
 */
async function seedMetrics(name: string): Promise<void> {
  const at = (t: string) => new Date(`2026-03-14T${t}Z`);
  const put = (metric: string, dims: Record<string, string>, points: [string, number][]) =>
    new CloudWatchClient(clientConfig(moto.endpoint)).send(
      new PutMetricDataCommand({
        Namespace: 'AWS/Lambda',
        MetricData: points.map(([t, v]) => ({
          MetricName: metric,
          Dimensions: Object.entries({ FunctionName: name, ...dims }).map(([Name, Value]) => ({
            Name,
            Value,
          })),
          Timestamp: at(t),
          Value: v,
        })),
      }),
    );
  const latest = { Resource: name };
  const prod = { Resource: `${name}:prod`, ExecutedVersion: '8' };
  await put('Invocations', latest, [['09:12:00', 2]]);
  await put('Duration', latest, [
    ['09:12:00', 85],
    ['09:12:30', 140],
  ]);
  await put('Invocations', prod, [
    ['09:31:00', 3],
    ['11:47:00', 1],
  ]);
  await put('Errors', prod, [['11:47:00', 1]]);
  await put('Duration', prod, [
    ['09:31:00', 210],
    ['09:31:20', 250],
    ['09:31:40', 190],
    ['11:47:00', 3000],
  ]);
}

function depsOf(port: RevertPort, lines: string[]): RevertDeps {
  return {
    port,
    baseline: (table, arn) =>
      new DynamoDbBaselineStore(new DynamoDBClient(clientConfig(moto.endpoint)), table).get(arn),
    exposure: {
      series: (region, queries, window) => metrics.series(region, queries, window),
      rolePolicies: (role) => new IamRoleReader(new IAMClient(clientConfig(moto.endpoint))).policies(role),
    },
    io: memoryIo(),
    now: () => new Date('2026-03-15T10:00:00Z'),
    out: (l) => lines.push(l),
    err: (l) => lines.push(`ERR ${l}`),
    readText: async (p) => readFileSync(p, 'utf8'),
    writeText: async (p, t) => writeFileSync(p, t, { flag: 'wx' }),
  };
}

async function revert(argv: string[], port: RevertPort = editor) {
  const lines: string[] = [];
  const code = await runRevert(parseRevertArgs(argv) as RevertArgs, depsOf(port, lines));
  return { code, text: lines.join('\n') };
}

/** What a revert must put back exactly (revisions change with every write, so they are left out). */
const state = (s: FunctionSnapshot) => ({
  layers: s.layers,
  aliases: s.aliases.map((a) => ({ name: a.name, version: a.version, weights: a.weights })),
  reservedConcurrency: s.reservedConcurrency,
});

describe('layerwatch revert (moto, RevisionIds through the proxy)', () => {
  it("plans both qualifiers that run the layer and changes nothing: README's sample", async () => {
    const arn = await victim('pay');
    await seedMetrics('pay');
    const before = await editor.snapshot(arn);
    const { code, text } = await revert([join(dir, 'pay.json')]);
    expect(code).toBe(0);
    expect(text).toContain(`runs them: $LATEST; alias prod (version 8, 100 % of its traffic); version 8`);
    expect(text).toContain(`$LATEST layers: ${deps}, ${evil} -> ${deps} (RevisionId ${before.revisionId})`);
    expect(text).toContain(
      `alias prod: version 8 -> version 7 (RevisionId ${before.aliases[0]?.revisionId})`,
    );
    expect(text).toContain('cannot change version 8: a published version is immutable');
    expect(text).not.toContain('alias stable');
    expect(state(await editor.snapshot(arn))).toEqual(state(before));
    const readme = readFileSync(join(process.cwd(), 'README.md'), 'utf8');
    const sample = /<!-- revert-sample:start -->\n```text\n([\s\S]*?)\n```\n<!-- revert-sample:end -->/.exec(
      readme,
    );
    expect(text).toBe(sample?.[1]);
  });

  it('--apply leaves $LATEST on its baseline and prod on the last clean version; --restore puts back the exact state', async () => {
    const arn = await victim('checkout');
    const before = await editor.snapshot(arn);
    const restoreFile = join(dir, 'checkout-restore.json');
    const guarded = proxy.guarded;
    const applied = await revert([join(dir, 'checkout.json'), '--apply', '--restore-file', restoreFile]);
    expect(applied.text).toContain(`previous state written to ${restoreFile}`);
    expect(applied.code).toBe(0);
    expect(proxy.guarded - guarded).toBe(2);
    const after = await editor.snapshot(arn);
    expect(after.layers).toEqual([deps]);
    expect(after.aliases.find((a) => a.name === 'prod')).toMatchObject({ version: '7', weights: {} });
    expect(after.aliases.find((a) => a.name === 'stable')).toMatchObject({ version: '7' });
    const restored = await revert(['--restore', restoreFile]);
    expect(restored.code).toBe(0);
    expect(state(await editor.snapshot(arn))).toEqual(state(before));
  });
});

describe('layerwatch revert refuses (moto)', () => {
  it('refuses a saved plan when the function changed since, saying what, and changes nothing', async () => {
    const arn = await victim('orders');
    const plan = join(dir, 'orders-plan.json');
    expect((await revert([join(dir, 'orders.json'), '--out', plan])).code).toBe(0);
    await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'orders', MemorySize: 512 }));
    await lambda.send(
      new UpdateAliasCommand({
        FunctionName: 'orders',
        Name: 'prod',
        FunctionVersion: '8',
        RoutingConfig: { AdditionalVersionWeights: { '7': 0.5 } },
      }),
    );
    const before = await editor.snapshot(arn);
    const { code, text } = await revert(['--plan', plan, '--apply']);
    expect(code).toBe(1);
    expect(text).toMatch(
      /changed since the plan: \$LATEST was written since \(RevisionId [0-9a-f-]{36} -> [0-9a-f-]{36}\); alias prod now routes to version 8 50 % \+ version 7 50 % \(planned from version 8\)/,
    );
    expect(text).toContain('refused; nothing was changed');
    expect(state(await editor.snapshot(arn))).toEqual(state(before));
  });

  it('undoes the writes made before one that fails on its RevisionId: nothing is left half-done', async () => {
    const arn = await victim('billing');
    const before = await editor.snapshot(arn);
    // Someone writes the function between the last read and the write of $LATEST (after prod moved).
    const racing: RevertPort = {
      snapshot: (a) => editor.snapshot(a),
      setRouting: (...a) => editor.setRouting(...a),
      setConcurrency: (...a) => editor.setConcurrency(...a),
      setLayers: async (...a) => {
        await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'billing', Timeout: 30 }));
        return editor.setLayers(...a);
      },
    };
    const refused = proxy.refused;
    const { code, text } = await revert(
      [join(dir, 'billing.json'), '--apply', '--restore-file', join(dir, 'billing-restore.json')],
      racing,
    );
    expect(proxy.refused - refused).toBe(1);
    expect(code).toBe(2);
    expect(text).toContain('FAILED  ');
    expect(text).toContain('PreconditionFailedException');
    expect(text).toContain(`UNDONE  ${arn}: alias prod: version 8 -> version 7`);
    expect(text).toContain('every change made before the failure was undone');
    expect(state(await editor.snapshot(arn))).toEqual(state(before));
  });

  it('gives a stack-managed function the drift-revert plan; the API update only with --force', async () => {
    const arn = await victim('inventory', { 'aws:cloudformation:stack-name': 'inventory-prod' });
    const plan = await revert([join(dir, 'inventory.json')]);
    expect(plan.text).toContain('REFUSED (stack-managed): stack inventory-prod manages inventory');
    expect(plan.text).toContain(
      'stack: aws cloudformation create-change-set --stack-name inventory-prod --change-set-name layerwatch-revert-drift --region us-east-1 --use-previous-template --deployment-mode REVERT_DRIFT',
    );
    const refused = await revert([join(dir, 'inventory.json'), '--apply']);
    expect(refused.code).toBe(1);
    expect((await editor.snapshot(arn)).layers).toEqual([deps, evil]);
    const forced = await revert([
      join(dir, 'inventory.json'),
      '--apply',
      '--force',
      '--restore-file',
      join(dir, 'inventory-restore.json'),
    ]);
    expect(forced.code).toBe(0);
    expect((await editor.snapshot(arn)).layers).toEqual([deps]);
  });

  it("never changes layerwatch's own functions, --force or not", async () => {
    const arn = await victim('LayerWatch-Handler886CB40B-AbCdEf', {
      'aws:cloudformation:stack-name': 'LayerWatch',
    });
    const file = join(dir, 'LayerWatch-Handler886CB40B-AbCdEf.json');
    expect((await revert([file])).text).toContain(
      "REFUSED (own-function): LayerWatch-Handler886CB40B-AbCdEf is layerwatch's own function",
    );
    const forced = await revert([file, '--apply', '--force']);
    expect(forced.code).toBe(1);
    expect(forced.text).toContain("is layerwatch's own function");
    expect((await editor.snapshot(arn)).layers).toEqual([deps, evil]);
  });
});

describe('layerwatch revert --throttle (moto)', () => {
  it('sets reserved concurrency 0 with the revert, and the restore removes it', async () => {
    const arn = await victim('search');
    const restoreFile = join(dir, 'search-restore.json');
    const r = await revert([
      join(dir, 'search.json'),
      '--throttle',
      '--apply',
      '--restore-file',
      restoreFile,
    ]);
    expect(r.text).toContain('no reserved concurrency -> reserved concurrency 0 (throttled)');
    expect(r.code).toBe(0);
    expect((await editor.snapshot(arn)).reservedConcurrency).toBe(0);
    expect((await revert(['--restore', restoreFile])).code).toBe(0);
    expect((await editor.snapshot(arn)).reservedConcurrency).toBeNull();
  });

  it('refuses a restore over a change made since the revert, naming it', async () => {
    const arn = await victim('ledger');
    const restoreFile = join(dir, 'ledger-restore.json');
    expect((await revert([join(dir, 'ledger.json'), '--apply', '--restore-file', restoreFile])).code).toBe(0);
    await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'ledger', Layers: [] }));
    const r = await revert(['--restore', restoreFile]);
    expect(r.code).toBe(1);
    expect(r.text).toContain(`$LATEST's layers are (no layers), not what the revert set (${deps})`);
    expect((await editor.snapshot(arn)).layers).toEqual([]);
  });
});

describe('the layerwatch command line', () => {
  it('prints the plan of a finding read from standard input', async () => {
    await victim('cli');
    const run = promisify(execFile);
    const child = run(process.execPath, [join(process.cwd(), 'bin', 'layerwatch-cli.mjs'), 'revert', '-'], {
      env: {
        ...process.env,
        AWS_ENDPOINT_URL: proxy.endpoint,
        AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
        AWS_SECRET_ACCESS_KEY: 'moto',
        AWS_REGION: 'us-east-1',
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      },
    });
    child.child.stdin?.end(readFileSync(join(dir, 'cli.json')));
    const { stdout } = await child;
    expect(stdout).toContain('alias prod: version 8 -> version 7');
    expect(stdout).toContain('nothing was changed');
  });
});

describe('layerwatch exposure (moto, metrics put with PutMetricData)', () => {
  it('says where and how often the code ran since the attach, and exits 1', async () => {
    await victim('audit');
    await seedMetrics('audit');
    const lines: string[] = [];
    const code = await runExposure(parseExposureArgs([join(dir, 'audit.json')]), depsOf(editor, lines));
    expect(lines).toContain(
      '    alias prod (version 8): 4 invocation(s), 1 error(s), duration average 913 ms, maximum 3000 ms; the first between 2026-03-14T09:30:00Z and 09:35:00Z, the last between 2026-03-14T11:45:00Z and 11:50:00Z',
    );
    expect(lines).toContain("    version 8: 0 invocations: the layer's code did not run there");
    expect(lines).toContain(
      '  credentials it could reach: the execution role arn:aws:iam::123456789012:role/fn-role: attached policies secrets-read; inline policies orders-table-write',
    );
    expect(code).toBe(1);
  });

  it('exits 0 when the code did not run anywhere', async () => {
    await victim('quiet');
    const code = await runExposure(parseExposureArgs([join(dir, 'quiet.json')]), depsOf(editor, []));
    expect(code).toBe(0);
  });

  it('names a read that failed instead of saying 0, and exits 2', async () => {
    const lines: string[] = [];
    const deps = {
      ...depsOf(editor, lines),
      exposure: {
        series: () =>
          Promise.reject(Object.assign(new Error('User is not authorized'), { name: 'AccessDenied' })),
      },
    };
    const code = await runExposure(parseExposureArgs([join(dir, 'quiet.json')]), deps);
    expect(lines.join('\n')).toContain(
      'could not be read in us-east-1: User is not authorized: whether the code ran is unknown',
    );
    expect(code).toBe(2);
  });
});

describe('layerwatch revert --function --state-table (moto)', () => {
  it("takes what the deployment's baseline shows added since the time, and plans every qualifier", async () => {
    const arn = await victim('payroll');
    const db = new DynamoDBClient(clientConfig(moto.endpoint));
    await db.send(
      new CreateTableCommand({
        TableName: 'layerwatch-state',
        KeySchema: [{ AttributeName: 'functionArn', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'functionArn', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    const state = (layers: string[], eventTime: string) => ({
      layers,
      eventTime,
      eventId: eventTime,
      source: 'event',
    });
    await db.send(
      new PutItemCommand({
        TableName: 'layerwatch-state',
        Item: {
          functionArn: { S: arn },
          states: {
            S: JSON.stringify([
              state([deps], '2026-03-01T00:00:00Z'),
              state([deps, evil], '2026-03-14T09:00:00Z'),
            ]),
          },
          revision: { N: '2' },
        },
      }),
    );
    const r = await revert([
      '--function',
      arn,
      '--state-table',
      'layerwatch-state',
      '--since',
      '2026-03-14T08:00:00Z',
    ]);
    expect(r.code).toBe(0);
    expect(r.text).toContain(`layers to take off: ${evil}`);
    expect(r.text).toContain('alias prod: version 8 -> version 7');
    expect(r.text).toContain(`$LATEST layers: ${deps}, ${evil} -> ${deps}`);
    const missing = await revert([
      '--function',
      arn,
      '--state-table',
      'no-such-table',
      '--since',
      '2026-03-14T08:00:00Z',
    ]);
    expect(missing.code).toBe(2);
    expect(missing.text).toContain('--state-table no-such-table');
  });
});
