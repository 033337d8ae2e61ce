/** The built CLI as a process, with its AWS calls going to a moto server (S3 scans). */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

export function scanWithMoto(endpoint: string, ...args: string[]) {
  const r = spawnSync(
    process.execPath,
    [join(ROOT, 'bin', 'layerwatch-cli.mjs'), 'scan', '--format', 'jsonl', ...args],
    {
      cwd: ROOT,
      encoding: 'utf8',
      env: {
        ...process.env,
        AWS_ENDPOINT_URL: endpoint,
        AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
        AWS_SECRET_ACCESS_KEY: 'moto',
        AWS_REGION: 'us-east-1',
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      },
    },
  );
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
