/**
 * examples/findings/: one finding per detection, as the Lambda publishes it. The files must be what
 * the generator (scripts/example-scenarios.ts, run by scripts/make-examples.ts) produces now, so
 * that a change of the engine or of the finding format cannot leave a stale example behind.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DETECTIONS } from '../lambda/domain/detections/index.js';
import { exampleFindingFiles } from '../scripts/example-scenarios.js';
import { expectValidFinding } from './support/schema.js';

const DIR = join(__dirname, '..', 'examples', 'findings');
const onDisk = () => readdirSync(DIR).sort();
const findingFiles = () => onDisk().filter((name) => name.endsWith('.json'));
const read = (name: string) => JSON.parse(readFileSync(join(DIR, name), 'utf8'));

describe('examples/findings', () => {
  const generated = exampleFindingFiles();

  it('holds exactly one finding per detection, named by its id', () => {
    expect(findingFiles()).toEqual(DETECTIONS.map((d) => `${d.id}.json`).sort());
    for (const d of DETECTIONS) expect(read(`${d.id}.json`).detectionId).toBe(d.id);
  });

  it.each(DETECTIONS.map((d) => d.id))('%s validates against schema/finding.schema.json', (id) => {
    expectValidFinding(read(`${id}.json`));
  });

  it('are what the generator produces now (run npx tsx scripts/make-examples.ts after a change)', () => {
    expect(Object.keys(generated).sort()).toEqual(onDisk());
    for (const name of onDisk()) expect(readFileSync(join(DIR, name), 'utf8')).toBe(generated[name]);
  });

  it('carry distinct finding ids and event ids', () => {
    const all = findingFiles().map(read);
    expect(new Set(all.map((f) => f.findingId)).size).toBe(all.length);
    expect(new Set(all.map((f) => f.event.id)).size).toBe(all.length);
  });

  it('the hook example shows the hook variables before and after, and no other variable', () => {
    const f = read('lambda-exec-hook-set.json');
    expect(f.execHooks).toEqual({
      before: {},
      after: { AWS_LAMBDA_EXEC_WRAPPER: '/opt/otel-instrument' },
      changed: [
        expect.objectContaining({
          variable: 'AWS_LAMBDA_EXEC_WRAPPER',
          from: null,
          to: '/opt/otel-instrument',
        }),
      ],
    });
    expect(JSON.stringify(f)).not.toContain('LOG_LEVEL');
    expect(f.layers.added).toEqual([expect.stringMatching(/:layer:otel-autoinstrument:4$/)]);
    expect(f.inspection.layers[0].signals.map((s: { id: string }) => s.id)).toContain('exec-wrapper-script');
  });

  it('the layer-added example names the extension the layer starts, in inspection and in the reasons', () => {
    const f = read('lambda-layer-added.json');
    expect(f.inspection.layers).toEqual([
      expect.objectContaining({
        versionArn: f.layers.added[0],
        status: 'inspected',
        signals: expect.arrayContaining([
          expect.objectContaining({
            id: 'external-extension',
            severity: 'high',
            path: 'extensions/perf-monitor',
          }),
        ]),
      }),
    ]);
    expect(f.reasons.join('\n')).toContain('starts an external extension, extensions/perf-monitor');
  });

  it('the version change says what the new version adds; the reorder which layer now wins', () => {
    const changed = read('lambda-layer-version-changed.json');
    expect(changed.inspection.versionChanges).toEqual([
      expect.objectContaining({
        compared: true,
        added: [expect.objectContaining({ id: 'external-extension', path: 'extensions/sync-agent' })],
      }),
    ]);
    const reordered = read('lambda-layer-reordered.json');
    expect(reordered.title).toMatch(/log-shipper:3 now wins \/opt\/extensions\/telemetry-agent$/);
    expect(reordered.gaps).toEqual([]);
  });

  it('the tampering example names its target; every other example has none', () => {
    for (const name of findingFiles()) {
      const f = read(name);
      if (f.detectionId === 'detector-tampered')
        expect(f.target).toMatchObject({ service: 'lambda', type: 'function' });
      else expect(f.target).toBeNull();
    }
  });
});
