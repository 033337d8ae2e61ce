/**
 * The function the construct deploys is the bundle `npm run bench:handler` measures: CDK bundles the
 * handler for real here, and its files (index.mjs, its chunks, their maps) are compared byte for
 * byte with the bench's build.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { bundle, OPTION_SETS } from '../../bench/handler-bundle.js';
import { HANDLER_CALLS } from '../../lambda/runtime-calls.js';
import type { BundleOptions } from '../../lib/constructs/runtime-bundling.js';
import { RuntimeFunction } from '../../lib/constructs/runtime-function.js';

/** A runtime of `entry` in `stack`, as the stacks build one. */
function runtimeIn(stack: Stack, id: string, entry: string, options: BundleOptions): RuntimeFunction {
  const topic = sns.Topic.fromTopicArn(stack, `${id}Topic`, 'arn:aws:sns:us-east-1:111122223333:alerts');
  return new RuntimeFunction(stack, id, {
    entry,
    description: 'bundled as deployed',
    calls: HANDLER_CALLS,
    targets: {
      partition: 'aws',
      account: '111122223333',
      regions: ['us-east-1'],
      canaryRegions: [],
      tableArn: 'arn:aws:dynamodb:us-east-1:111122223333:table/t',
      topics: { alert: { topic }, operations: { topic } },
      options,
      homeRegion: 'us-east-1',
    },
    environment: {},
    logRetention: logs.RetentionDays.ONE_WEEK,
    timeout: Duration.seconds(30),
    retryAttempts: 2,
  });
}

const bundledStack = () => {
  const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'lw-runtime-')) });
  return { app, stack: new Stack(app, 'Bundled', { env: { account: '111122223333', region: 'us-east-1' } }) };
};

/** The handler's files as CDK bundles them into the cloud assembly (one function, one asset). */
function deployed(options: BundleOptions): Map<string, Buffer> {
  const { app, stack } = bundledStack();
  runtimeIn(stack, 'Handler', 'handler.ts', options);
  const outdir = app.synth().directory;
  const assets = readdirSync(outdir).filter((d) => d.startsWith('asset.'));
  expect(assets).toHaveLength(1);
  const files = filesOf(join(outdir, assets[0] as string));
  rmSync(outdir, { recursive: true, force: true });
  return files;
}

/** Every file of a directory, by name, with its bytes. */
function filesOf(dir: string): Map<string, Buffer> {
  return new Map(
    readdirSync(dir)
      .sort()
      .map((name) => [name, readFileSync(join(dir, name))]),
  );
}

describe('RuntimeFunction bundling', () => {
  it.each([
    ['default', OPTION_SETS.default],
    ['every option', OPTION_SETS['every option']],
  ])(
    'deploys, for the %s set, the very bytes the bench measures',
    async (name, options) => {
      const built = await bundle(
        'lambda/handler.ts',
        `bench/.out/construct-test-${name.replace(/\W/g, '-')}/index.mjs`,
        options as BundleOptions,
      );
      const deployedFiles = deployed(options as BundleOptions);
      const benchFiles = filesOf(dirname(built.file));
      expect([...deployedFiles.keys()]).toEqual([...benchFiles.keys()]);
      expect(deployedFiles.has('index.mjs')).toBe(true);
      // More than one file: what is loaded on first use is a chunk of its own.
      expect([...deployedFiles.keys()].filter((f) => f.endsWith('.mjs')).length).toBeGreaterThan(1);
      for (const [name, bytes] of deployedFiles)
        expect([name, bytes.equals(benchFiles.get(name) as Buffer)]).toEqual([name, true]);
      const codeBytes = [...deployedFiles]
        .filter(([f]) => f.endsWith('.mjs'))
        .reduce((n, [, b]) => n + b.length, 0);
      expect(codeBytes).toBe(built.bytes);
    },
    120_000,
  );

  it('gives each runtime of a stack its own asset, built from its own entry', async () => {
    const options = OPTION_SETS.default as BundleOptions;
    const { app, stack } = bundledStack();
    runtimeIn(stack, 'Handler', 'handler.ts', options);
    runtimeIn(stack, 'Heartbeat', 'heartbeat.ts', options);
    const outdir = app.synth().directory;
    try {
      const template = JSON.parse(readFileSync(join(outdir, 'Bundled.template.json'), 'utf8')) as {
        Resources: Record<string, { Type: string; Properties?: { Code?: { S3Key?: string } } }>;
      };
      // The asset a function's code comes from: its S3 key is the asset's hash, as its folder's name.
      const assetOf = (id: string) => {
        const key = Object.entries(template.Resources).find(
          ([logical, r]) => r.Type === 'AWS::Lambda::Function' && logical.startsWith(id),
        )?.[1].Properties?.Code?.S3Key;
        expect(key).toMatch(/^[0-9a-f]{64}\.zip$/);
        return `asset.${(key as string).replace(/\.zip$/, '')}`;
      };
      expect(assetOf('Handler')).not.toBe(assetOf('Heartbeat'));
      for (const [id, entry] of [
        ['Handler', 'handler'],
        ['Heartbeat', 'heartbeat'],
      ] as const) {
        const built = await bundle(
          `lambda/${entry}.ts`,
          `bench/.out/construct-test-${entry}/index.mjs`,
          options,
        );
        expect(readFileSync(join(outdir, assetOf(id), 'index.mjs')).equals(readFileSync(built.file))).toBe(
          true,
        );
      }
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  }, 120_000);
});
