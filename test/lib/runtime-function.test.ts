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

/** The handler's files as CDK bundles them into the cloud assembly (one function, one asset). */
function deployed(options: BundleOptions): Map<string, Buffer> {
  const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'lw-runtime-')) });
  const stack = new Stack(app, 'Bundled', { env: { account: '111122223333', region: 'us-east-1' } });
  const topic = sns.Topic.fromTopicArn(stack, 'Topic', 'arn:aws:sns:us-east-1:111122223333:alerts');
  new RuntimeFunction(stack, 'Handler', {
    entry: 'handler.ts',
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
});
