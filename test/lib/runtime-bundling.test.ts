/**
 * Each deployment's handler bundle holds the clients of its options and no others, and none of the
 * packages the bundling leaves out: built with the construct's own esbuild definition.
 */
import { join } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { type BundleOptions, optionDefines, runtimeFiles } from '../../lib/constructs/runtime-bundling.js';

const ROOT = join(__dirname, '..', '..');
const OPTIONAL = /@aws-sdk\/client-(securityhub|eventbridge|organizations)\//;

/** esbuild's metafile of the handler's bundle. */
async function metafileOf(options: BundleOptions): Promise<Metafile> {
  const r = await build({
    ...runtimeFiles('lambda/handler.ts', options, join(ROOT, 'bench', '.out', 'option-test')),
    write: false,
    logLevel: 'error',
  });
  return r.metafile as Metafile;
}

/** The source files and packages esbuild put bytes of into the handler's bundle. */
async function inputsOf(options: BundleOptions): Promise<string[]> {
  return Object.values((await metafileOf(options)).outputs).flatMap((o) =>
    Object.entries(o.inputs)
      .filter(([, i]) => i.bytesInOutput > 0)
      .map(([f]) => f),
  );
}

const clientsIn = async (options: BundleOptions) =>
  [...new Set((await inputsOf(options)).map((f) => OPTIONAL.exec(f)?.[1]).filter(Boolean))].sort();

describe('runtime bundling', () => {
  it('sets one constant per option, as the handler reads it', () => {
    expect(optionDefines({ securityHub: true, findingEvents: false, organizationDiscovery: false })).toEqual({
      'process.env.LAYERWATCH_BUNDLE_SECURITY_HUB': '"true"',
      'process.env.LAYERWATCH_BUNDLE_FINDING_EVENTS': '"false"',
      'process.env.LAYERWATCH_BUNDLE_ORGANIZATION_DISCOVERY': '"false"',
    });
  });

  it.each([
    [{ securityHub: false, findingEvents: false, organizationDiscovery: false }, []],
    [{ securityHub: true, findingEvents: false, organizationDiscovery: false }, ['securityhub']],
    [
      { securityHub: false, findingEvents: true, organizationDiscovery: true },
      ['eventbridge', 'organizations'],
    ],
  ])(
    'bundles %j with the optional clients %j',
    async (options, expected) => {
      expect(await clientsIn(options)).toEqual(expected);
    },
    60_000,
  );

  it('leaves JMESPath out and bundles its stand-in in its place', async () => {
    const inputs = await inputsOf({ securityHub: true, findingEvents: true, organizationDiscovery: true });
    expect(inputs.filter((f) => f.includes('@aws-lambda-powertools/jmespath'))).toEqual([]);
    expect(inputs).toEqual(
      expect.arrayContaining([
        'lambda/bundling/jmespath-left-out/index.ts',
        'lambda/bundling/jmespath-left-out/functions.ts',
      ]),
    );
    // Powertools idempotency itself is still bundled: only its unused import was replaced.
    expect(inputs.some((f) => f.includes('@aws-lambda-powertools/idempotency/'))).toBe(true);
  }, 60_000);

  it('keeps what only some events use out of the cold start: evaluated at its first import()', async () => {
    const meta = await metafileOf({ securityHub: true, findingEvents: true, organizationDiscovery: true });
    // What the handler's module evaluates at import: every file reached by static imports.
    const eager = new Set(['lambda/handler.ts']);
    for (const file of eager)
      for (const i of meta.inputs[file]?.imports ?? []) if (i.kind !== 'dynamic-import') eager.add(i.path);
    // The walk really followed the handler's imports (a renamed entry would leave the set empty).
    expect([...eager]).toEqual(
      expect.arrayContaining(['lambda/app.ts', 'lambda/domain/engine.ts', 'lambda/pipeline/deliver.ts']),
    );
    const deferred = [
      'lambda/adapters/layer-archive-reader.ts',
      'lambda/adapters/layer-archive-zip.ts',
      'lambda/domain/inspection/inspect.ts',
      'lambda/domain/inspection/hand-off.ts',
      'lambda/domain/render/alert.ts',
      'lambda/domain/render/email.ts',
    ];
    expect(deferred.filter((f) => eager.has(f))).toEqual([]);
    // Deployed in chunks of their own, which index.mjs (what the runtime imports at a cold start)
    // neither holds nor imports statically: they are compiled when first loaded.
    const entry = Object.entries(meta.outputs).find(([f]) => f.endsWith('/index.mjs'));
    expect(entry).toBeDefined();
    const [, index] = entry as [string, Metafile['outputs'][string]];
    expect(deferred.filter((f) => f in index.inputs)).toEqual([]);
    const staticChunks = new Set(
      index.imports.filter((i) => i.kind === 'import-statement').map((i) => i.path),
    );
    const holding = Object.entries(meta.outputs)
      .filter(([, o]) => deferred.some((f) => f in o.inputs))
      .map(([f]) => f);
    expect(holding.length).toBeGreaterThan(0);
    expect(holding.filter((f) => staticChunks.has(f))).toEqual([]);
  }, 60_000);
});
