/**
 * test/cdk-autoclean.cjs removes aws-cdk-lib's temporary assembly directories only in a file that
 * loaded the CDK's cloud assembly module, found by its path. Should aws-cdk-lib move that module, the
 * cleaning would stop without a word; this holds the path to what a synthesis loads.
 */
import { App, Stack } from 'aws-cdk-lib';

const { CLOUD_ASSEMBLY } = require('./cdk-autoclean.cjs') as { CLOUD_ASSEMBLY: RegExp };

test('a synthesis loads the cloud assembly module the cleaning looks for', () => {
  const app = new App();
  new Stack(app, 'Tiny');
  const assembly = app.synth();
  expect(assembly.stacks.map((s) => s.stackName)).toEqual(['Tiny']);
  expect(Object.keys(require.cache).some((path) => CLOUD_ASSEMBLY.test(path))).toBe(true);
});
