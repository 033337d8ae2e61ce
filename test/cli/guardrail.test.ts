/**
 * `layerwatch guardrail` on a history with the organization's own layers, a known publisher's layer
 * and one foreign attach: the SCP allows the first two (simulated), denies the foreign one, fits the
 * size limit, and --replay names exactly the foreign call.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Stack } from 'aws-cdk-lib';
import { guardrailCommand } from '../../lambda/cli/command-guardrail.js';
import { normalize } from '../../lambda/domain/cloudtrail.js';
import { addEvent, emptyInventory } from '../../lambda/domain/guardrail/inventory.js';
import type { GuardrailPolicy } from '../../lambda/domain/guardrail/policy.js';
import { layerEventPattern } from '../../lib/event-patterns.js';
import { memoryIo } from '../support/cli-io.js';
import { simulate } from '../support/guardrail-simulation.js';
import {
  ACCOUNT,
  createFunction,
  denied,
  identities,
  layerArn,
  OTHER_ACCOUNT,
  publishLayerVersion,
  updateFunctionConfiguration,
} from '../support/records.js';

const DEPLOY_ROLE = `arn:aws:iam::${ACCOUNT}:role/cdk-hnb659fds-cfn-exec-role-${ACCOUNT}-us-east-1`;
const MALLORY = `arn:aws:iam::${ACCOUNT}:user/mallory`;
const SECOND_ACCOUNT = '222233334444';
const own = layerArn('shared-deps', 3);
const ownElsewhere = layerArn('metrics', 2, SECOND_ACCOUNT, 'eu-west-1');
const powertools = layerArn('AWSLambdaPowertoolsPythonV3-python312-x86_64', 7, '017000801446');
const foreign = layerArn('perf-monitor-extension', 1, OTHER_ACCOUNT);

const deploy = { identity: identities.deployRole() };
const HISTORY = [
  publishLayerVersion('shared-deps', 3, { ...deploy, time: '2026-03-14T08:55:00Z' }),
  createFunction('orders-api', { ...deploy, layers: [own], time: '2026-03-14T09:00:00Z' }),
  updateFunctionConfiguration('orders-api', {
    ...deploy,
    layers: [own, powertools],
    time: '2026-03-14T09:02:00Z',
  }),
  updateFunctionConfiguration('orders-api', { request: { timeout: 60 }, time: '2026-03-14T09:03:00Z' }),
  createFunction('metrics', {
    layers: [ownElsewhere],
    account: SECOND_ACCOUNT,
    region: 'eu-west-1',
    time: '2026-03-14T09:04:00Z',
  }),
  updateFunctionConfiguration('orders-api', {
    id: 'the-foreign-attach',
    layers: [own, powertools, foreign],
    time: '2026-03-14T09:07:00Z',
  }),
];

function files() {
  const dir = mkdtempSync(join(tmpdir(), 'layerwatch-guardrail-'));
  const history = join(dir, 'history.json');
  writeFileSync(history, JSON.stringify({ Records: HISTORY }));
  const configuration = join(dir, 'orders-api.json');
  writeFileSync(
    configuration,
    JSON.stringify({
      FunctionName: 'billing',
      FunctionArn: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:billing`,
      Layers: [{ Arn: layerArn('billing-deps', 5), CodeSize: 100 }],
    }),
  );
  return { dir, history, configuration };
}

async function guardrail(...args: string[]) {
  const io = memoryIo();
  const code = await guardrailCommand.run(args, io);
  return {
    code,
    policy: code === 3 ? null : (JSON.parse(io.out || 'null') as GuardrailPolicy | null),
    err: io.err,
  };
}

describe('layerwatch guardrail', () => {
  const { history, configuration, dir } = files();

  it('allows own and publisher layers, denies the foreign one (simulated), within the SCP size limit', async () => {
    const { code, policy, err } = await guardrail(history, configuration);
    expect(code).toBe(0);
    if (!policy) throw new Error('no policy');
    expect(JSON.stringify(policy).length).toBeLessThanOrEqual(5120);
    const verdict = (layers: string[], principalArn: string) =>
      simulate(policy, 'scp', { action: 'lambda:UpdateFunctionConfiguration', layers, principalArn });
    await expect(verdict([own, powertools], DEPLOY_ROLE)).resolves.toBe('Allowed');
    await expect(verdict([ownElsewhere], `arn:aws:iam::${SECOND_ACCOUNT}:user/mallory`)).resolves.toBe(
      'Allowed',
    );
    await expect(verdict([layerArn('billing-deps', 5)], MALLORY)).resolves.toBe('Allowed');
    await expect(verdict([own, powertools, foreign], MALLORY)).resolves.toBe('ExplicitlyDenied');
    await expect(verdict([foreign], DEPLOY_ROLE)).resolves.toBe('ExplicitlyDenied');
    expect(err).toContain(
      'known publisher: Powertools for AWS Lambda (Python) (https://docs.aws.amazon.com/powertools/python/latest/)',
    );
    expect(err).toContain(
      `Refused although in use (1): these calls fail once the policy is on; --allow keeps one:\n  ${foreign}  attached: arn:aws:lambda:us-east-1:${ACCOUNT}:function:orders-api`,
    );
    expect(err).toContain('1 function configuration document(s)');
  });

  it('--replay names exactly the foreign call (who, when, which layer) and exits 1', async () => {
    const { code, err } = await guardrail(history, '--replay', history);
    expect(code).toBe(1);
    const calls = err.split('\n').filter((l) => /^ {2}(DENIED|EXEMPT|UNJUDGED)/.test(l));
    expect(calls).toEqual([
      `  DENIED    2026-03-14T09:07:00Z  ${MALLORY}  UpdateFunctionConfiguration20150331v2 arn:aws:lambda:us-east-1:${ACCOUNT}:function:orders-api  layer ${foreign}  [the-foreign-attach]`,
    ]);
    expect(err).toContain("Replay: 4 call(s) that set a function's layers; 1 would have been denied");
  });

  it('exempts the named principals and nobody else', async () => {
    const { code, policy, err } = await guardrail(
      history,
      '--exempt-principal',
      MALLORY,
      '--replay',
      history,
    );
    expect(code).toBe(0);
    expect(err).toContain(`  EXEMPT    2026-03-14T09:07:00Z  ${MALLORY}`);
    if (!policy) throw new Error('no policy');
    const others = [
      DEPLOY_ROLE,
      `arn:aws:iam::${ACCOUNT}:user/mallory2`,
      `arn:aws:iam::${OTHER_ACCOUNT}:user/mallory`,
      `arn:aws:iam::${ACCOUNT}:root`,
    ];
    const verdict = (principalArn: string) =>
      simulate(policy, 'scp', { action: 'lambda:CreateFunction', layers: [foreign], principalArn });
    await expect(verdict(MALLORY)).resolves.toBe('Allowed');
    for (const other of others) await expect(verdict(other)).resolves.toBe('ExplicitlyDenied');
  });

  it('refuses a blanket exemption and says why', async () => {
    const { code, err } = await guardrail(history, '--exempt-principal', `arn:aws:iam::${ACCOUNT}:role/*`);
    expect(code).toBe(2);
    expect(err).toMatch(/is not a named principal .* an exemption for everyone is no guardrail/);
  });

  it('writes the summary to --summary FILE, and the boundary form with its allow', async () => {
    const summary = join(dir, 'summary.txt');
    const { code, policy, err } = await guardrail(history, '--format', 'boundary', '--summary', summary);
    expect(code).toBe(0);
    expect(err).toBe('');
    expect(readFileSync(summary, 'utf8')).toContain('a permissions boundary of');
    expect(policy?.Statement.map((s) => s.Effect)).toEqual(['Allow', 'Deny']);
  });

  it('names an input it cannot read and exits 2', async () => {
    const { code, err } = await guardrail(history, join(dir, 'missing.json'));
    expect(code).toBe(2);
    expect(err).toContain('missing.json');
  });

  it("README's example: the bundled examples' two foreign attaches, and nothing else, would be denied", async () => {
    // As a user runs it: the real command line, whose reader threads read examples/ (16 files and
    // more) in parallel, which the in-process runner of the other cases cannot start.
    const root = join(__dirname, '..', '..');
    const examples = join(root, 'examples');
    const run = spawnSync(
      process.execPath,
      [join(root, 'bin', 'layerwatch-cli.mjs'), 'guardrail', examples, '--replay', examples],
      { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } },
    );
    const [code, err] = [run.status, run.stderr];
    expect(code).toBe(1);
    const denied = err.split('\n').filter((l) => l.startsWith('  DENIED'));
    expect(denied).toHaveLength(2);
    expect(denied[0]).toContain(`${MALLORY}  UpdateFunctionConfiguration20150331v2`);
    expect(denied[0]).toContain(':layer:perf-monitor-extension:1');
    expect(denied[1]).toContain('AWSReservedSSO_AdministratorAccess');
    expect(denied[1]).toContain(':layer:debug-tools:7');
  });

  it("README's claim: the layer rule takes successful calls and refused attaches, and no other failed call", () => {
    const pattern = new Stack().resolve(layerEventPattern()) as { detail: Record<string, unknown> };
    expect(pattern.detail.errorCode).toBeUndefined();
    expect(pattern.detail.$or).toEqual([
      { errorCode: [{ exists: false }] },
      {
        errorCode: ['AccessDenied', 'AccessDeniedException'],
        eventName: [
          { prefix: 'UpdateFunctionConfiguration' },
          'CreateFunction',
          { prefix: 'CreateFunction20' },
        ],
      },
    ]);
  });

  it('a refused attach in the input puts its layer in no allowed list', () => {
    const events = [
      createFunction('api', { layers: [layerArn('deps', 1)] }),
      denied(
        updateFunctionConfiguration('api', {
          layers: [layerArn('deps', 1), layerArn('implant', 1, OTHER_ACCOUNT)],
        }),
      ),
    ]
      .map((r) => normalize(r))
      .flatMap((n) => (n.status === 'relevant' ? [n.event] : []));
    expect(events.map((e) => e.kind)).toEqual(['CreateFunction', 'Denied']);
    const inventory = emptyInventory();
    for (const e of events) addEvent(inventory, e);
    expect([...inventory.layers.keys()]).toEqual([layerArn('deps', 1)]);
  });

  it.each([
    [['--format', 'json', 'x.json'], '--format: "json" is not one of scp, identity, boundary'],
    [[], 'no INPUT given (nor --state-table)'],
    [['--state-table', 'a b'], '--state-table: "a b" is not a DynamoDB table name'],
    [['--region', 'us-east-1', 'x.json'], "--region is the state table's or the live replay's"],
    [['--account', '12', 'x.json'], '--account: "12" is not a 12-digit account id'],
  ])('refuses %j with a usage error (exit 2)', async (args, message) => {
    const io = memoryIo();
    expect(await guardrailCommand.run(args, io)).toBe(2);
    expect(io.err).toContain(`layerwatch guardrail: ${message}`);
    expect(io.err).toContain('Usage: layerwatch guardrail');
  });
});
