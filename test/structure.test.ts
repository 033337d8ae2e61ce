/**
 * The house rules, over every source file outside the tests (bin, lib, lambda, scripts, bench):
 * files readable in one sitting, functions in one screen, and imports that never run in a circle
 * (type-only imports included). `npx tsx test/support/shape.ts DIR` lists the longest functions.
 */
import { join, relative } from 'node:path';
import { importCycles, shapeOf, sourceFiles } from './support/shape.js';

const root = join(__dirname, '..');
const shapes = ['bin', 'lib', 'lambda', 'scripts', 'bench']
  .flatMap((d) => sourceFiles(join(root, d)))
  .map(shapeOf);

describe('the house', () => {
  it('has files readable in one sitting (at most 400 lines)', () => {
    const long = shapes.filter((s) => s.lines > 400).map((s) => `${relative(root, s.file)}: ${s.lines}`);
    expect(long).toEqual([]);
  });

  it('has functions of at most 80 lines', () => {
    const long = shapes
      .flatMap((s) => s.functions)
      .filter((f) => f.lines > 80)
      .map((f) => `${relative(root, f.file)}:${f.line} ${f.name}: ${f.lines}`);
    expect(long).toEqual([]);
  });

  it('has no import cycles, type-only imports included', () => {
    expect(importCycles(shapes, root)).toEqual([]);
  });

  it('is seen whole by this check (every file parsed, functions found)', () => {
    expect(shapes.length).toBeGreaterThan(100);
    expect(shapes.flatMap((s) => s.functions).length).toBeGreaterThan(500);
  });
});
