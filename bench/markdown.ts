/** Replaces the block between `<!-- NAME:start -->` and `<!-- NAME:end -->` in BENCHMARKS.md. */
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';

export function updateSection(file: string, name: string, content: string): void {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const text = readFileSync(file, 'utf8');
  const a = text.indexOf(start);
  const b = text.indexOf(end);
  if (a < 0 || b < a) throw new Error(`${file}: markers ${start} ... ${end} not found`);
  writeFileSync(file, `${text.slice(0, a + start.length)}\n${content.trim()}\n${text.slice(b)}`);
}

/** A seeded PRNG (mulberry32): benchmarks are repeatable. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The machine a figure was taken on: core count and CPU model. Ratios against `zcat` or an SDK-only
 * floor move from one CPU to another, so every block names its machine.
 */
export function machine(): string {
  const all = cpus();
  return `${all.length} cores (${all[0]?.model.trim() || 'CPU model unknown'})`;
}
