import {
  resolveLink,
  SYMLINK_BYTES,
  UNZIPPED_LIMIT,
  unsafeArchive,
  unsafeEntries,
} from '../../../../lambda/domain/inspection/unsafe-archive.js';
import { file, symlink, view } from './entries.js';

describe('unsafe-archive', () => {
  it.each(['../escape.sh', 'python/../../etc/cron.d/x', '/etc/passwd', 'C:/windows/x', '..\\x.dll'])(
    'reports the path %s at high',
    (path) => {
      expect(unsafeEntries([file(path)])).toEqual([
        expect.objectContaining({
          id: 'unsafe-archive',
          severity: 'high',
          path,
          reason: expect.stringMatching(/outside/),
        }),
      ]);
    },
  );

  it('allows .. inside a name', () => {
    expect(unsafeEntries([file('python/a..b/x.py'), file('python/..hidden')])).toEqual([]);
  });

  it('reports a decompression bomb by its ratio', () => {
    const [s] = unsafeEntries([file('data.bin', { size: 100 * 1024 * 1024, compressed: 100 * 1024 })]);
    expect(s?.reason).toMatch(/ratio 1024:1/);
  });

  it('does not judge the ratio of small files, or of ordinary compression', () => {
    expect(unsafeEntries([file('zeros.txt', { size: 1000 * 1000, compressed: 1000 })])).toEqual([]);
    expect(unsafeEntries([file('big.json', { size: 10 * 1024 * 1024, compressed: 1024 * 1024 })])).toEqual(
      [],
    );
  });

  it('reports an archive over 250 MB unzipped', () => {
    const signals = unsafeEntries([
      file('a', { size: UNZIPPED_LIMIT, compressed: UNZIPPED_LIMIT }),
      file('b', { size: 1 }),
    ]);
    expect(signals).toEqual([
      expect.objectContaining({ reason: expect.stringMatching(/over Lambda's 250 MB/) }),
    ]);
    expect(unsafeEntries([file('a', { size: UNZIPPED_LIMIT, compressed: UNZIPPED_LIMIT })])).toEqual([]);
  });

  it('reports entries that share compressed data', () => {
    const a = file('a.txt');
    const b = { ...file('b.txt'), offset: a.offset };
    expect(unsafeEntries([a, b])).toEqual([
      expect.objectContaining({ reason: expect.stringMatching(/overlapping/) }),
    ]);
  });

  it('reports the same path twice, also when spelled differently', () => {
    expect(unsafeEntries([file('python/x.py'), file('./python//x.py')])).toEqual([
      expect.objectContaining({ severity: 'medium', path: './python//x.py' }),
    ]);
  });

  it('resolves link targets against the link and /opt', () => {
    expect(resolveLink('lib/libx.so', 'libx.so.1')).toBe('/opt/lib/libx.so.1');
    expect(resolveLink('bin/tool', '../lib/tool')).toBe('/opt/lib/tool');
    expect(resolveLink('bin/tool', '/opt/bin/real')).toBe('/opt/bin/real');
    expect(resolveLink('x', '/opt')).toBe('/opt/');
    expect(resolveLink('bin/tool', '../../etc/passwd')).toBeNull();
    expect(resolveLink('x', '/etc/passwd')).toBeNull();
    expect(resolveLink('x', '/optional/x')).toBeNull();
    expect(resolveLink('x', '/opt/../var/task/app.py')).toBeNull();
  });

  it('wants the targets of symbolic links and reports those leaving /opt', () => {
    const out = symlink('python/creds');
    const inside = symlink('lib/libx.so');
    const unread = symlink('lib/other');
    expect(unsafeArchive.wants(out)).toBe(SYMLINK_BYTES);
    expect(unsafeArchive.wants(file('a'))).toBe(0);
    const signals = unsafeArchive.evaluate(
      view([out, inside, unread], { [out.path]: '/proc/self/environ', [inside.path]: 'libx.so.1' }),
    );
    expect(signals).toEqual([
      expect.objectContaining({
        severity: 'high',
        path: 'python/creds',
        reason: expect.stringContaining('/proc/self/environ'),
      }),
    ]);
  });

  it('says nothing about an ordinary archive', () => {
    expect(unsafeArchive.evaluate(view([file('python/a.py'), file('python/b.py')]))).toEqual([]);
  });
});
