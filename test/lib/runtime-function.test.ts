/**
 * Each deployment's handler bundle holds the clients of its options and no others: bundled as the
 * construct bundles it (esbuild, ESM, SDK inside, module fields first, the option constants).
 */
import { join } from 'node:path';
import { build } from 'esbuild';
import { optionDefines } from '../../lib/constructs/runtime-function.js';

const ROOT = join(__dirname, '..', '..');
const OPTIONAL = /@aws-sdk\/client-(securityhub|eventbridge|organizations)\//;

async function clientsIn(options: {
  securityHub: boolean;
  findingEvents: boolean;
  organizationDiscovery: boolean;
}) {
  const r = await build({
    entryPoints: [join(ROOT, 'lambda', 'handler.ts')],
    bundle: true,
    write: false,
    outdir: join(ROOT, 'bench', '.out', 'option-test'),
    platform: 'node',
    format: 'esm',
    target: 'node24',
    minify: true,
    mainFields: ['module', 'main'],
    define: optionDefines(options),
    metafile: true,
    logLevel: 'error',
  });
  const inputs = Object.values(r.metafile.outputs).flatMap((o) =>
    Object.entries(o.inputs)
      .filter(([, i]) => i.bytesInOutput > 0)
      .map(([f]) => f),
  );
  return [...new Set(inputs.map((f) => OPTIONAL.exec(f)?.[1]).filter(Boolean))].sort();
}

describe('RuntimeFunction bundling by option set', () => {
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
});
