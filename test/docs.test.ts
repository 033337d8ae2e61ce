import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONTEXT_KEYS } from '../bin/config.js';
import { DETECTIONS } from '../lambda/domain/detections/index.js';

const detectionsDoc = readFileSync(join(__dirname, '..', 'DETECTIONS.md'), 'utf8');
const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
const schema = readFileSync(join(__dirname, '..', 'schema', 'finding.schema.json'), 'utf8');

describe('documentation', () => {
  it.each(DETECTIONS.map((d) => [d.id, d.baseScore]))(
    'DETECTIONS.md documents %s with base %d',
    (id, base) => {
      const row = detectionsDoc.split('\n').find((l) => new RegExp(`^\\|\\s*\`${id}\`\\s*\\|`).test(l));
      expect(row).toBeDefined();
      expect(row?.split('|')[3]?.trim()).toBe(String(base));
    },
  );

  it.each(DETECTIONS.map((d) => d.id))('README.md and the schema name %s', (id) => {
    expect(readme).toContain(`\`${id}\``);
    expect(schema).toContain(`"${id}"`);
  });

  it('README.md gives the two commands', () => {
    expect(readme).toContain('npm ci && npx layerwatch scan examples/');
    expect(readme).toContain('npm ci && npm test');
  });

  it.each([...CONTEXT_KEYS])('README.md documents the context key %s', (key) => {
    expect(readme).toMatch(new RegExp(`^\\|\\s*\`${key}\`\\s*\\|`, 'm'));
  });
});
