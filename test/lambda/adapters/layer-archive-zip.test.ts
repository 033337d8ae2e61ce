import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { readContents } from '../../../lambda/adapters/layer-archive-content.js';
import { ArchiveFormatError, BufferSource } from '../../../lambda/adapters/layer-archive-source.js';
import { readDirectory } from '../../../lambda/adapters/layer-archive-zip.js';
import { buildZip, type ZipEntrySpec } from '../../support/zips.js';

const SPECS: ZipEntrySpec[] = [
  { path: 'extensions/', directory: true },
  { path: 'extensions/agent', data: '#!/bin/sh\nexec "$@"\n', mode: 0o755 },
  { path: 'python/a.py', data: 'print("a")\n'.repeat(50), method: 'store' },
  { path: 'lib/libx.so', symlink: 'libx.so.1' },
  { path: 'README.TXT', data: 'made on Windows', host: 'dos' },
  { path: 'python/ünïcode.py', data: 'x = 1\n' },
];

function python(script: string, zip: Buffer): string {
  const file = join(mkdtempSync(join(tmpdir(), 'lw-zip-')), 'a.zip');
  writeFileSync(file, zip);
  const r = spawnSync('python3', ['-c', script, file], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stdout.trim();
}

const PY_CHECK =
  'import sys, zipfile\nz = zipfile.ZipFile(sys.argv[1])\nassert z.testzip() is None\nprint(len(z.infolist()), ";".join(f"{i.filename}:{i.external_attr >> 16:o}:{i.file_size}" for i in z.infolist()[-3:]))';

describe('zip reading', () => {
  it.each([false, true])(
    'reads names, sizes, modes and links from the central directory (zip64: %s)',
    async (zip64) => {
      const zip = buildZip(SPECS, { zip64 });
      const { entries } = await readDirectory(new BufferSource(zip));
      expect(
        entries.map((e) => [e.path, e.mode === null ? null : e.mode.toString(8), e.uncompressedSize]),
      ).toEqual([
        ['extensions/', '40755', 0],
        ['extensions/agent', '100755', 20],
        ['python/a.py', '100644', 550],
        ['lib/libx.so', '120644', 9],
        ['README.TXT', null, 15],
        ['python/ünïcode.py', '100644', 6],
      ]);
      expect(entries.every((e) => e.readable)).toBe(true);
    },
  );

  it("builds archives Python's zipfile accepts, zip64 included", () => {
    expect(python(PY_CHECK, buildZip(SPECS))).toBe(
      '6 lib/libx.so:120644:9;README.TXT:0:15;python/ünïcode.py:100644:6',
    );
    expect(python(PY_CHECK, buildZip(SPECS, { zip64: true }))).toMatch(/^6 /);
  });

  it('reads a zip64 archive of 70,000 entries (more than 16 bits can count)', async () => {
    const specs = Array.from({ length: 70_000 }, (_, i) => ({
      path: `python/m${i}.py`,
      data: '',
      method: 'store' as const,
    }));
    const zip = buildZip(specs);
    expect(zip.readUInt16LE(zip.length - 22 + 10)).toBe(0xffff);
    const { entries } = await readDirectory(new BufferSource(zip));
    expect(entries).toHaveLength(70_000);
    expect(entries[69_999]?.path).toBe('python/m69999.py');
    expect(python(PY_CHECK, zip)).toMatch(/^70000 /);
  });

  it('finds the end record behind a 65,535-byte comment', async () => {
    const zip = buildZip(SPECS, { comment: 'c'.repeat(65_535) });
    expect((await readDirectory(new BufferSource(zip))).entries).toHaveLength(6);
  });

  it.each([
    ['not a zip', Buffer.from('{"FunctionName": "x"}'.repeat(10)), /no end of central directory/],
    ['too short', Buffer.from('PK'), /too short/],
    ['cut before its end record', buildZip(SPECS).subarray(0, 200), /no end of central directory/],
  ])('refuses %s with ArchiveFormatError', async (_, bytes, message) => {
    const read = readDirectory(new BufferSource(bytes));
    await expect(read).rejects.toBeInstanceOf(ArchiveFormatError);
    await expect(read).rejects.toThrow(message);
  });

  it('refuses a directory whose entries are damaged', async () => {
    const zip = Buffer.from(buildZip(SPECS));
    const cd = zip.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    zip.writeUInt32LE(0xdeadbeef, cd);
    await expect(readDirectory(new BufferSource(zip))).rejects.toThrow(/entry 0 is missing or damaged/);
  });
});

describe('content reading', () => {
  async function read(specs: ZipEntrySpec[], requests: { path: string; bytes: number }[]) {
    const zip = buildZip(specs);
    const source = new BufferSource(zip);
    const { entries } = await readDirectory(source);
    return readContents(source, entries, requests);
  }

  it('reads whole stored and deflated files and checks their CRC', async () => {
    const { contents, unread } = await read(SPECS, [
      { path: 'extensions/agent', bytes: 20 },
      { path: 'python/a.py', bytes: 550 },
      { path: 'lib/libx.so', bytes: 1024 },
    ]);
    expect(Buffer.from(contents.get('extensions/agent') as Uint8Array).toString()).toBe(
      '#!/bin/sh\nexec "$@"\n',
    );
    expect(contents.get('python/a.py')).toHaveLength(550);
    expect(Buffer.from(contents.get('lib/libx.so') as Uint8Array).toString()).toBe('libx.so.1');
    expect(unread.size).toBe(0);
  });

  it.each([
    ['compressible', (i: number) => (i * 7919) % 251],
    ['incompressible', () => Math.floor(Math.random() * 256)],
  ])(
    'inflates only the leading bytes asked for of a large deflated %s file, reading little',
    async (_, byte) => {
      const big = Buffer.alloc(1024 * 1024);
      for (let i = 0; i < big.length; i++) big[i] = byte(i);
      const zip = buildZip([{ path: 'bin/tool', data: big, mode: 0o755 }]);
      const inner = new BufferSource(zip);
      let read = 0;
      const source = {
        size: inner.size,
        read: (at: number, n: number) => {
          read += n;
          return inner.read(at, n);
        },
      };
      const { entries } = await readDirectory(source);
      read = 0;
      const { contents } = await readContents(source, entries, [{ path: 'bin/tool', bytes: 20 }]);
      expect(Buffer.from(contents.get('bin/tool') as Uint8Array)).toEqual(big.subarray(0, 20));
      expect(read).toBeLessThan(8 * 1024);
    },
  );

  it('reports an entry that inflates beyond its declared size, and one failing its CRC', async () => {
    const zip = Buffer.from(
      buildZip([
        { path: 'a.pth', data: 'import os\n'.repeat(10), declaredSize: 10 },
        { path: 'b.pth', data: 'hello', method: 'store' },
      ]),
    );
    zip[zip.indexOf('hello')] = 0x48;
    const source = new BufferSource(zip);
    const { entries } = await readDirectory(source);
    const { contents, unread } = await readContents(source, entries, [
      { path: 'a.pth', bytes: 10 },
      { path: 'b.pth', bytes: 5 },
    ]);
    expect(contents.size).toBe(0);
    expect(unread.get('a.pth')).toMatch(
      /ArchiveFormatError: a.pth inflates to more bytes than its declared 10/,
    );
    expect(unread.get('b.pth')).toMatch(/fails its CRC-32/);
  });

  it('reports damaged deflate data and a missing local header', async () => {
    const zip = Buffer.from(
      buildZip([
        { path: 'a.pth', data: 'import os\n'.repeat(100) },
        { path: 'b.pth', data: 'x', method: 'store' },
      ]),
    );
    const local = zip.indexOf(Buffer.from([0x50, 0x4b, 0x03, 0x04]));
    zip.fill(0xff, local + 30 + 5, local + 30 + 5 + 8);
    zip.writeUInt32LE(0, zip.indexOf(Buffer.from([0x50, 0x4b, 0x03, 0x04]), local + 4));
    const source = new BufferSource(zip);
    const { entries } = await readDirectory(source);
    const { unread } = await readContents(source, entries, [
      { path: 'a.pth', bytes: 1000 },
      { path: 'b.pth', bytes: 1 },
    ]);
    expect(unread.get('a.pth')).toMatch(/deflate data is damaged|inflates to fewer|CRC/);
    expect(unread.get('b.pth')).toMatch(/no local header for b.pth/);
  });

  it('marks encrypted entries unreadable', async () => {
    const { entries } = await readDirectory(
      new BufferSource(buildZip([{ path: 'x.pth', data: 'import x', encrypted: true }])),
    );
    expect(entries[0]?.readable).toBe(false);
  });
});

describe('zip reading, property', () => {
  const entrySpec = fc.record({
    name: fc.stringMatching(/^[a-zA-Z0-9_.\u00e9\u4e2d-]{1,12}$/),
    dir: fc.constantFrom('', 'python/', 'extensions/', 'nodejs/node_modules/x/'),
    data: fc.uint8Array({ maxLength: 3000 }),
    repeat: fc.integer({ min: 1, max: 20 }),
    method: fc.constantFrom('store' as const, 'deflate' as const),
    mode: fc.constantFrom(0o644, 0o755, 0o600),
  });

  it('reads back every entry, its mode and its content, whatever the mix and zip64', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(entrySpec, { minLength: 1, maxLength: 12 }),
        fc.boolean(),
        async (raw, zip64) => {
          const seen = new Set<string>();
          const specs: ZipEntrySpec[] = [];
          for (const r of raw) {
            const path = `${r.dir}${r.name}`;
            if (seen.has(path)) continue;
            seen.add(path);
            const data = Buffer.concat(Array.from({ length: r.repeat }, () => Buffer.from(r.data)));
            specs.push({ path, data, method: r.method, mode: r.mode });
          }
          const source = new BufferSource(buildZip(specs, { zip64 }));
          const { entries } = await readDirectory(source);
          expect(entries.map((e) => [e.path, e.mode, e.uncompressedSize])).toEqual(
            specs.map((s) => [s.path, 0o100000 | (s.mode as number), (s.data as Buffer).length]),
          );
          const requests = specs.map((s) => ({ path: s.path, bytes: (s.data as Buffer).length }));
          const prefixes = specs.map((s) => ({
            path: s.path,
            bytes: Math.min(7, (s.data as Buffer).length),
          }));
          const whole = await readContents(source, entries, requests);
          expect(whole.unread).toEqual(new Map());
          for (const s of specs)
            expect(Buffer.from(whole.contents.get(s.path) as Uint8Array)).toEqual(s.data);
          const heads = await readContents(source, entries, prefixes);
          for (const s of specs)
            expect(Buffer.from(heads.contents.get(s.path) as Uint8Array)).toEqual(
              (s.data as Buffer).subarray(0, 7),
            );
        },
      ),
      { numRuns: 60 },
    );
  });
});
