#!/usr/bin/env node
// The `layerwatch` command. Runs the bundle that `npm ci` (prepare script) builds.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const bundle = fileURLToPath(new URL('../dist/cli.mjs', import.meta.url));
if (!existsSync(bundle)) {
  process.stderr.write(
    'layerwatch: dist/cli.mjs is missing; run `npm ci` (or `npm run build:cli`) in the project first.\n',
  );
  process.exit(2);
}
await import(bundle);
