/**
 * `npm run try-it`: a new user's first minute without AWS. The script starts moto, seeds the account
 * and runs verify, inspect and hunt --athena; without .moto-venv it says how to get it.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = process.cwd();
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');
const SCRIPT = join(ROOT, 'scripts', 'try-it.ts');

describe('npm run try-it', () => {
  it('runs verify (all pass), inspect FUNCTION and hunt --athena (the bundled attack) against moto', () => {
    const r = spawnSync(TSX, [SCRIPT], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(
      /\$ npx layerwatch verify --region us-east-1\n(PASS .*\n)+layerwatch verify: all 8 checks passed\n\(exit 0\)/,
    );
    expect(r.stdout).toMatch(
      /\$ npx layerwatch inspect orders-api --region us-east-1\n\{"source":"orders-api","kind":"function"/,
    );
    expect(r.stdout).toMatch(
      /critical +95 +lambda-layer-added +Layer perf-monitor-extension:1 added to orders-api/,
    );
    expect(r.stdout).toMatch(/detector-tampered +layerwatch tampered with: StopLogging/);
    expect(r.stdout).toMatch(/moto has no CloudTrail Event history/);
    expect(`${r.stdout}${r.stderr}`).not.toMatch(/NodeVersionSupportWarning/);
  }, 120_000);

  it('without .moto-venv, says how to get it (exit 1)', () => {
    const r = spawnSync(TSX, [SCRIPT], { cwd: mkdtempSync(join(tmpdir(), 'try-it-')), encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(
      /moto_server is missing\. Install it once with `npm test`.*\n.*pip install 'moto\[server\]==5\.2\.5'/,
    );
  });
});
