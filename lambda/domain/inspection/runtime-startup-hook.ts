import { withoutComments } from './hand-off.js';
import { type ArchiveCheck, type InspectionSignal, isDirectory, normalPath, shown, text } from './model.js';
import { pythonTopLevel } from './paths.js';
import { benignPthLine } from './pth-shapes.js';
import { scriptBehaviour } from './script-behaviour.js';

/** How much of a `.pth` file is read: site.py executes any line of it, so a cut is reported. */
export const PTH_BYTES = 64 * 1024;

/** Modules Python's `site` imports at start from sys.path, whatever the function's code does. */
const PYTHON_CUSTOMIZE = /^(sitecustomize|usercustomize)(\.py|\.pyc|(\.[^/]*)?\.so|\/__init__\.py)$/;

/**
 * Ruby's gem_prelude requires these at interpreter start through $LOAD_PATH, where RUBYLIB
 * (/opt/ruby/lib) comes before the standard library: a layer copy replaces Ruby's own. RubyGems
 * also loads `rubygems/defaults/operating_system.rb` from $LOAD_PATH when it exists.
 */
const RUBY_PRELUDE = new Set([
  'rubygems.rb',
  'rubygems/defaults/operating_system.rb',
  'error_highlight.rb',
  'did_you_mean.rb',
  'syntax_suggest.rb',
]);

/** site.py's rule: a line starting with "import " or "import\t" is executed; others are paths. */
export function executableLines(pth: string): string[] {
  return pth.split(/\r?\n/).filter((line) => line.startsWith('import ') || line.startsWith('import\t'));
}

function isPth(path: string): boolean {
  const top = pythonTopLevel(path);
  return top !== null && top.rest === '' && top.name.endsWith('.pth');
}

function pthSignal(path: string, content: Uint8Array | undefined, size: number): InspectionSignal[] {
  if (content === undefined) return [];
  const lines = executableLines(text(content));
  if (lines.length === 0) return [];
  const name = path.slice(path.lastIndexOf('/') + 1);
  // By content, never by name: every executable line must be one a packaging tool writes.
  const shapes = lines.map(benignPthLine);
  const tool = shapes.every((shape) => shape !== null) ? (shapes[0] as string) : null;
  const code = lines.find((_, i) => shapes[i] === null) ?? (lines[0] as string);
  const sitePackages = path.includes('/site-packages/');
  const cutNote = size > content.length ? ` (first ${content.length} of ${size} bytes read)` : '';
  const when = sitePackages
    ? 'Python runs them when the runtime adds this site-packages directory as a site directory, before the handler is imported'
    : 'Python runs them if /opt/python is processed as a site directory (the runtime adds it to sys.path)';
  return [
    {
      id: 'runtime-startup-hook',
      severity: tool ? 'low' : sitePackages ? 'high' : 'medium',
      path,
      reason:
        `${shown(name)} has ${lines.length} executable line(s), ${tool ? 'first' : 'first of its own'}: "${shown(code, 80)}"${cutNote}: ${when}` +
        (tool ? `; each line is ${tool}` : ''),
    },
  ];
}

function isCustomize(path: string): boolean {
  const top = pythonTopLevel(path);
  return top !== null && PYTHON_CUSTOMIZE.test(top.rest === '' ? top.name : `${top.name}/${top.rest}`);
}

/** What a start-up module's source does, in words: the network, decoding, variables it sets. */
function doesInWords(source: Uint8Array | undefined): string {
  if (source === undefined || source.includes(0)) return '';
  const b = scriptBehaviour(withoutComments(text(source), 'python'), 'python');
  const parts = [
    ...(b.network.length > 0
      ? [
          `uses the network (${b.network
            .slice(0, 4)
            .map((n) => shown(n, 30))
            .join(', ')})`,
        ]
      : []),
    ...(b.decodes.length > 0
      ? [
          `decodes or evaluates data (${b.decodes
            .slice(0, 4)
            .map((n) => shown(n, 30))
            .join(', ')})`,
        ]
      : []),
    ...(b.sets.length > 0
      ? [
          `sets ${b.sets
            .slice(0, 4)
            .map((n) => shown(n, 30))
            .join(', ')}`,
        ]
      : []),
  ];
  return parts.length > 0 ? `; its code ${parts.join('; ')}` : '';
}

function customizeSignal(path: string, source: Uint8Array | undefined): InspectionSignal[] {
  const top = pythonTopLevel(path);
  if (!top || !isCustomize(path)) return [];
  const local = top.rest === '' ? top.name : `${top.name}/${top.rest}`;
  return [
    {
      id: 'runtime-startup-hook',
      severity: 'high',
      path,
      reason: `${shown(local)}: Python's site module imports ${top.name.split('.')[0]} from sys.path at every interpreter start, before the handler; /opt/python comes before the runtime's own paths${doesInWords(source)}`,
    },
  ];
}

function rubySignal(path: string): InspectionSignal[] {
  if (!path.startsWith('ruby/lib/') || !RUBY_PRELUDE.has(path.slice('ruby/lib/'.length))) return [];
  return [
    {
      id: 'runtime-startup-hook',
      severity: 'high',
      path,
      reason: `${shown(path.slice('ruby/lib/'.length))}: Ruby loads it at interpreter start, and /opt/ruby/lib (RUBYLIB) comes before Ruby's own copy on the load path`,
    },
  ];
}

/**
 * Code a runtime runs at start without the function asking for it. Node.js, Java and .NET have
 * no such file: they need a variable (NODE_OPTIONS, JAVA_TOOL_OPTIONS, DOTNET_STARTUP_HOOKS),
 * which exec-hook-variable reports on the function's configuration.
 */
export const runtimeStartupHook: ArchiveCheck = {
  id: 'runtime-startup-hook',
  // A .pth's lines, and the source of a customize module (to say what it does: it is high anyway).
  wants: (entry) => {
    if (isDirectory(entry)) return 0;
    const path = normalPath(entry.path);
    return isPth(path) || (isCustomize(path) && path.endsWith('.py')) ? PTH_BYTES : 0;
  },
  evaluate({ entries, content }) {
    const signals: InspectionSignal[] = [];
    for (const entry of entries) {
      if (isDirectory(entry)) continue;
      const path = normalPath(entry.path);
      if (isPth(path)) signals.push(...pthSignal(path, content(entry), entry.uncompressedSize));
      else signals.push(...customizeSignal(path, content(entry)), ...rubySignal(path));
    }
    return signals;
  },
};
