import {
  bySeverity,
  DEFAULT_READ_LIMITS,
  inspect,
  wanted,
  withPublisher,
} from '../../../../lambda/domain/inspection/inspect.js';
import type { ArchiveEntry } from '../../../../lambda/domain/inspection/model.js';
import { bytes, dir, elfHeader, executable, file, symlink } from './entries.js';

const SITE = 'python/lib/python3.12/site-packages';

function contentsFor(entries: ArchiveEntry[], files: Record<string, string | Uint8Array>) {
  const map = new Map<string, Uint8Array>();
  for (const r of wanted(entries).requests) {
    const c = files[r.path];
    if (c !== undefined) map.set(r.path, (typeof c === 'string' ? bytes(c) : c).subarray(0, r.bytes));
  }
  return map;
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
      { path: 'lib/libz.so', bytes: 20 },
      { path: `${SITE}/x.pth`, bytes: 40 },
      { path: 'bin/tool', bytes: 50_000 },
      { path: 'lib/libz.so.1', bytes: 20 },
    ]);
  });

  it('reads nothing of an unsafe archive', () => {
    const plan = wanted([file('../x.pth'), file('python/y.pth')]);
    expect(plan).toEqual({ requests: [], skipped: [{ reason: 'unsafe archive: no content was read' }] });
  });

  it('skips unreadable entries and what is over the limits, saying so', () => {
    const entries = [
      file('python/enc.pth', { readable: false }),
      executable('bin/a', 1000),
      executable('bin/b', 1000),
      executable('bin/c', 1000),
    ];
    const plan = wanted(entries, { maxFiles: 2, maxBytes: 1_000_000 });
    expect(plan.requests.map((r) => r.path)).toEqual(['bin/a', 'bin/b']);
    expect(plan.skipped).toEqual([
      { path: 'python/enc.pth', reason: 'encrypted or compressed with an unsupported method' },
      { path: 'bin/c', reason: 'read limit (2 files, 1000000 bytes)' },
    ]);
    // Over the byte limit, a smaller read of a later check still fits: the ELF header, not the script.
    const bytesPlan = wanted(entries, { maxFiles: 10, maxBytes: 1500 });
    expect(bytesPlan.requests).toEqual([
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
    expect(report).toEqual({ files: 5, uncompressedBytes: 500, signals: [], gaps: [] });
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

  it('still reports names of an unsafe archive, without reading content', () => {
    const entries = [file('/abs'), executable('extensions/x')];
    const report = inspect(entries, new Map(), { publisher: null });
    expect(report.signals.map((s) => s.id)).toEqual(['unsafe-archive', 'external-extension']);
    expect(report.gaps).toEqual([{ reason: 'unsafe archive: no content was read' }]);
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
      expect.objectContaining({
        id: 'native-code',
        severity: 'informational',
        lowered: { from: 'informational', publisher: 'AWS CloudWatch Lambda Insights' },
      }),
    ]);
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
