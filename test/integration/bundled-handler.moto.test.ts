/**
 * The handler as the construct bundles it (bench/handler-bundle.ts builds with the construct's own
 * esbuild definition, JMESPath left out), each invocation a cold start in a fresh Node.js process,
 * against moto: a layer attach is published once, and the same event delivered again is answered by
 * Powertools idempotency from its DynamoDB record, in the bundled code.
 */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { bundle, OPTION_SETS } from '../../bench/handler-bundle.js';
import { observability } from '../support/fakes.js';
import { DUMMY_CREDENTIALS, type Moto, startMoto } from '../support/moto.js';
import type { Rec } from '../support/records.js';
import { createWorld, MOTO_DEFAULT_ACCOUNT, TABLE, type World } from '../support/world.js';

const ROOT = join(__dirname, '..', '..');
const HOME = MOTO_DEFAULT_ACCOUNT;

let moto: Moto;
let w: World;
let file: string;

beforeAll(async () => {
  moto = await startMoto();
  w = await createWorld(moto.endpoint, observability(), 'bundled-alerts', undefined, HOME);
  const options = OPTION_SETS.default;
  if (!options) throw new Error('no default option set');
  file = join(ROOT, (await bundle('lambda/handler.ts', 'bench/.out/bundled-moto/index.mjs', options)).file);
}, 120_000);

afterAll(async () => {
  await moto?.stop();
});

/**
 * One cold start of the bundled handler, with the stack's environment pointed at moto. What the
 * handler throws is printed as the runtime logs it: its stack.
 */
function coldInvoke(event: Rec, env: Record<string, string> = {}): Rec {
  const code = `const { handler } = await import(${JSON.stringify(file)});
try { process.stdout.write(JSON.stringify(await handler(JSON.parse(process.env.LW_EVENT)))); }
catch (e) { process.stdout.write(JSON.stringify({ thrown: String(e.stack) })); }`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], {
    encoding: 'utf8',
    timeout: 60_000,
    env: {
      PATH: process.env.PATH,
      ALERT_TOPIC_ARN: w.topicArn,
      BASELINE_TABLE: TABLE,
      HOME_ACCOUNT: HOME,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: DUMMY_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: DUMMY_CREDENTIALS.secretAccessKey,
      AWS_ENDPOINT_URL: moto.endpoint,
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      POWERTOOLS_METRICS_DISABLED: 'true',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      LW_EVENT: JSON.stringify(event),
      ...env,
    },
  });
  if (r.status !== 0) throw new Error(`the bundled handler failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as Rec;
}

describe('the bundled handler against moto', () => {
  it('publishes a layer attach once and answers its redelivery from the idempotency record', async () => {
    await w.createFn('bundled-fn');
    const layer = await w.publish(w.lambdaA, 'bundled-ext');
    const attach = await w.updateFn('bundled-fn', { Layers: [layer] });

    expect(coldInvoke(attach)).toMatchObject({ outcome: 'published', detectionId: 'lambda-layer-added' });
    // Another cold start: no in-process cache, only the DynamoDB record answers.
    expect(coldInvoke(attach)).toMatchObject({ outcome: 'duplicate' });

    expect(await w.delivered()).toHaveLength(1);
    const items = (await w.ddb.send(new ScanCommand({ TableName: TABLE }))).Items ?? [];
    const records = items.filter((i) => i.functionArn?.S?.startsWith('layerwatch#'));
    expect(records.map((i) => i.status?.S)).toContain('COMPLETED');
  }, 120_000);

  it('throws an error whose stack points at the TypeScript sources, read from the map only then', async () => {
    await w.createFn('bundled-fn-2');
    const layer = await w.publish(w.lambdaA, 'bundled-ext-2');
    const attach = await w.updateFn('bundled-fn-2', { Layers: [layer] });
    // A table that does not exist: the store's read fails and the error leaves the handler.
    const missing = { BASELINE_TABLE: 'no-such-table' };
    const minified = coldInvoke(attach, missing).thrown as string;
    expect(minified).toMatch(/index\.mjs:\d+:\d+/);
    const readable = coldInvoke(attach, { ...missing, LAMBDA_TASK_ROOT: dirname(file) }).thrown as string;
    expect(readable.split('\n')[0]).toBe(minified.split('\n')[0]);
    expect(readable).toMatch(/lambda\/[\w/-]+\.ts:\d+:\d+/);
    expect(readable).not.toMatch(/index\.mjs:\d+:\d+/);
  }, 120_000);
});
