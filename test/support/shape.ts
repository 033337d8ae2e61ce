/**
 * The shape of a source tree: lines per file, lines per function, and the import graph between
 * its files (type-only imports included: a cycle of types is still a cycle to read around).
 * Run as a script to list the longest functions:
 *   npx tsx test/support/shape.ts [dir] [top]
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { parse } from '@babel/parser';

export interface FunctionSize {
  file: string;
  name: string;
  line: number;
  lines: number;
}

export interface FileShape {
  file: string;
  lines: number;
  functions: FunctionSize[];
  /** Files of the same tree this file imports or re-exports from (absolute paths). */
  imports: string[];
}

const FUNCTION_NODES = new Set([
  'FunctionDeclaration',
  'FunctionExpression',
  'ArrowFunctionExpression',
  'ObjectMethod',
  'ClassMethod',
  'ClassPrivateMethod',
]);

interface Node {
  type: string;
  loc?: { start: { line: number }; end: { line: number } };
  [key: string]: unknown;
}

function isNode(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && typeof (value as Node).type === 'string';
}

function nameOf(node: Node, parent: Node | null): string {
  const id = node.id ?? node.key;
  if (isNode(id) && typeof id.name === 'string') return id.name;
  if (parent?.type === 'VariableDeclarator' && isNode(parent.id) && typeof parent.id.name === 'string')
    return parent.id.name;
  if (parent?.type === 'ObjectProperty' && isNode(parent.key) && typeof parent.key.name === 'string')
    return parent.key.name;
  return '(anonymous)';
}

function walk(node: Node, parent: Node | null, visit: (node: Node, parent: Node | null) => void): void {
  visit(node, parent);
  for (const [key, value] of Object.entries(node)) {
    if (key === 'loc' || key === 'leadingComments' || key === 'trailingComments') continue;
    if (Array.isArray(value)) for (const v of value) if (isNode(v)) walk(v, node, visit);
    if (isNode(value)) walk(value, node, visit);
  }
}

export function sourceFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return sourceFiles(path);
      return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [path] : [];
    });
}

export function shapeOf(file: string): FileShape {
  const text = readFileSync(file, 'utf8');
  const ast = parse(text, { sourceType: 'module', plugins: ['typescript'] }) as unknown as Node;
  const functions: FunctionSize[] = [];
  const imports: string[] = [];
  walk(ast, null, (node, parent) => {
    if (FUNCTION_NODES.has(node.type) && node.loc) {
      functions.push({
        file,
        name: nameOf(node, parent),
        line: node.loc.start.line,
        lines: node.loc.end.line - node.loc.start.line + 1,
      });
    }
    const isModuleLink =
      node.type === 'ImportDeclaration' ||
      node.type === 'ExportNamedDeclaration' ||
      node.type === 'ExportAllDeclaration';
    const source = node.source;
    if (isModuleLink && isNode(source) && typeof source.value === 'string' && source.value.startsWith('.')) {
      imports.push(resolve(dirname(file), source.value.replace(/\.js$/, '.ts')));
    }
  });
  return { file, lines: text.split('\n').length - (text.endsWith('\n') ? 1 : 0), functions, imports };
}

/** Every import cycle among `shapes`, each as the list of files around it (relative to `root`). */
export function importCycles(shapes: readonly FileShape[], root: string): string[][] {
  const graph = new Map(shapes.map((s) => [s.file, s.imports.filter((i) => i !== s.file)]));
  const cycles: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (file: string): void => {
    state.set(file, 'open');
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      if (!graph.has(next)) continue;
      if (state.get(next) === 'open')
        cycles.push(stack.slice(stack.indexOf(next)).map((f) => relative(root, f)));
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(file, 'done');
  };
  for (const file of graph.keys()) if (!state.has(file)) visit(file);
  return cycles;
}

if (process.argv[1]?.endsWith('domain-shape.ts')) {
  const dir = resolve(process.argv[2] ?? 'lambda/domain');
  const top = Number(process.argv[3] ?? 15);
  const shapes = sourceFiles(dir).map(shapeOf);
  const root = process.cwd();
  for (const s of [...shapes].sort((a, b) => b.lines - a.lines).slice(0, top))
    process.stdout.write(`${String(s.lines).padStart(5)}  ${relative(root, s.file)}\n`);
  process.stdout.write('\n');
  const fns = shapes.flatMap((s) => s.functions).sort((a, b) => b.lines - a.lines);
  for (const f of fns.slice(0, top))
    process.stdout.write(`${String(f.lines).padStart(5)}  ${relative(root, f.file)}:${f.line} ${f.name}\n`);
  process.stdout.write(`\ncycles: ${JSON.stringify(importCycles(shapes, root))}\n`);
}
