/**
 * The IAM simulator (@cloud-copilot/*) is AGPL-3.0: a test-only devDependency. No product code may
 * import it (the Lambda, the CLI and its bundle, the CDK app, the build scripts), so that the
 * project's Apache-2.0 artifacts never carry it.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const ROOT = join(__dirname, '..');
const PRODUCT = ['lambda', 'lib', 'bin', 'scripts'];
const AGPL = /@cloud-copilot\//;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return /\.(ts|mts|cts|js|mjs|cjs)$/.test(entry.name) ? [path] : [];
  });
}

describe('the licence boundary', () => {
  it('no product source names @cloud-copilot', () => {
    const files = PRODUCT.flatMap((d) => sources(join(ROOT, d)));
    expect(files.length).toBeGreaterThan(50);
    expect(files.filter((f) => AGPL.test(readFileSync(f, 'utf8'))).map((f) => relative(ROOT, f))).toEqual([]);
  });

  it('the check sees an import when there is one', () => {
    expect(AGPL.test("import { runSimulation } from '@cloud-copilot/iam-simulate';")).toBe(true);
  });

  it('the CLI bundle carries none of it, in any of its files', () => {
    const dist = join(ROOT, 'dist');
    expect(existsSync(join(dist, 'cli.mjs'))).toBe(true);
    const files = readdirSync(dist).filter((f) => f.endsWith('.mjs'));
    expect(files.length).toBeGreaterThan(2); // the entries and their chunks
    expect(
      files.filter((f) => /cloud-copilot|iam-simulate|iam-policy/.test(readFileSync(join(dist, f), 'utf8'))),
    ).toEqual([]);
  });

  it('package.json has it as a devDependency only', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    expect(Object.keys(pkg.dependencies ?? {}).filter((d) => AGPL.test(d))).toEqual([]);
    expect(Object.keys(pkg.devDependencies ?? {})).toContain('@cloud-copilot/iam-simulate');
  });
});
