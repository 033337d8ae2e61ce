import {
  execWrapperScript,
  runsItsArguments,
  SCRIPT_BYTES,
  SHEBANG_BYTES,
} from '../../../../lambda/domain/inspection/exec-wrapper-script.js';
import { bytes, executable, file, symlink, view } from './entries.js';

describe('exec-wrapper-script', () => {
  it.each([
    ['#!/bin/bash\nexport X=1\nexec "$@"\n', 'shell'],
    ['#!/bin/sh\nexec $@', 'shell'],
    // biome-ignore lint/suspicious/noTemplateCurlyInString: shell syntax, not a template.
    ['#!/bin/sh\nexec -- "${@}"\n', 'shell'],
    ['#!/bin/sh\nexec env LD_PRELOAD=/opt/x.so "$@"\n', 'shell'],
    ['#!/bin/sh\nset -e\n"$@"\n', 'shell'],
    ['#!/bin/sh\nexec \\\n  "$@"\n', 'shell'],
    // biome-ignore lint/suspicious/noTemplateCurlyInString: shell syntax, not a template.
    ['#!/bin/sh\nexec "$1" "${@:2}"\n', 'shell'],
    ['#!/usr/bin/env python3\nimport os, sys\nos.execvp(sys.argv[1], sys.argv[1:])\n', 'python'],
    ['#!/usr/bin/env python3\nimport subprocess, sys\nsubprocess.run(sys.argv[1:])\n', 'python'],
    ["#!/usr/bin/env node\nrequire('child_process').spawn(process.argv[2], process.argv.slice(3))\n", 'node'],
    ["#!/usr/bin/env node\nspawnSync('x', process.argv.slice(2))\n", 'node'],
    ['#!/usr/bin/perl\nexec @ARGV;\n', 'perl'],
  ])('recognises %j as %s', (script, how) => {
    expect(runsItsArguments(script)).toBe(how);
  });

  it.each([
    ['no shebang', 'exec "$@"\n'],
    ['a fixed program given the arguments', '#!/bin/sh\nexec node "$basedir/cli.js" "$@"\n'],
    ['printing the arguments', '#!/bin/sh\necho "$@"\n'],
    ['a comment', '#!/bin/sh\n# exec "$@" is what a wrapper does\n'],
    ['a Python console script', '#!/usr/bin/python3\nimport sys\nfrom tool import main\nsys.exit(main())\n'],
  ])('ignores %s', (_, script) => {
    expect(runsItsArguments(script)).toBeNull();
  });

  it('wants the shebang of executables, shell scripts and extension-less files without modes', () => {
    expect(execWrapperScript.wants(executable('bin/wrap', 200))).toBe(SHEBANG_BYTES);
    expect(execWrapperScript.wants(file('tools/wrap.sh'))).toBe(SHEBANG_BYTES);
    expect(execWrapperScript.wants(file('wrap', { mode: null }))).toBe(SHEBANG_BYTES);
    expect(execWrapperScript.wants(file('wrap'))).toBe(0);
    expect(execWrapperScript.wants(file('lib/x.py', { mode: null }))).toBe(0);
    expect(execWrapperScript.wants(executable('lib/libx.so.1'))).toBe(0);
    expect(execWrapperScript.wants(executable('addon.node'))).toBe(0);
    expect(execWrapperScript.wants(symlink('bin/wrap'))).toBe(0);
    expect(execWrapperScript.wants(executable('bin/tiny', 3))).toBe(0);
  });

  it('wants 64 KiB of a candidate that starts with a shebang, and no more of one that does not', () => {
    const e = executable('bin/wrap', 200);
    expect(execWrapperScript.wants(e, bytes('#!'))).toBe(SCRIPT_BYTES);
    expect(execWrapperScript.wants(e, bytes('\x7fELF'))).toBe(SHEBANG_BYTES);
  });

  it('reports a wrapper with its path and first line', () => {
    const e = executable('otel-instrument');
    const [s] = execWrapperScript.evaluate(
      view([e], { [e.path]: '#!/bin/bash\nexport OTEL=1\nexec "$@"\n' }),
    );
    expect(s).toEqual(
      expect.objectContaining({ id: 'exec-wrapper-script', severity: 'medium', path: 'otel-instrument' }),
    );
    expect(s?.reason).toContain('#!/bin/bash');
    expect(s?.reason).toContain('/opt/otel-instrument');
  });

  it('says nothing without content, or for scripts that are not wrappers', () => {
    const a = executable('bin/a');
    const b = executable('bin/b');
    expect(execWrapperScript.evaluate(view([a, b], { [b.path]: '#!/bin/sh\necho hi\n' }))).toEqual([]);
  });
});
