/**
 * Writes examples/layers/: small layer zips, benign and malicious, to try `layerwatch inspect` on
 * (scripts/example-layer-zips.ts says what each holds and what inspect reports).
 * Run: npx tsx scripts/make-example-layers.ts
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exampleLayerZips } from './example-layer-zips.js';

const dir = join(import.meta.dirname, '..', 'examples', 'layers');
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
for (const [name, bytes] of Object.entries(exampleLayerZips())) writeFileSync(join(dir, name), bytes);
