/**
 * How every runtime is bundled, in esbuild's own terms. The construct's asset bundling
 * (runtime-function.ts), `npm run bench:handler` and the bundle tests all build with `buildRuntime`:
 * what is measured and tested is what is deployed (test/lib/runtime-bundling.test.ts compares the
 * bytes).
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BuildOptions, buildSync, type Metafile } from 'esbuild';
import type { CallOption } from '../../lambda/adapters/calls.js';

/** The project root (the lockfile's directory): esbuild runs there, so relative paths agree. */
export const PROJECT_ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The options a deployment turned on (lib/permissions.ts `CallTargets.options`). */
export type BundleOptions = Readonly<Record<CallOption, boolean>>;

const OPTION_CONSTANTS: readonly [CallOption, string][] = [
  ['securityHub', 'SECURITY_HUB'],
  ['findingEvents', 'FINDING_EVENTS'],
  ['organizationDiscovery', 'ORGANIZATION_DISCOVERY'],
];

/**
 * The bundling constants of the deployment's options (read in lambda/sinks.ts): esbuild leaves out
 * the clients and adapters of every option that is off, so a deployment carries only what it runs.
 */
export function optionDefines(options: BundleOptions): Record<string, string> {
  const define: Record<string, string> = {};
  for (const [option, name] of OPTION_CONSTANTS)
    define[`process.env.LAYERWATCH_BUNDLE_${name}`] = JSON.stringify(String(options[option]));
  return define;
}

/**
 * Left out of every bundle: Powertools idempotency imports JMESPath at its top and searches only for
 * a key or validation path, which adapters/dynamodb-idempotency-store.ts never sets (23 KiB). The
 * stand-in (lambda/bundling/jmespath-left-out) throws a named error if a search ever runs.
 */
const LEFT_OUT = { '@aws-lambda-powertools/jmespath': './lambda/bundling/jmespath-left-out' };

/**
 * The files of a runtime, as deployed: `index.mjs` (the handler) and the chunks it imports, each
 * with its map. Split by esbuild at every dynamic `import()`: what the code loads on first use (the
 * alert renderer, the layer archive reader, the SDK's credential providers and nested clients) is
 * a file of its own, compiled when first loaded rather than at every cold start.
 */
export function runtimeFiles(entry: string, options: BundleOptions, outdir: string): BuildOptions {
  return {
    // Minified ESM for the Lambda runtime's Node.js (runtime-function.ts: nodejs24.x), SDK inside.
    platform: 'node',
    format: 'esm',
    target: 'node24',
    minify: true,
    // A map beside the bundle, read only when an error leaves a handler (adapters/readable-stack.ts),
    // never at load: the runtimes do not set `--enable-source-maps`.
    sourcemap: true,
    // The map names the source files and lines; their text is not needed to point at them.
    sourcesContent: false,
    // ESM builds of the SDK first: a CommonJS one in an ESM bundle fails at its first `require`.
    mainFields: ['module', 'main'],
    // The option constants lambda/sinks.ts reads: esbuild drops the clients of the options that are off.
    define: optionDefines(options),
    // Packages replaced at bundling time, paths relative to PROJECT_ROOT.
    alias: LEFT_OUT,
    absWorkingDir: PROJECT_ROOT,
    entryPoints: { index: entry },
    bundle: true,
    splitting: true,
    outdir,
    outExtension: { '.js': '.mjs' },
    chunkNames: '[name]-[hash]',
    metafile: true,
    logLevel: 'warning',
  };
}

/**
 * Where every runtime is built before it is copied to its destination: always two levels below the
 * project root, so that the maps name the sources by the same relative paths (`../../lambda/...`)
 * and the chunks' hashes, which cover the maps, are the same wherever CDK or the bench wants them.
 */
const BUILD_DIR = path.join(PROJECT_ROOT, '.runtime-build');

/** Builds a runtime's files into `outdir` (the construct's bundling; the bench's). */
export function buildRuntime(entry: string, options: BundleOptions, outdir: string): Metafile {
  mkdirSync(BUILD_DIR, { recursive: true });
  const work = mkdtempSync(path.join(BUILD_DIR, 'b-'));
  try {
    const r = buildSync(runtimeFiles(path.resolve(PROJECT_ROOT, entry), options, work));
    if (!r.metafile) throw new Error(`esbuild wrote no metafile for ${entry}`);
    const target = path.resolve(PROJECT_ROOT, outdir);
    mkdirSync(target, { recursive: true });
    const outputs: Metafile['outputs'] = {};
    for (const [file, output] of Object.entries(r.metafile.outputs)) {
      const name = path.basename(file);
      cpSync(path.join(work, name), path.join(target, name));
      outputs[path.relative(PROJECT_ROOT, path.join(target, name))] = output;
    }
    return { ...r.metafile, outputs };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
