/**
 * What makes a program an exec wrapper: Lambda starts AWS_LAMBDA_EXEC_WRAPPER with the runtime's
 * own command line as its arguments, so a wrapper is a program that hands its arguments to
 * something that runs them. Recognised by that hand-off, not by a spelling: the arguments (the
 * language's argument vector) are followed through the variables built from them, and a hand-off
 * is any call that runs a program with them. Pure and line-based: a heuristic reading of the
 * script, not a parser; a form it misses is covered when AWS_LAMBDA_EXEC_WRAPPER names the file
 * (function-layers.ts reports that pair whatever the file holds).
 */

export type ScriptLanguage = 'shell' | 'python' | 'ruby' | 'perl' | 'node';

export interface HandOff {
  language: ScriptLanguage;
  /** direct: it starts its arguments (the runtime); indirect: it gives them to a program it names. */
  kind: 'direct' | 'indirect';
  /** The statement that hands off, as written (untrusted). */
  statement: string;
}

const INTERPRETERS: readonly [RegExp, ScriptLanguage][] = [
  [/^(?:ba|da|z|k|mk|a|yash|posh)?sh$|^busybox$/, 'shell'],
  [/^python(?:\d+(?:\.\d+)?)?$|^pypy\d*$/, 'python'],
  [/^j?ruby(?:\d+(?:\.\d+)?)?$/, 'ruby'],
  [/^perl\d*(?:\.\d+)*$/, 'perl'],
  [/^(?:node(?:js)?|bun|deno)$/, 'node'],
];

/** The language a shebang names, or null (an interpreter this module does not know). */
export function shebangLanguage(script: string): ScriptLanguage | null {
  const line = /^#!(.*)/.exec(script)?.[1] ?? '';
  const words = line.trim().split(/\s+/);
  let i = 0;
  const base = (w: string | undefined) => (w ?? '').slice((w ?? '').lastIndexOf('/') + 1);
  if (base(words[0]) === 'env') {
    i = 1;
    while (i < words.length && ((words[i] as string).startsWith('-') || /^\w+=/.test(words[i] as string)))
      i++;
  }
  const name = base(words[i]);
  return INTERPRETERS.find(([re]) => re.test(name))?.[1] ?? null;
}

/**
 * Drops comments: `#` at a word start outside quotes (`//` and block comments for node). Quotes are
 * followed across lines, as the shells, Ruby and Perl read them (Python: only triple quotes), so
 * that a line starting with `#` inside a string is not taken for a comment: that would hide what
 * follows the string's end on it.
 */
export function withoutComments(script: string, language: ScriptLanguage): string {
  if (language === 'node')
    return script.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
  const body = script.startsWith('#!') ? script.slice(script.indexOf('\n') + 1 || script.length) : script;
  const lead = script.length - body.length > 0 ? '\n' : '';
  return lead + hashComments(body, language === 'python');
}

function hashComments(code: string, python: boolean): string {
  let out = '';
  let quote: string | null = null;
  for (let i = 0; i < code.length; i++) {
    const c = code[i] as string;
    if (c === '\\') {
      out += code.slice(i, i + 2);
      i++;
      continue;
    }
    if (quote !== null) {
      if (code.startsWith(quote, i)) {
        out += quote;
        i += quote.length - 1;
        quote = null;
      } else {
        // A Python string that is not triple-quoted ends at the line's end.
        if (c === '\n' && python && quote.length === 1) quote = null;
        out += c;
      }
      continue;
    }
    if (c === '"' || c === "'" || (c === '`' && !python)) {
      quote = python && code.startsWith(c.repeat(3), i) ? c.repeat(3) : c;
      out += quote;
      i += quote.length - 1;
    } else if (c === '#' && (i === 0 || /[\s;(]/.test(code[i - 1] as string))) {
      const next = code.indexOf('\n', i);
      if (next < 0) break;
      i = next - 1;
    } else out += c;
  }
  return out;
}

/**
 * Statements: line continuations joined, lines joined while brackets are open (a call spread over
 * lines), and for shell split at `;`, `&&`, `||`, `|`, `&` and the keywords that start a command.
 */
export function statements(code: string, language: ScriptLanguage): string[] {
  const joined: string[] = [];
  let current = '';
  let depth = 0;
  for (const line of code.replace(/\\\r?\n/g, ' ').split(/\r?\n/)) {
    current = current === '' ? line : `${current} ${line}`;
    // Only parentheses and brackets join lines (a call spread over lines), not blocks.
    depth += (line.match(/[([]/g) ?? []).length - (line.match(/[)\]]/g) ?? []).length;
    if (depth <= 0 || language === 'shell') {
      joined.push(current);
      current = '';
      depth = 0;
    }
  }
  if (current !== '') joined.push(current);
  if (language !== 'shell') return joined.map((s) => s.trim()).filter((s) => s !== '');
  return joined
    .flatMap((s) => s.split(/;|&&|\|\||\||&(?!>)/))
    .map((s) =>
      s
        .trim()
        .replace(/^(?:(?:then|do|else|elif|if|while|until|!|\{|\()\s+)+/, '')
        .replace(/^[({]\s*/, ''),
    )
    .filter((s) => s !== '');
}

interface Grammar {
  /** The argument vector itself. */
  source: RegExp;
  /** A statement that assigns to a variable: the names it assigns, and the value. */
  assigns(statement: string): { names: string[]; value: string } | null;
  /** The variables a statement reads (one pass over it: no per-variable pattern). */
  refs: RegExp;
  /** For one script (`code`): whether a statement runs a program, and with what (null: it does not). */
  runner(code: string): (statement: string) => string | null;
}

/** Shell commands that take arguments without running them. */
const SHELL_INERT =
  /^(?:echo|printf|print|set|shift|local|declare|typeset|readonly|export|unset|test|\[|\[\[|case|for|select|return|exit|read|getopts|let|:|true|false|logger|cd|pushd|popd|trap|wait|printenv|\(\()$/;
/** Prefix words that still run what follows. */
const SHELL_PREFIX =
  /^(?:exec|command|builtin|nohup|nice|time|stdbuf|setsid|chrt|ionice|timeout|env|sudo|xargs|eval)$/;

function shellRun(statement: string): string | null {
  const words = statement.split(/\s+/);
  let i = 0;
  for (;;) {
    const w = words[i];
    if (w === undefined) return null;
    if (
      /^[A-Za-z_]\w*=/.test(w) ||
      (w.startsWith('-') && i > 0) ||
      (i > 0 && /^\d+(?:\.\d+)?[smhd]?$/.test(w))
    )
      i++;
    else if (SHELL_PREFIX.test(w)) i++;
    else break;
  }
  const command = words[i] as string;
  if (SHELL_INERT.test(command)) return null;
  return words.slice(i).join(' ');
}

const SHELL: Grammar = {
  // The whole command line: "$@", $*, ${@:2}. A single argument ($1) or a loop variable is not.
  source: /\$\{?[@*]/,
  assigns(s) {
    const m = /^(?:(?:local|declare|typeset|readonly|export)(?:\s+-\w+)*\s+)?([A-Za-z_]\w*)\+?=(.*)$/.exec(s);
    return m ? { names: [m[1] as string], value: m[2] as string } : null;
  },
  refs: /\$\{?([A-Za-z_]\w*)/g,
  runner: () => shellRun,
};

function scriptAssign(pattern: RegExp) {
  return (s: string) => {
    const m = pattern.exec(s);
    if (!m) return null;
    const names = (m[1] as string).match(/[A-Za-z_$][\w$]*/g) ?? [];
    return { names: names.filter((n) => !/^(?:const|let|var|my|our|local)$/.test(n)), value: m[2] as string };
  };
}

// `os.execv(`, `subprocess.run(`, and the same calls on any object (`__import__('os').execv(`,
// an alias); `.run(`/`.call(` only on subprocess, for `cli.run(sys.argv[1:])` is how console scripts start.
const PYTHON_RUN =
  /\b(?:subprocess\.\w+|pty\.spawn|commands\.\w+)\s*\(|\.(?:exec[lv]p?e?|spawn[lv]p?e?|system|popen|posix_spawnp?|Popen|check_output|check_call|getoutput|getstatusoutput)\s*\(/;
/** What `from os import *` (or subprocess, pty) brings in that runs a program. */
const STAR_IMPORTED = [
  'exec\\w*',
  'spawn\\w*',
  'system',
  'popen',
  'posix_spawnp?',
  'run',
  'call',
  'Popen',
  'check_\\w+',
];

/** The calls a Python script can run a program with, including what it imported under other names. */
function pythonRunner(code: string): (s: string) => string | null {
  // `from subprocess import run as go` / `import subprocess as sp`: the names the script calls.
  const names: string[] = [];
  for (const m of code.matchAll(/^\s*from\s+(?:os|subprocess|pty)\s+import\s+([^\n]+)/gm))
    for (const part of (m[1] as string).replace(/[()]/g, '').split(',')) {
      const name = (part.split(/\s+as\s+/).pop() ?? '').trim();
      if (/^\w+$/.test(name)) names.push(name);
      else if (name === '*') names.push(...STAR_IMPORTED);
    }
  for (const m of code.matchAll(/^\s*import\s+(?:os|subprocess|pty)\s+as\s+(\w+)/gm))
    names.push(`${m[1]}\\.\\w+`);
  const imported = names.length > 0 ? new RegExp(`(?:^|[^\\w.])(?:${names.join('|')})\\s*\\(`) : null;
  return (s) => (PYTHON_RUN.test(s) || imported?.test(s) ? s : null);
}

const PYTHON: Grammar = {
  source: /\bsys\.argv\b|(?:^|[^\w.])argv\b/,
  assigns: scriptAssign(/^([A-Za-z_][\w\s,*[\]()]*?)\s*(?::\s*[\w[\], ]+)?\s*(?:\+|-|\*)?=(?!=)\s*(.*)$/),
  refs: /(?<![\w.])([A-Za-z_]\w*)/g,
  runner: pythonRunner,
};

const RUBY_RUN =
  /(?:^|[^\w.])(?:(?:Kernel|Process)\.)?(?:exec|system|spawn)\b|IO\.popen|Open3\.\w+|PTY\.spawn|`|%x[({[]/;

const RUBY: Grammar = {
  source: /\bARGV\b|\$\*/,
  assigns: scriptAssign(/^([A-Za-z_][\w\s,*]*?)\s*(?:\+|-|\|\||<<)?=(?![=~])\s*(.*)$/),
  refs: /(?<![\w.:@$])([A-Za-z_]\w*)/g,
  runner: () => (s) => (RUBY_RUN.test(s) ? s : null),
};

const PERL: Grammar = {
  source: /@ARGV\b|\$ARGV\[|^\s*(?:my\s+)?[$@]\w+\s*=\s*shift\b|\bshift\s*(?:;|$)/,
  assigns: scriptAssign(/^(?:my|our|local)?\s*\(?\s*([$@%][\w\s,$@%]*?)\)?\s*(?:\.|\+)?=(?![=~])\s*(.*)$/),
  refs: /[$@]([A-Za-z_]\w*)/g,
  runner: () => (s) =>
    /(?:^|[^\w$@%])(?:exec|system)\b|`|\bqx\s*[({[/|]|\bopen\s*\(?[^;]*['"]-?\|/.test(s) ? s : null,
};

const NODE_RUN =
  /(?:^|[^\w$])(?:spawn|spawnSync|execFile|execFileSync|exec|execSync|fork|execve)\s*\(|process\.execve\s*\(/;

const NODE: Grammar = {
  source: /\bprocess\.argv\b|\bBun\.argv\b|\bDeno\.args\b/,
  assigns: scriptAssign(
    /^(?:(?:const|let|var)\s+)?([[{]?[\w$\s,.[\]{}:]*?[\]}]?)\s*(?:\+|-)?=(?![=>])\s*(.*?);?$/,
  ),
  // `args`, `...args`, `[cmd, ...args]`; not `x.args` (a property of something else).
  refs: /(?<![\w$]\.|[\w$])([A-Za-z_$][\w$]*)/g,
  runner: (code) => {
    // child_process by name, or a require/import of a computed name (which may be child_process).
    const childProcess =
      /child_process|\b(?:require|import)\s*\(\s*(?:[^'"`\s)]|(['"`])[^'"`]*\1\s*\+|`[^`]*\$\{)/.test(code);
    return (s) =>
      (NODE_RUN.test(s) && (childProcess || /process\.execve/.test(s))) ||
      /Bun\.spawn|new\s+Deno\.Command/.test(s)
        ? s
        : null;
  },
};

export const GRAMMARS: Readonly<Record<ScriptLanguage, Grammar>> = {
  shell: SHELL,
  python: PYTHON,
  ruby: RUBY,
  perl: PERL,
  node: NODE,
};

/** A bound on the passes to a fixed point: a chain of assignments written backwards longer than this is cut. */
const MAX_PASSES = 8;

function refsOf(statement: string, grammar: Grammar): string[] {
  return [...statement.matchAll(grammar.refs)].map((m) => m[1] as string);
}

/** Variables whose value comes from the arguments, followed through assignments to a fixed point. */
function derived(lines: readonly string[], grammar: Grammar): Set<string> {
  const names = new Set<string>();
  const assignments = lines.flatMap((s) => {
    const a = grammar.assigns(s);
    return a
      ? [{ names: a.names, source: grammar.source.test(a.value), refs: refsOf(a.value, grammar) }]
      : [];
  });
  for (let pass = 0, changed = true; changed && pass < MAX_PASSES; pass++) {
    changed = false;
    for (const a of assignments) {
      if (!a.source && !a.refs.some((r) => names.has(r))) continue;
      for (const n of a.names)
        if (!names.has(n)) {
          names.add(n);
          changed = true;
        }
    }
  }
  return names;
}

function handOffIn(code: string, language: ScriptLanguage): HandOff | null {
  const grammar = GRAMMARS[language];
  const lines = statements(code, language);
  const names = derived(lines, grammar);
  const runs = grammar.runner(code);
  const usesArgs = (s: string) => grammar.source.test(s) || refsOf(s, grammar).some((r) => names.has(r));
  let indirect: HandOff | null = null;
  for (const s of lines) {
    const run = runs(s);
    if (run === null || !usesArgs(run)) continue;
    const assigned = grammar.assigns(s);
    if (assigned && (language === 'shell' || !runs(assigned.value))) continue;
    const kind = startsArguments(run, language, grammar, names) ? 'direct' : 'indirect';
    if (kind === 'direct') return { language, kind, statement: s };
    indirect ??= { language, kind, statement: s };
  }
  return indirect;
}

/** Whether the program run is the arguments themselves, rather than a fixed program given them. */
function startsArguments(
  run: string,
  language: ScriptLanguage,
  grammar: Grammar,
  names: ReadonlySet<string>,
): boolean {
  const tainted = (s: string) => grammar.source.test(s) || refsOf(s, grammar).some((r) => names.has(r));
  if (language === 'shell') {
    // `exec "$@"`, `"${args[@]}"`; or `exec "$1" "${@:2}"`: the first argument run with the rest.
    const [first = '', ...rest] = run.split(/\s+/);
    return tainted(first) || (/^"?\$\{?1\}?"?$/.test(first) && tainted(rest.join(' ')));
  }
  // The first argument of the call: `exec(*args)`, `os.execv(sys.argv[1], ...)`, `spawn(argv[2], ...)`.
  const sink = SINK_NAME.exec(run);
  const args = sink ? run.slice(sink.index + sink[0].length) : run;
  const first = (args.replace(/^[\s(`{[*.]+/, '').split(/[,)}\]]/)[0] ?? '').trim();
  if (/^["'][^"']*["']$/.test(first)) return false;
  return tainted(first);
}

const SINK_NAME =
  /\b(?:exec\w*|spawn\w*|system|popen\d?|posix_spawnp?|run|call|Popen|check_\w+|getoutput|fork|execve)\b|`|%x|qx/;

/**
 * The hand-off of a script, or null. The shebang names the language; a script whose interpreter is
 * not known (a renamed shell, say) is read in every language and the first hand-off found counts.
 */
export function handOff(script: string): HandOff | null {
  if (!script.startsWith('#!')) return null;
  const named = shebangLanguage(script);
  const languages: ScriptLanguage[] = named ? [named] : ['shell', 'python', 'ruby', 'perl', 'node'];
  for (const language of languages) {
    const found = handOffIn(withoutComments(script, language), language);
    if (found) return found;
  }
  return null;
}
