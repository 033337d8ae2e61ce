/** Every test, one runner: `npm test` (lint + typecheck + this). */

// The AWS SDK warns on Node 20 about its future releases, once per client: set here, before the
// workers start, so every test process and every CLI process a test starts inherits it
// (TOOLCHAIN.md). A value the caller set is kept.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
// aws-cdk-lib validates every synthesized template with its built-in CloudFormation rules (a WASM
// engine that takes ~8 s of CPU to start, again in every test file, and ~1 s a synthesis). Its
// findings are downgraded to warnings printed on stderr and never fail a synthesis, so no test can
// fail by it: the tests judge the templates themselves (cfn-lint on every template of every mode,
// cdk-nag, IAM simulation). Off for the tests; `cdk synth` keeps it. A value the caller set is kept.
process.env.CDK_VALIDATION ??= 'false';

export default {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { target: 'es2023' }, module: { type: 'commonjs' } }],
  },
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  globalSetup: '<rootDir>/test/global-setup.mjs',
  setupFilesAfterEnv: ['<rootDir>/test/cdk-autoclean.cjs'],
  reporters: ['default', '<rootDir>/test/summary-reporter.cjs'],
  coverageProvider: 'v8',
  collectCoverageFrom: ['lambda/**/*.ts'],
  coverageThreshold: { './lambda/domain/': { lines: 95, branches: 85, functions: 95 } },
  testTimeout: 30000,
  // Both cores: most suites wait on moto, child processes or CDK synthesis, not on each other.
  maxWorkers: 2,
  // A worker is replaced once a file leaves more than this on its heap (about every file). With V8
  // coverage on, jest enables the inspector's debugger and takes precise coverage around every test
  // file, and both cost in proportion to every script the worker's process still holds; that grew
  // file after file (a unit file's overhead went from 0.3 s to 0.8 s over 55 files on one worker).
  // test/lambda, 121 files on two workers with coverage, user CPU: 84 to 94 s without a limit, 57 to
  // 62 s at 200 MB, 49 to 50 s at 120 MB, 44 s at 50 MB.
  workerIdleMemoryLimit: '50MB',
};
