/**
 * The app as the CDK CLI runs it (`cdk synth`, `cdk deploy`): the CLI sets CDK_OUTDIR and
 * CDK_CONTEXT_JSON and reads the manifest the app leaves there. Every App the code builds writes
 * into CDK_OUTDIR by default, and, unless told not to, once more when the process ends: a helper
 * App (the forwarding patterns' digests, the member template) would replace the deployment's
 * manifest, and `cdk deploy --all` would see its stack alone. The runtimes are bundled, as the CLI
 * bundles them, and each must ship its own code.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');

interface Resource {
  Type: string;
  Properties?: { Handler?: string; Code?: { S3Key?: string } };
}

interface Listed {
  stacks: string[];
  /** Per stack, the S3 key (the asset) of each of layerwatch's runtimes, by logical id. */
  runtimeCode: Record<string, Record<string, string>>;
}

/** What the manifest lists after the app ran as the CLI runs it, bundling included. */
function assembly(context: Record<string, unknown>): Listed {
  const outdir = mkdtempSync(join(tmpdir(), 'lw-assembly-'));
  try {
    const r = spawnSync(TSX, ['bin/layerwatch.ts'], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 120_000,
      env: {
        ...process.env,
        CDK_OUTDIR: outdir,
        CDK_CONTEXT_JSON: JSON.stringify(context),
        CDK_DEFAULT_ACCOUNT: '111122223333',
        CDK_DEFAULT_REGION: 'eu-west-1',
      },
    });
    if (r.status !== 0) throw new Error(`the app failed: ${r.stderr}`);
    const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8')) as {
      artifacts: Record<string, { type: string; properties?: { templateFile?: string } }>;
    };
    const stacks = Object.entries(manifest.artifacts).filter(
      ([, a]) => a.type === 'aws:cloudformation:stack',
    );
    const runtimeCode: Listed['runtimeCode'] = {};
    for (const [name, a] of stacks) {
      const file = join(outdir, a.properties?.templateFile ?? 'none');
      expect(existsSync(file)).toBe(true);
      const template = JSON.parse(readFileSync(file, 'utf8')) as { Resources: Record<string, Resource> };
      runtimeCode[name] = Object.fromEntries(
        Object.entries(template.Resources)
          .filter(([, r]) => r.Type === 'AWS::Lambda::Function' && r.Properties?.Handler === 'index.handler')
          .map(([id, r]) => [id, String(r.Properties?.Code?.S3Key)]),
      );
    }
    return { stacks: stacks.map(([name]) => name).sort(), runtimeCode };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

const EMAILS = { alertEmails: 'security@example.com' };

describe('the cloud assembly the CLI deploys', () => {
  it.each([
    ['single', EMAILS],
    ['multi-region', { ...EMAILS, mode: 'multi-region', regions: 'eu-central-1' }],
    [
      'organization',
      {
        ...EMAILS,
        mode: 'organization',
        organizationId: 'o-abcdef1234',
        organizationalUnitIds: 'ou-ab12-cdef3456',
        memberRegions: 'us-east-1,eu-west-1',
      },
    ],
  ])(
    'lists the deployment stacks of %s mode, no helper App replaces its manifest, each runtime has its code',
    (_mode, context) => {
      const { stacks, runtimeCode } = assembly(context);
      expect(stacks).toContain('LayerWatch');
      expect(stacks.filter((s) => s === 'ForwardingPatterns' || s === 'LayerWatchMember')).toEqual([]);
      // Each runtime ships its own code: one asset per function (the detector's handler, the
      // heartbeat, the sweep and its worker...), never one function's asset for all.
      const keys = Object.values(runtimeCode.LayerWatch ?? {});
      expect(keys.length).toBeGreaterThan(1);
      expect(new Set(keys).size).toBe(keys.length);
    },
    180_000,
  );
});
