import {
  CHECK_BYTES,
  DEFAULT_READ_LIMITS,
  inspect,
  unmet,
  wanted,
} from '../../../../lambda/domain/inspection/inspect.js';
import {
  type ArchiveEntry,
  bySeverity,
  contentKeys,
  withPublisher,
} from '../../../../lambda/domain/inspection/model.js';
import { bytes, dir, elfHeader, executable, file, symlink } from './entries.js';

const SITE = 'python/lib/python3.12/site-packages';

/** What a host does: read what is wanted, ask again with what was read, until nothing new is wanted. */
function contentsFor(entries: ArchiveEntry[], files: Record<string, string | Uint8Array>) {
  // The entries' sizes become those of the files given, as in a real archive.
  contentKeys(entries).forEach((key, i) => {
    const c = files[key];
    const e = entries[i] as ArchiveEntry;
    if (c !== undefined) e.uncompressedSize = typeof c === 'string' ? bytes(c).length : c.length;
  });
  const map = new Map<string, Uint8Array>();
  for (let round = 0; round < 3; round++) {
    const requests = unmet(wanted(entries, map), map).filter((r) => files[r.key] !== undefined);
    if (requests.length === 0) return map;
    for (const r of requests) {
      const c = files[r.key] as string | Uint8Array;
      map.set(r.key, (typeof c === 'string' ? bytes(c) : c).subarray(0, r.bytes));
    }
  }
  throw new Error('wanted() still asks for more after three rounds');
}

describe('wanted', () => {
  it('asks for the few files whose content matters, each with the most any check needs', () => {
    const entries = [
      file(`${SITE}/requests/api.py`, { size: 5000 }),
      file(`${SITE}/x.pth`, { size: 40 }),
      executable('bin/tool', 50_000),
      symlink('lib/libz.so'),
      file('lib/libz.so.1', { size: 90_000 }),
      dir('python'),
    ];
    expect(wanted(entries).requests).toEqual([
      { key: 'lib/libz.so', path: 'lib/libz.so', index: 3, bytes: 20 },
      { key: `${SITE}/x.pth`, path: `${SITE}/x.pth`, index: 1, bytes: 40 },
      { key: 'bin/tool', path: 'bin/tool', index: 2, bytes: 20 },
      { key: 'lib/libz.so.1', path: 'lib/libz.so.1', index: 4, bytes: 20 },
    ]);
  });

  it('asks for a script once its first bytes show a shebang, and only then', () => {
    const script = executable('bin/wrap', 50_000);
    const binary = executable('bin/tool', 50_000);
    const heads = new Map([
      [script.path, bytes('#!/bin/sh\nexec "$@"\n'.padEnd(20))],
      [binary.path, elfHeader()],
    ]);
    const plan = wanted([script, binary], heads);
    expect(plan.requests.map(({ path, bytes }) => ({ path, bytes }))).toEqual([
      { path: 'bin/wrap', bytes: 50_000 },
      { path: 'bin/tool', bytes: 20 },
    ]);
    expect(unmet(plan, heads).map((r) => r.path)).toEqual(['bin/wrap']);
  });

  it('reads an unsafe archive like any other: an unsafe entry switches no reading off', () => {
    const plan = wanted([file('../x.pth'), file('python/y.pth')]);
    expect(plan.requests.map((r) => r.path)).toEqual(['python/y.pth']);
    expect(plan.skipped).toEqual([]);
  });

  it('reads each copy of a duplicated path on its own, by its central-directory entry', () => {
    const entries = [executable('bootstrap', 50), executable('bootstrap', 60)];
    expect(wanted(entries).requests.map(({ key, index }) => ({ key, index }))).toEqual([
      { key: 'bootstrap', index: 0 },
      { key: 'bootstrap\u00002', index: 1 },
    ]);
  });

  it('reads at most CHECK_BYTES of scripts for their hand-off, and names the rest as gaps', () => {
    const scripts = Array.from({ length: 40 }, (_, i) => executable(`bin/s${i}`, 64 * 1024));
    const heads = new Map(scripts.map((e) => [e.path, bytes('#!')]));
    const plan = wanted(scripts, heads);
    // 32 scripts of 64 KiB fill the 2 MiB; the other 8 get only native-code's 20-byte look.
    const whole = plan.requests.filter((r) => r.bytes === 64 * 1024);
    expect(whole).toHaveLength(32);
    expect(whole.length * 64 * 1024).toBe(CHECK_BYTES['exec-wrapper-script']);
    expect(plan.skipped).toHaveLength(8);
    expect(plan.skipped[0]?.reason).toBe('read limit of exec-wrapper-script (2097152 bytes in all)');
  });

  it('skips unreadable entries and what is over the limits, saying so', () => {
    const entries = [
      file('python/enc.pth', { readable: false }),
      executable('bin/a', 1000),
      executable('bin/b', 1000),
      executable('bin/c', 1000),
    ];
    const plan = wanted(entries, new Map(), { maxFiles: 2, maxBytes: 1_000_000 });
    expect(plan.requests.map((r) => r.path)).toEqual(['bin/a', 'bin/b']);
    expect(plan.skipped).toEqual([
      { path: 'python/enc.pth', reason: 'encrypted or compressed with an unsupported method' },
      { path: 'bin/c', reason: 'read limit (2 files, 1000000 bytes)' },
    ]);
    // Over the byte limit, a smaller read of a later check still fits: the ELF header, not the script.
    const heads = new Map([
      ['bin/a', bytes('#!')],
      ['bin/b', bytes('#!')],
      ['bin/c', bytes('#!')],
    ]);
    const bytesPlan = wanted(entries, heads, { maxFiles: 10, maxBytes: 1500 });
    expect(bytesPlan.requests.map(({ path, bytes }) => ({ path, bytes }))).toEqual([
      { path: 'bin/a', bytes: 1000 },
      { path: 'bin/b', bytes: 20 },
      { path: 'bin/c', bytes: 20 },
    ]);
    expect(bytesPlan.skipped.map((g) => g.path)).toEqual(['python/enc.pth', 'bin/b', 'bin/c']);
    expect(DEFAULT_READ_LIMITS.maxFiles).toBeGreaterThan(100);
  });
});

describe('inspect', () => {
  it('raises nothing on an ordinary Python library layer', () => {
    const entries = [
      dir('python'),
      file(`${SITE}/requests/__init__.py`),
      file(`${SITE}/requests-2.32.3.dist-info/RECORD`),
      file(`${SITE}/requests-2.32.3.dist-info/INSTALLER`),
      executable(`${SITE}/bin/normalizer`),
      file(`${SITE}/certifi.pth`),
    ];
    const report = inspect(
      entries,
      contentsFor(entries, {
        [`${SITE}/bin/normalizer`]:
          '#!/usr/bin/python3\nimport sys\nfrom charset_normalizer.cli import cli_detect\nsys.exit(cli_detect())\n',
        [`${SITE}/certifi.pth`]: '/opt/python/vendor\n',
      }),
      { publisher: null },
    );
    expect(report).toEqual({ files: 5, uncompressedBytes: 418, signals: [], gaps: [] });
  });

  it('raises only native-code on a native tool layer', () => {
    const entries = [
      executable('bin/ffmpeg', 80_000),
      file('lib/libavcodec.so.60', { size: 90_000 }),
      symlink('lib/libavcodec.so'),
    ];
    const report = inspect(
      entries,
      contentsFor(entries, {
        'bin/ffmpeg': elfHeader(2),
        'lib/libavcodec.so.60': elfHeader(3),
        'lib/libavcodec.so': 'libavcodec.so.60',
      }),
      { publisher: null },
    );
    expect(report.signals.map((s) => s.id)).toEqual(['native-code', 'native-code']);
    expect(report.gaps).toEqual([]);
  });

  it('orders signals by severity and reports what it wanted and did not get', () => {
    const entries = [
      executable('bin/wrap', 200),
      executable('extensions/agent', 200),
      file('python/x.pth', { size: 20 }),
    ];
    const report = inspect(entries, contentsFor(entries, { 'bin/wrap': '#!/bin/sh\nexec "$@"\n' }), {
      publisher: null,
      unread: new Map([['python/x.pth', 'ReadBudgetExceededError: read budget of 10 bytes spent']]),
    });
    expect(report.signals.map((s) => `${s.severity} ${s.id}`)).toEqual([
      'high external-extension',
      'medium exec-wrapper-script',
    ]);
    expect(report.gaps).toEqual([
      { path: 'python/x.pth', reason: 'ReadBudgetExceededError: read budget of 10 bytes spent' },
      { path: 'extensions/agent', reason: 'not read' },
    ]);
  });

  it('ignores content it did not ask for', () => {
    const entries = [file('python/data.txt')];
    const report = inspect(entries, new Map([['python/data.txt', bytes('import os')]]), { publisher: null });
    expect(report.signals).toEqual([]);
  });

  it('reports an unsafe archive and what its entries run, side by side', () => {
    const entries = [file('/abs'), executable('extensions/x')];
    const report = inspect(entries, contentsFor(entries, { 'extensions/x': '#!/bin/sh\ncurl x\n' }), {
      publisher: null,
    });
    expect(report.signals.map((s) => s.id)).toEqual(['unsafe-archive', 'external-extension']);
    expect(report.gaps).toEqual([]);
  });

  it('lowers every signal one step for a known publisher, and keeps it', () => {
    const entries = [executable('extensions/lambda-insights', 200)];
    const report = inspect(entries, contentsFor(entries, { 'extensions/lambda-insights': elfHeader(2) }), {
      publisher: 'AWS CloudWatch Lambda Insights',
    });
    expect(report.signals).toEqual([
      expect.objectContaining({
        id: 'external-extension',
        severity: 'medium',
        lowered: { from: 'high', publisher: 'AWS CloudWatch Lambda Insights' },
      }),
      expect.objectContaining({ id: 'native-code', severity: 'informational' }),
    ]);
    // Informational cannot go lower: no "lowered from informational" mark.
    expect(report.signals[1]).not.toHaveProperty('lowered');
  });

  it('keeps signals of equal severity in check order', () => {
    const signals = bySeverity(
      withPublisher(
        [
          { id: 'native-code', severity: 'low', reason: 'a' },
          { id: 'sdk-shadowing', severity: 'low', reason: 'b' },
          { id: 'unsafe-archive', severity: 'critical', reason: 'c' },
        ],
        null,
      ),
    );
    expect(signals.map((s) => s.reason)).toEqual(['c', 'a', 'b']);
  });
});
