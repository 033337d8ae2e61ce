/**
 * `npm run try-it`: every command of the CLI against a small account in moto, no AWS account
 * needed. Starts moto from .moto-venv (installed by the tests' setup), seeds a function with a
 * layer, the detector stack's resources `verify` reads, and the Athena results of the bundled
 * attack, then runs `verify`, `inspect FUNCTION` and `hunt --athena` as a user would. moto has no
 * CloudTrail Event history, so `hunt --lookup-events` is not shown. The seeding is also what
 * test/cli/verify-parts.moto.test.ts breaks, one resource at a time.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { CloudFormationClient, CreateStackCommand } from '@aws-sdk/client-cloudformation';
import {
  CloudTrailClient,
  CreateTrailCommand,
  PutEventSelectorsCommand,
  StartLoggingCommand,
} from '@aws-sdk/client-cloudtrail';
import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { EventBridgeClient, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { CreateFunctionCommand, LambdaClient, PublishLayerVersionCommand } from '@aws-sdk/client-lambda';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { ATHENA_RESULT_COLUMNS } from '../lambda/cli/athena.js';

// npm scripts and the tests run from the project root.
const ROOT = process.cwd();
const MOTO = join(ROOT, '.moto-venv', 'bin', 'moto_server');
export const TRY_REGION = 'us-east-1';
export const TRY_ACCOUNT = '123456789012';
export const TRY_STACK = 'LayerWatch';
export const TRY_FUNCTION = 'orders-api';
/** The smallest valid zip: an end-of-central-directory record and nothing else. */
const EMPTY_ZIP = Buffer.concat([Buffer.from('PK\x05\x06'), Buffer.alloc(18)]);

export interface MotoConfig {
  region: string;
  endpoint: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  maxAttempts: number;
}

export interface Seeded {
  topic: string;
  rule: string;
  queues: Record<string, string>;
  layer: string;
}

export function motoConfig(endpoint: string, region = TRY_REGION): MotoConfig {
  return {
    region,
    endpoint,
    credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'moto' },
    maxAttempts: 2,
  };
}

/** A function with a layer (what `inspect FUNCTION` reads). */
export async function seedFunction(cfg: MotoConfig): Promise<string> {
  const lambda = new LambdaClient(cfg);
  const role = await new IAMClient(cfg).send(
    new CreateRoleCommand({
      RoleName: 'orders-api-role',
      AssumeRolePolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
        ],
      }),
    }),
  );
  const layer = await lambda.send(
    new PublishLayerVersionCommand({ LayerName: 'shared-deps', Content: { ZipFile: EMPTY_ZIP } }),
  );
  await lambda.send(
    new CreateFunctionCommand({
      FunctionName: TRY_FUNCTION,
      Runtime: 'nodejs22.x',
      Handler: 'index.handler',
      Role: role.Role?.Arn,
      Code: { ZipFile: EMPTY_ZIP },
      Layers: [layer.LayerVersionArn as string],
    }),
  );
  return layer.LayerVersionArn as string;
}

/** The detector stack's resources `verify` reads, healthy: a stack whose outputs name them. */
export async function seedDeployment(cfg: MotoConfig, now = new Date()): Promise<Omit<Seeded, 'layer'>> {
  const sqs = new SQSClient(cfg);
  const queue = async (name: string) =>
    (await sqs.send(new CreateQueueCommand({ QueueName: name }))).QueueUrl as string;
  const queues = { RuleDeadLetterQueueUrl: await queue('rule-dlq'), FailureQueueUrl: await queue('failure') };
  const inbox = await queue('alerts-inbox');
  const inboxArn = (
    await sqs.send(new GetQueueAttributesCommand({ QueueUrl: inbox, AttributeNames: ['QueueArn'] }))
  ).Attributes?.QueueArn as string;
  const sns = new SNSClient(cfg);
  const topic = (await sns.send(new CreateTopicCommand({ Name: 'LayerWatch-Alerts' }))).TopicArn as string;
  await sns.send(new SubscribeCommand({ TopicArn: topic, Protocol: 'sqs', Endpoint: inboxArn }));
  const events = new EventBridgeClient(cfg);
  const rule = 'LayerWatch-LayerEvents';
  await events.send(
    new PutRuleCommand({ Name: rule, EventPattern: JSON.stringify({ source: ['aws.lambda'] }) }),
  );
  await events.send(new PutTargetsCommand({ Rule: rule, Targets: [{ Id: 'handler', Arn: inboxArn }] }));
  await new S3Client({ ...cfg, forcePathStyle: true }).send(
    new CreateBucketCommand({ Bucket: 'trail-logs' }),
  );
  const trail = new CloudTrailClient(cfg);
  await trail.send(
    new CreateTrailCommand({
      Name: 'management-events',
      S3BucketName: 'trail-logs',
      IsMultiRegionTrail: true,
    }),
  );
  await trail.send(
    new PutEventSelectorsCommand({
      TrailName: 'management-events',
      EventSelectors: [{ IncludeManagementEvents: true, ReadWriteType: 'All' }],
    }),
  );
  await trail.send(new StartLoggingCommand({ Name: 'management-events' }));
  await new CloudWatchClient(cfg).send(
    new PutMetricDataCommand({
      Namespace: 'LayerWatch',
      MetricData: [
        {
          MetricName: 'Heartbeat',
          Dimensions: [
            { Name: 'service', Value: 'layerwatch' },
            { Name: 'Region', Value: cfg.region },
          ],
          Timestamp: new Date(now.getTime() - 10 * 60_000),
          Value: 1,
        },
      ],
    }),
  );
  const outputs: Record<string, string> = {
    AlertTopicArn: topic,
    RuleNames: rule,
    CoveredRegions: cfg.region,
    HeartbeatRegions: cfg.region,
    HandlerName: 'LayerWatch-Handler',
    ...queues,
  };
  await new CloudFormationClient(cfg).send(
    new CreateStackCommand({
      StackName: TRY_STACK,
      TemplateBody: JSON.stringify({
        Resources: { Marker: { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'stack-marker' } } },
        Outputs: Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, { Value: v }])),
      }),
    }),
  );
  return { topic, rule, queues };
}

const lowerKeys = (v: unknown): unknown =>
  Array.isArray(v)
    ? v.map(lowerKeys)
    : v && typeof v === 'object'
      ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k.toLowerCase(), lowerKeys(x)]))
      : v;

const COLUMNS = ATHENA_RESULT_COLUMNS;

/** A CloudTrail record as the CloudTrail table gives it back: struct fields lower-cased, JSON as text. */
export function athenaCells(r: Record<string, unknown>): string[] {
  const text = (v: unknown) => (v === undefined || v === null ? '' : String(v));
  const json = (v: unknown) => (v === undefined || v === null ? '' : JSON.stringify(v));
  return [
    text(r.eventID),
    text(r.eventTime),
    text(r.eventSource),
    text(r.eventName),
    text(r.awsRegion),
    text(r.sourceIPAddress),
    text(r.userAgent),
    text(r.recipientAccountId),
    text(r.errorCode),
    text(r.errorMessage),
    json(r.requestParameters),
    json(r.responseElements),
    json(lowerKeys(r.userIdentity)),
    json(lowerKeys(r.resources)),
  ];
}

/** moto runs no SQL: the next query's results are the rows given here (null cells are NULL). */
export async function seedAthena(
  endpoint: string,
  rows: (string | null)[][],
  region = TRY_REGION,
): Promise<void> {
  const cell = (v: string | null) => (v === null || v === '' ? {} : { VarCharValue: v });
  const res = await fetch(`${endpoint}/moto-api/static/athena/query-results`, {
    method: 'POST',
    body: JSON.stringify({
      account_id: TRY_ACCOUNT,
      region,
      results: [
        {
          rows: [COLUMNS, ...rows].map((r) => ({ Data: r.map(cell) })),
          column_info: COLUMNS.map((Name) => ({ Name, Type: 'varchar' })),
        },
      ],
    }),
  });
  if (!res.ok) throw new Error(`moto refused the Athena results: ${res.status}`);
}

/** The bundled example history (examples/cloudtrail), as records. */
export function exampleRecords(): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, e.name);
      if (e.isDirectory()) walk(path);
      else if (e.name.endsWith('.json.gz'))
        out.push(
          ...(
            JSON.parse(gunzipSync(readFileSync(path)).toString('utf8')) as {
              Records: Record<string, unknown>[];
            }
          ).Records,
        );
    }
  };
  walk(join(ROOT, 'examples', 'cloudtrail'));
  return out;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const a = server.address();
      server.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

async function startMoto(): Promise<{ endpoint: string; child: ChildProcess }> {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const child = spawn(MOTO, ['-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
  for (let waited = 0; waited < 30_000; waited += 200) {
    try {
      if ((await fetch(`${endpoint}/moto-api/`)).ok) return { endpoint, child };
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  child.kill();
  throw new Error(`moto_server did not answer on ${endpoint} within 30 s`);
}

function runCli(endpoint: string, args: string[]): void {
  process.stdout.write(`\n$ npx layerwatch ${args.join(' ')}\n`);
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'layerwatch-cli.mjs'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: {
      ...process.env,
      AWS_ENDPOINT_URL: endpoint,
      AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'moto',
      AWS_REGION: TRY_REGION,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
  });
  process.stdout.write(`${r.stdout}${r.stderr}(exit ${r.status})\n`);
}

async function main(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  if (!existsSync(MOTO)) {
    process.stderr.write(
      `try-it: ${MOTO} is missing. Install it once with \`npm test\` (its setup creates .moto-venv), or:\n  python3 -m venv .moto-venv && .moto-venv/bin/pip install 'moto[server]==5.2.5'\n`,
    );
    process.exitCode = 1;
    return;
  }
  if (!existsSync(join(ROOT, 'dist', 'cli.mjs')))
    spawnSync(process.execPath, [join(ROOT, 'scripts', 'build-cli.mjs')], { cwd: ROOT, stdio: 'inherit' });
  const { endpoint, child } = await startMoto();
  try {
    const cfg = motoConfig(endpoint);
    await seedFunction(cfg);
    await seedDeployment(cfg);
    await seedAthena(endpoint, exampleRecords().map(athenaCells));
    process.stdout.write(
      `moto on ${endpoint}: a function ${TRY_FUNCTION} with a layer, the stack ${TRY_STACK}, Athena results of examples/\n`,
    );
    runCli(endpoint, ['verify', '--region', TRY_REGION]);
    runCli(endpoint, ['inspect', TRY_FUNCTION, '--region', TRY_REGION]);
    runCli(endpoint, [
      'hunt',
      '--athena',
      '--table',
      'default.cloudtrail_logs',
      '--region',
      TRY_REGION,
      '--output-location',
      's3://query-results/',
      '--format',
      'table',
    ]);
    process.stdout.write(
      '\nmoto has no CloudTrail Event history (LookupEvents): hunt --lookup-events needs a real account.\n',
    );
  } finally {
    child.kill('SIGTERM');
  }
}

if (/try-it\.ts$/.test(process.argv[1] ?? '')) void main();
