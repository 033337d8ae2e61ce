// Bundles the offline CLI into dist/cli.mjs (run by `npm ci` through the prepare script).
import { readFileSync } from 'node:fs';
import { build } from 'esbuild';

const { version } = JSON.parse(readFileSync('package.json', 'utf8'));

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
  define: { __LAYERWATCH_VERSION__: JSON.stringify(version) },
  logLevel: 'warning',
});
