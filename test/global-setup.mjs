// Runs once before all tests:
// 1. builds dist/cli.mjs so that CLI tests run the current source as a real process;
// 2. installs the Python tools the tests run into .moto-venv when missing or when a pin changed:
//    moto (AWS API server for the integration tests), cfn-lint (judges the synthesized templates)
//    and py-ocsf-models (OCSF schema models). A failed install fails the run: no suite that needs
//    them may ever be skipped silently.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const MOTO_VERSION = '5.2.5';
export const CFN_LINT_VERSION = '1.58.0';
export const OCSF_MODELS_VERSION = '0.10.0';
const PACKAGES = [
  `moto[server]==${MOTO_VERSION}`,
  `cfn-lint==${CFN_LINT_VERSION}`,
  `py-ocsf-models==${OCSF_MODELS_VERSION}`,
];
const VENV = '.moto-venv';

export default function globalSetup() {
  execFileSync(process.execPath, ['scripts/build-cli.mjs'], { stdio: 'inherit' });
  installPythonTools();
}

/**
 * Step 2 alone, for the benchmarks that start moto: they must not rebuild dist/ (the build starts by
 * deleting it) while the tests, or another benchmark, run the CLI from it.
 */
export function installPythonTools() {
  // One marker per set of pins: changing any pin reinstalls.
  const marker = `${VENV}/installed-moto-${MOTO_VERSION}-cfn-lint-${CFN_LINT_VERSION}-ocsf-${OCSF_MODELS_VERSION}`;
  if (existsSync(`${VENV}/bin/moto_server`) && existsSync(`${VENV}/bin/cfn-lint`) && existsSync(marker))
    return;
  process.stderr.write(`\ninstalling ${PACKAGES.join(' ')} into ${VENV} (once)...\n`);
  try {
    execFileSync('python3', ['-m', 'venv', VENV], { stdio: 'inherit' });
    execFileSync(`${VENV}/bin/pip`, ['install', '--quiet', '--disable-pip-version-check', ...PACKAGES], {
      stdio: 'inherit',
    });
    execFileSync('touch', [marker]);
  } catch (error) {
    throw new Error(
      `could not install ${PACKAGES.join(', ')} into ${VENV} (python3 with venv and pip, and PyPI, are required): ${error.message}`,
    );
  }
}
