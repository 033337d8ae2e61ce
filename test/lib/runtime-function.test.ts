/**
 * The function the construct deploys is the bundle `npm run bench:handler` measures: CDK bundles the
 * handler for real here, and its output is compared byte for byte with the bench's build.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { bundle, OPTION_SETS } from '../../bench/handler-bundle.js';
import { HANDLER_CALLS } from '../../lambda/runtime-calls.js';
import type { BundleOptions } from '../../lib/constructs/runtime-bundling.js';
import { RuntimeFunction } from '../../lib/constructs/runtime-function.js';

/** The handler's code as CDK bundles it into the cloud assembly (one function, one asset). */
function deployed(options: BundleOptions): Buffer {
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
  const code = readFileSync(join(outdir, assets[0] as string, 'index.mjs'));
  rmSync(outdir, { recursive: true, force: true });
  return code;
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
      const deployedCode = deployed(options as BundleOptions);
      expect(deployedCode.length).toBe(built.bytes);
      expect(deployedCode.equals(readFileSync(built.file))).toBe(true);
    },
    120_000,
  );
});
