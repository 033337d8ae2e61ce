// Runs once before all tests:
// 1. builds dist/cli.mjs so that CLI tests run the current source as a real process;
// 2. installs moto (AWS API server for the integration tests) into .moto-venv when missing.
//    A failed install fails the run: the integration suite must never be skipped silently.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const MOTO_VERSION = '5.2.5';
const VENV = '.moto-venv';

export default function globalSetup() {
  execFileSync(process.execPath, ['scripts/build-cli.mjs'], { stdio: 'inherit' });
  const marker = `${VENV}/moto-${MOTO_VERSION}`;
  if (existsSync(`${VENV}/bin/moto_server`) && existsSync(marker)) return;
  process.stderr.write(`\ninstalling moto[server]==${MOTO_VERSION} into ${VENV} (once)...\n`);
  try {
    execFileSync('python3', ['-m', 'venv', VENV], { stdio: 'inherit' });
    execFileSync(
      `${VENV}/bin/pip`,
      ['install', '--quiet', '--disable-pip-version-check', `moto[server]==${MOTO_VERSION}`],
      {
        stdio: 'inherit',
      },
    );
    execFileSync('touch', [marker]);
  } catch (error) {
    throw new Error(
      `could not install moto into ${VENV} (python3 with venv and pip, and PyPI, are required): ${error.message}`,
    );
  }
}
