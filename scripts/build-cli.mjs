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
  logLevel: 'warning',
});
