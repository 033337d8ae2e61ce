// Bundles the offline CLI into dist/cli.mjs, and its reader threads' entry into dist/reader.mjs
// (run by `npm ci` through the prepare script).
import { readFileSync } from 'node:fs';
import { build } from 'esbuild';

const { version } = JSON.parse(readFileSync('package.json', 'utf8'));

await build({
  entryPoints: [
    { in: 'lambda/cli/entry.ts', out: 'cli' },
    { in: 'lambda/cli/reader-thread.ts', out: 'reader' },
  ],
  outdir: 'dist',
  outExtension: { '.js': '.mjs' },
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
