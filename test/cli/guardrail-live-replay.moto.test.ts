/**
 * `guardrail --replay-athena` through the built CLI against moto: the real Athena client and query
 * runner (moto's results seeded, as it runs no SQL) feed the replay, which names exactly the foreign
 * attach and exits 1. moto has no LookupEvents: the Event history replay is proven with injected
 * sources (guardrail-live-replay.test.ts).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seedAthenaResults } from '../support/athena-rows.js';
import { type Moto, startMoto } from '../support/moto.js';
import {
  ACCOUNT,
  createFunction,
  identities,
  layerArn,
  OTHER_ACCOUNT,
  updateFunctionConfiguration,
} from '../support/records.js';

const ROOT = join(__dirname, '..', '..');
const own = layerArn('shared-deps', 3);
const foreign = layerArn('perf-monitor-extension', 1, OTHER_ACCOUNT);
const inUse = createFunction('orders-api', {
  identity: identities.deployRole(),
  layers: [own],
  time: '2026-03-14T09:00:00Z',
});
const attach = updateFunctionConfiguration('orders-api', {
  id: 'the-foreign-attach',
  layers: [own, foreign],
  time: '2026-03-14T09:07:00Z',
});
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

beforeAll(async () => {
  moto = await startMoto();
}, 60_000);
afterAll(async () => moto?.stop());

describe('guardrail --replay-athena against moto', () => {
  it('replays the query results and names exactly the foreign attach, exit 1', async () => {
    const input = join(mkdtempSync(join(tmpdir(), 'layerwatch-guardrail-athena-')), 'in-use.json');
    writeFileSync(input, JSON.stringify({ Records: [inUse] }));
    expect(await seedAthenaResults(moto.endpoint, [inUse, attach])).toBe(true);
    const r = guardrail(input, '--replay-athena', '--table', 'db.cloudtrail', '--region', 'us-east-1');
    expect(r.stderr).toContain("Replay: 2 call(s) that set a function's layers; 1 would have been denied");
    const calls = r.stderr.split('\n').filter((l) => /^ {2}(DENIED|EXEMPT|UNJUDGED)/.test(l));
    expect(calls).toEqual([
      `  DENIED    2026-03-14T09:07:00Z  arn:aws:iam::${ACCOUNT}:user/mallory  UpdateFunctionConfiguration20150331v2 arn:aws:lambda:us-east-1:${ACCOUNT}:function:orders-api  layer ${foreign}  [the-foreign-attach]`,
    ]);
    expect(JSON.parse(r.stdout).Statement[0].Effect).toBe('Deny');
    expect(r.code).toBe(1);
  }, 60_000);
});
