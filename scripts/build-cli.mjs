// Bundles the offline CLI into dist/cli.mjs (run by `npm ci` through the prepare script).
import { build } from 'esbuild';

await build({
  entryPoints: ['lambda/cli/entry.ts'],
  outfile: 'dist/cli.mjs',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: 'linked',
  // The SDK's ES modules: its CommonJS build fails in an ESM bundle (dynamic require of node:https).
  mainFields: ['module', 'main'],
  logLevel: 'warning',
});
