/** Every test, one runner: `npm test` (lint + typecheck + this). */

// The AWS SDK warns on Node 20 about its future releases, once per client: set here, before the
// workers start, so every test process and every CLI process a test starts inherits it
// (TOOLCHAIN.md). A value the caller set is kept.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export default {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { target: 'es2023' }, module: { type: 'commonjs' } }],
  },
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  globalSetup: '<rootDir>/test/global-setup.mjs',
  setupFilesAfterEnv: ['aws-cdk-lib/testhelpers/jest-autoclean'],
  reporters: ['default', '<rootDir>/test/summary-reporter.cjs'],
  coverageProvider: 'v8',
  collectCoverageFrom: ['lambda/**/*.ts'],
  coverageThreshold: { './lambda/domain/': { lines: 95, branches: 85, functions: 95 } },
  testTimeout: 30000,
  // Both cores: most suites wait on moto, child processes or CDK synthesis, not on each other.
  maxWorkers: 2,
};
