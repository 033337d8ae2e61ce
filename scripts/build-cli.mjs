// Bundles the offline CLI into dist/cli.mjs, and its reader threads' entry into dist/reader.mjs
// (run by `npm ci` through the prepare script).
import { readFileSync, rmSync } from 'node:fs';
import { build } from 'esbuild';

const { version } = JSON.parse(readFileSync('package.json', 'utf8'));

// Chunks are named by their content: a build starts from an empty folder, leaving no stale ones.
rmSync('dist', { recursive: true, force: true });

await build({
  entryPoints: [
    { in: 'lambda/cli/entry.ts', out: 'cli' },
    { in: 'lambda/cli/reader-thread.ts', out: 'reader' },
  ],
  outdir: 'dist',
  outExtension: { '.js': '.mjs' },
  bundle: true,
  // One chunk per command (commands.ts imports each when it runs) and the code they share: a
  // command compiles only what it runs, not every command's AWS clients.
  splitting: true,
  chunkNames: 'chunk-[hash]',
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: 'linked',
  // The SDK's ES modules: its CommonJS build fails in an ESM bundle (dynamic require of node:https).
  mainFields: ['module', 'main'],
  define: { __LAYERWATCH_VERSION__: JSON.stringify(version) },
  logLevel: 'warning',
});
