import { ELF_HEADER_BYTES, elfKind, nativeCode } from '../../../../lambda/domain/inspection/native-code.js';
import { bytes, elfHeader, executable, file, symlink, view } from './entries.js';

describe('native-code', () => {
  it('reads the ELF header: type and machine, either byte order', () => {
    expect(elfKind(elfHeader(2, 0x3e))).toEqual({ type: 'executable', machine: 'x86-64' });
    expect(elfKind(elfHeader(3, 0xb7))).toEqual({
      type: 'shared object or position-independent executable',
      machine: 'arm64',
    });
    expect(elfKind(elfHeader(2, 0x28, false))).toEqual({ type: 'executable', machine: 'arm' });
    expect(elfKind(elfHeader(1, 0x99))).toEqual({ type: 'type 1', machine: 'machine 0x99' });
  });

  it('needs the magic and 20 bytes', () => {
    expect(elfKind(bytes('#!/bin/sh\nexec "$@"\n\n\n\n'))).toBeNull();
    expect(elfKind(elfHeader().subarray(0, 19))).toBeNull();
  });

  it('wants 20 bytes of executables, shared objects and Node addons', () => {
    expect(nativeCode.wants(executable('bin/tool'))).toBe(ELF_HEADER_BYTES);
    expect(nativeCode.wants(file('lib/libssl.so.3'))).toBe(ELF_HEADER_BYTES);
    expect(nativeCode.wants(file('nodejs/node_modules/sharp/build/Release/sharp.node'))).toBe(
      ELF_HEADER_BYTES,
    );
    expect(nativeCode.wants(file('bin/tool', { mode: null }))).toBe(ELF_HEADER_BYTES);
    expect(nativeCode.wants(file('README.md'))).toBe(0);
    expect(nativeCode.wants(file('bin/tool'))).toBe(0);
    expect(nativeCode.wants(symlink('lib/libssl.so'))).toBe(0);
    expect(nativeCode.wants(executable('bin/tiny', 40))).toBe(0);
  });

  it('reports ELF files as informational, by content not by name', () => {
    const elf = file('lib/libx.so.1');
    const fake = file('lib/liby.so');
    const script = executable('bin/run');
    const signals = nativeCode.evaluate(
      view([elf, fake, script], {
        [elf.path]: elfHeader(),
        [fake.path]: 'not an elf at all, just text',
        [script.path]: '#!/bin/sh',
      }),
    );
    expect(signals).toEqual([
      expect.objectContaining({ id: 'native-code', severity: 'informational', path: 'lib/libx.so.1' }),
    ]);
    expect(signals[0]?.reason).toContain('x86-64');
  });
});
