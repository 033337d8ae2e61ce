/**
 * The `.pth` lines packaging tools write, recognised by their content, never by the file's name:
 * a line is benign only when every statement in it (split at `;`) is one of the statements below,
 * with nothing but quoted package names in the places a tool fills in. One extra statement, and the
 * line is judged as any other code. Shapes:
 *   setuptools namespace packages (`*-nspkg.pth`, setuptools/namespaces.py, old and new forms;
 *   protobuf, google-*, zope.*, sphinxcontrib-* and others ship these): they add a directory to a
 *   package's __path__, using only sys, types, os and importlib;
 *   setuptools' `distutils-precedence.pth` (_distutils_hack): it imports `_distutils_hack` from the
 *   layer when SETUPTOOLS_USE_DISTUTILS is `local` (the default). That module is the layer's own
 *   code: the shape vouches for the line, not for the module it imports.
 */

const NAME = String.raw`'[\w.-]+'`;
const NAMES = String.raw`${NAME}(?:\s*,\s*${NAME})*\s*,?`;

const NAMESPACE_STATEMENTS = [
  String.raw`import sys,\s*types,\s*os`,
  String.raw`has_mfs = sys\.version_info > \(3,\s*5\)`,
  String.raw`p = os\.path\.join\(sys\._getframe\(1\)\.f_locals\['sitedir'\],\s*\*\(${NAMES}\)\)`,
  String.raw`importlib = has_mfs and __import__\('importlib\.util'\)`,
  String.raw`has_mfs and __import__\('importlib\.machinery'\)`,
  String.raw`m = has_mfs and sys\.modules\.setdefault\(${NAME},\s*importlib\.util\.module_from_spec\(importlib\.machinery\.PathFinder\.find_spec\(${NAME},\s*\[os\.path\.dirname\(p\)\]\)\)\)`,
  String.raw`m = m or sys\.modules\.setdefault\(${NAME},\s*types\.ModuleType\(${NAME}\)\)`,
  String.raw`mp = \(m or \[\]\) and m\.__dict__\.setdefault\('__path__',\s*\[\]\)`,
  String.raw`\(p not in mp\) and mp\.append\(p\)`,
  String.raw`m and setattr\(sys\.modules\[${NAME}\],\s*${NAME},\s*m\)`,
  String.raw`ie = os\.path\.exists\(os\.path\.join\(p,\s*'__init__\.py'\)\)`,
  String.raw`m = not ie and sys\.modules\.setdefault\(${NAME},\s*types\.ModuleType\(${NAME}\)\)`,
];

const DISTUTILS_STATEMENTS = [
  'import os',
  "var = 'SETUPTOOLS_USE_DISTUTILS'",
  String.raw`enabled = os\.environ\.get\(var,\s*'(?:local|stdlib)'\) == 'local'`,
  String.raw`enabled and __import__\('_distutils_hack'\)\.add_shim\(\)`,
];

/** Each shape: its statements, and the one that must be there (what the tool writes the line for). */
const SHAPES: readonly { label: string; statements: RegExp[]; required: RegExp }[] = [
  {
    label: 'a setuptools namespace-package line (adds a directory to a package path)',
    statements: NAMESPACE_STATEMENTS.map((s) => new RegExp(`^${s}$`)),
    required: /^\(p not in mp\) and mp\.append\(p\)$/,
  },
  {
    label: "setuptools' distutils shim (imports _distutils_hack from the layer)",
    statements: DISTUTILS_STATEMENTS.map((s) => new RegExp(`^${s}$`)),
    required: /^enabled and __import__\('_distutils_hack'\)\.add_shim\(\)$/,
  },
];

/** What tool writes this executable `.pth` line, or null when it is anything else. */
export function benignPthLine(line: string): string | null {
  const statements = line
    .split(';')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (statements.length === 0) return null;
  for (const shape of SHAPES)
    if (
      statements.some((s) => shape.required.test(s)) &&
      statements.every((s) => shape.statements.some((re) => re.test(s)))
    )
      return shape.label;
  return null;
}
