/**
 * Each deployment's handler bundle holds the clients of its options and no others, and none of the
 * packages the bundling leaves out: built with the construct's own esbuild definition.
 */
import { join } from 'node:path';
import { build } from 'esbuild';
import { type BundleOptions, optionDefines, runtimeBuild } from '../../lib/constructs/runtime-bundling.js';

const ROOT = join(__dirname, '..', '..');
const OPTIONAL = /@aws-sdk\/client-(securityhub|eventbridge|organizations)\//;

/** The source files and packages esbuild put bytes of into the handler's bundle. */
async function inputsOf(options: BundleOptions): Promise<string[]> {
  const r = await build({
    ...runtimeBuild(options),
    mainFields: [...runtimeBuild(options).mainFields],
    absWorkingDir: ROOT,
    entryPoints: ['lambda/handler.ts'],
    bundle: true,
    write: false,
    outdir: join(ROOT, 'bench', '.out', 'option-test'),
    metafile: true,
    logLevel: 'error',
  });
  return Object.values(r.metafile.outputs).flatMap((o) =>
    Object.entries(o.inputs)
      .filter(([, i]) => i.bytesInOutput > 0)
      .map(([f]) => f),
  );
}

const clientsIn = async (options: BundleOptions) =>
  [...new Set((await inputsOf(options)).map((f) => OPTIONAL.exec(f)?.[1]).filter(Boolean))].sort();

describe('runtimeBuild', () => {
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
});
