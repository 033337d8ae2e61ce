/**
 * `scan --format ocsf|asff` and the `inspect` and `verify` commands: the formats carry every finding
 * of the examples in the shape the security tools take. OCSF goes through the built CLI as a process
 * (the package version it carries is the one the build writes into the bundle); the rest runs the
 * command in this process (test/support/cli-run.ts).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { checkAsff } from '../support/asff.js';
import { runCli } from '../support/cli-run.js';

const ROOT = process.cwd();
const CLI = join(ROOT, 'bin', 'layerwatch-cli.mjs');
const cliProcess = (...args: string[]) =>
  spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8' });
const cli = (...args: string[]) => runCli(args);
const lines = (out: string) =>
  out
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('security tool formats of scan', () => {
  let findings: Record<string, unknown>[] = [];
  beforeAll(async () => {
    findings = lines((await cli('scan', '--format', 'jsonl', 'examples/')).stdout);
  });

  it('ocsf: one Detection Finding per finding, its uid the findingId, with the package version', () => {
    const r = cliProcess('scan', '--format', 'ocsf', 'examples/');
    expect(r.status).toBe(0);
    const ocsf = lines(r.stdout);
    expect(ocsf).toHaveLength(findings.length);
    for (const [i, o] of ocsf.entries()) {
      expect(o).toMatchObject({
        class_uid: 2004,
        type_uid: 200401,
        finding_info: { uid: findings[i]?.findingId },
      });
      expect((o.metadata as { product: { version: string } }).product.version).toMatch(/^\d+\.\d+\.\d+/);
    }
  });

  it('asff: one finding per finding, each within Security Hub limits, with a stable Id', async () => {
    const r = await cli('scan', '--format', 'asff', 'examples/');
    expect(r.code).toBe(0);
    const asff = lines(r.stdout);
    expect(asff).toHaveLength(findings.length);
    for (const a of asff) expect(checkAsff(a)).toEqual([]);
    expect(asff.map((a) => a.Id)).toEqual(findings.map((f) => `layerwatch/${f.detectionId}/${f.findingId}`));
  });
});

describe('commands of the table', () => {
  it('lists inspect and verify in the usage, each with its help', async () => {
    const r = await cli('--help');
    expect(r.stdout).toMatch(/layerwatch inspect/);
    expect(r.stdout).toMatch(/layerwatch verify/);
    expect((await cli('inspect', '--help')).stdout).toMatch(/external extensions/);
    expect((await cli('verify', '--help')).stdout).toMatch(/--send-test-alert/);
  });

  it('verify without a region is a usage error on stderr (exit 2), and asks AWS nothing', async () => {
    const r = await runCli(['verify'], { env: { AWS_REGION: '', AWS_DEFAULT_REGION: '' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--region REGION/);
    expect(r.stdout).toBe('');
  });
});
