import { externalExtension } from '../../../../lambda/domain/inspection/external-extension.js';
import { dir, executable, file, symlink, view } from './entries.js';

describe('external-extension', () => {
  it('reports an executable directly in extensions/ as high', () => {
    const signals = externalExtension.evaluate(view([dir('extensions'), executable('extensions/collector')]));
    expect(signals).toEqual([
      expect.objectContaining({ id: 'external-extension', severity: 'high', path: 'extensions/collector' }),
    ]);
    expect(signals[0]?.reason).toMatch(/beside every invocation/);
  });

  it('says when the file has no execute permission, at medium', () => {
    const [s] = externalExtension.evaluate(view([file('extensions/collector')]));
    expect(s?.severity).toBe('medium');
    expect(s?.reason).toMatch(/without execute permission/);
  });

  it('treats a file without recorded permissions and a symbolic link as runnable', () => {
    const signals = externalExtension.evaluate(
      view([file('extensions/a', { mode: null }), symlink('extensions/b')]),
    );
    expect(signals.map((s) => [s.path, s.severity])).toEqual([
      ['extensions/a', 'high'],
      ['extensions/b', 'high'],
    ]);
    expect(signals[1]?.reason).toMatch(/symbolic link/);
  });

  it('normalises ./ and double slashes before matching', () => {
    const signals = externalExtension.evaluate(view([executable('./extensions//agent')]));
    expect(signals[0]?.path).toBe('extensions/agent');
  });

  it('reports support files alone at low, once', () => {
    const signals = externalExtension.evaluate(
      view([file('extensions/lib/a.so'), file('extensions/lib/b.so')]),
    );
    expect(signals).toEqual([expect.objectContaining({ severity: 'low', path: 'extensions/lib/a.so' })]);
  });

  it('says nothing about support files when an extension is there', () => {
    const signals = externalExtension.evaluate(
      view([executable('extensions/x'), file('extensions/lib/a.so')]),
    );
    expect(signals).toHaveLength(1);
  });

  it('ignores look-alikes and other folders', () => {
    expect(
      externalExtension.evaluate(
        view([
          dir('extensions'),
          executable('python/extensions/x'),
          executable('my-extensions/x'),
          file('extensions.txt'),
        ]),
      ),
    ).toEqual([]);
  });
});
