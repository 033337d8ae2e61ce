// aws-cdk-lib's testhelpers/jest-autoclean, for the files that used the CDK only. That helper loads
// the CDK's cloud assembly module after every test file to empty its list of temporary assembly
// directories, even in the files that never imported the CDK: the unit files under test/lambda took
// about a fifth more CPU with it (52 s against 40 s, 55 files on one worker) and a larger heap. Here a
// file that loaded the module (any synthesis to a temporary directory does) has its directories
// removed after its tests, as before; the others have none. CDK_NO_CLEAN_TESTS keeps them, as it does
// for the CDK's own helper. The path is aws-cdk-lib's own: test/cdk-autoclean.test.ts fails if a
// synthesis no longer loads a module it matches (cleaning would stop without a word).
const CLOUD_ASSEMBLY = /[\\/]cloud-assembly-api[\\/]lib[\\/]cloud-assembly\.js$/;
module.exports = { CLOUD_ASSEMBLY };

afterAll(() => {
  if (process.env.CDK_NO_CLEAN_TESTS) return;
  if (!Object.keys(require.cache).some((path) => CLOUD_ASSEMBLY.test(path))) return;
  require('aws-cdk-lib/cx-api').CloudAssembly.cleanupTemporaryDirectories();
});
