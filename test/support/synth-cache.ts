/**
 * Synthesized templates kept on disk, so that each deployment mode is synthesized once, not once per
 * test file in every jest worker. An entry is found by a hash of everything its synthesis reads: the
 * sources of lib/ and lambda/, package.json and the lockfile, the installed aws-cdk-lib and
 * constructs, the CDK_* environment, this file and the caller's own source (which builds the app and
 * its context), and the mode itself (name, config, env). Any change to any of them gives another key,
 * so a template is never served after its source changed; a mode whose config is not plain JSON is
 * never cached. The directory (.cache/synth, ignored by git) starts empty on a clean clone.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

// Tests run from the project root (npm scripts, jest's rootDir).
const ROOT = process.cwd();
const CACHE = join(ROOT, '.cache', 'synth');
const SOURCE_DIRS = ['lib', 'lambda'];
const SOURCE_FILES = ['package.json', 'package-lock.json', 'test/support/synth-cache.ts'];
const PACKAGES = ['aws-cdk-lib', 'constructs'];
/** Entries of other sources are removed once this old (another run may still be reading them). */
const STALE_MS = 60 * 60 * 1000;

function filesUnder(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

/** A hash of every source synthesis reads (`callerSource`: the file that builds the app). */
function sourceHash(callerSource: string): string {
  const hash = createHash('sha256');
  const files = [
    ...SOURCE_DIRS.flatMap(filesUnder),
    ...[...SOURCE_FILES, callerSource].map((f) => join(ROOT, f)),
    ...PACKAGES.map((p) => join(ROOT, 'node_modules', p, 'package.json')),
  ];
  for (const file of files) hash.update(`${file.slice(ROOT.length)}\0`).update(readFileSync(file));
  const cdkEnv = Object.entries(process.env)
    .filter(([k]) => k.startsWith('CDK_'))
    .sort(([a], [b]) => a.localeCompare(b));
  hash.update(JSON.stringify([process.version, cdkEnv]));
  return hash.digest('hex').slice(0, 24);
}

/** The mode as JSON, or undefined when it holds anything JSON would not keep exactly. */
function plainJson(value: unknown): string | undefined {
  const plain = (v: unknown): boolean => {
    if (v === null || ['string', 'boolean'].includes(typeof v)) return true;
    if (typeof v === 'number') return Number.isFinite(v);
    if (Array.isArray(v)) return v.every(plain);
    if (typeof v !== 'object' || Object.getPrototypeOf(v) !== Object.prototype) return false;
    return Object.values(v as object).every((x) => x === undefined || plain(x));
  };
  return plain(value) ? JSON.stringify(value) : undefined;
}

function removeStale(keep: string): void {
  for (const entry of readdirSync(CACHE)) {
    const path = join(CACHE, entry);
    if (entry !== keep && Date.now() - statSync(path).mtimeMs > STALE_MS)
      rmSync(path, { recursive: true, force: true });
  }
}

/**
 * What `synthesize` returns for `mode`, from the cache when the same sources synthesized the same
 * mode before, else synthesized now and stored. Each call returns a fresh copy.
 */
export function cachedSynthesis<T>(callerSource: string, mode: unknown, synthesize: () => T): T {
  const modeJson = plainJson(mode);
  if (modeJson === undefined) return synthesize();
  const sources = sourceHash(callerSource);
  const dir = join(CACHE, sources);
  const file = join(dir, `${createHash('sha256').update(modeJson).digest('hex').slice(0, 24)}.json`);
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    // not synthesized yet with these sources
  }
  const result = synthesize();
  mkdirSync(dir, { recursive: true });
  removeStale(sources);
  // Written whole, then renamed: a reader in another worker never sees half a file.
  const partial = `${file}.${process.pid}.tmp`;
  writeFileSync(partial, JSON.stringify(result));
  renameSync(partial, file);
  return JSON.parse(JSON.stringify(result)) as T;
}
