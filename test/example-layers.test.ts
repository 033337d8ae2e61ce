import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runInspect } from '../lambda/cli/inspect.js';
import { EXAMPLE_LAYERS, exampleLayerZips } from '../scripts/example-layer-zips.js';

const DIR = join(__dirname, '..', 'examples', 'layers');

describe('examples/layers', () => {
  it('are what the generator produces now (run npx tsx scripts/make-examples.ts after a change)', () => {
    const generated = exampleLayerZips();
    expect(readdirSync(DIR).sort()).toEqual(Object.keys(generated).sort());
    for (const [name, bytes] of Object.entries(generated))
      expect(readFileSync(join(DIR, name)).equals(bytes)).toBe(true);
  });

  it.each(EXAMPLE_LAYERS.map((l) => [l.file, l]))(
    '%s: inspect says what the example promises',
    async (file, layer) => {
      let out = '';
      const code = await runInspect(['--format', 'jsonl', join(DIR, file)], {
        stdout: { write: (s: string) => (out += s) },
        stderr: { write: () => true },
      });
      expect(code).toBe(0);
      const report = JSON.parse(out);
      expect(
        report.signals.map(
          (s: { severity: string; id: string; path: string }) => `${s.severity} ${s.id} ${s.path}`,
        ),
      ).toEqual(layer.expected);
      expect(report.gaps).toEqual([]);
    },
  );
});
