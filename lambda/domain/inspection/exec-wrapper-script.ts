import {
  type ArchiveCheck,
  type ArchiveEntry,
  isDirectory,
  isExecutable,
  isSymlink,
  normalPath,
  shown,
  text,
} from './model.js';

/** How much of a script is read; a wrapper does its work in its first lines. */
export const SCRIPT_BYTES = 64 * 1024;
/** What is read of a candidate first: enough to see a shebang. */
export const SHEBANG_BYTES = 2;

/**
 * Ways a script runs the command line it was given, which is what an exec wrapper does: Lambda
 * starts `AWS_LAMBDA_EXEC_WRAPPER` with the runtime's own command line as its arguments.
 */
const RUNS_ITS_ARGUMENTS: readonly { runtime: string; pattern: RegExp }[] = [
  // exec "$@" / exec $@ / exec -- "${@}" / exec env A=b "$@" / a line that is just "$@"
  {
    runtime: 'shell',
    pattern:
      /^[ \t]*(?:exec[ \t]+(?:-[-a-z]*[ \t]+)*(?:env[ \t]+(?:[^\s=]+=\S*[ \t]+)*)?)?"?\$\{?[@*]\}?"?[ \t]*(?:[;&|#]|$)/m,
  },
  { runtime: 'shell', pattern: /^[ \t]*exec[ \t]+"?\$\{?1\}?"?[ \t]+"?\$\{?@:2\}?"?/m },
  { runtime: 'python', pattern: /os\.(?:exec|spawn)[lv]p?e?\(\s*sys\.argv\[1\]/ },
  { runtime: 'python', pattern: /(?:subprocess\.\w+|os\.exec\w+)\([^)]*sys\.argv\[1:\]/ },
  {
    runtime: 'node',
    pattern:
      /(?:spawn|execFile|spawnSync|execFileSync)\([^)]*process\.argv\.slice\(2\)|process\.argv\[2\][^\n]*process\.argv\.slice\(3\)/,
  },
  { runtime: 'perl', pattern: /\bexec\s*\(?\s*@ARGV\b/ },
];

function candidate(entry: ArchiveEntry): boolean {
  if (isDirectory(entry) || isSymlink(entry) || entry.uncompressedSize < 4) return false;
  const name = entry.path.slice(entry.path.lastIndexOf('/') + 1);
  if (/\.(so(\.\d+)*|node|pyc|jar|zip|gz)$/.test(name)) return false;
  if (name.endsWith('.sh') || name.endsWith('.bash')) return true;
  const exec = isExecutable(entry);
  if (exec !== null) return exec;
  return !name.includes('.');
}

/** Which way a script runs its arguments, or null. */
export function runsItsArguments(script: string): string | null {
  if (!script.startsWith('#!')) return null;
  const body = script.replace(/\\\n/g, ' ');
  return RUNS_ITS_ARGUMENTS.find((r) => r.pattern.test(body))?.runtime ?? null;
}

/**
 * An exec wrapper only runs when a function sets AWS_LAMBDA_EXEC_WRAPPER to its path, but then it
 * starts the runtime itself and may change its environment, arguments and code. The script must
 * start with a shebang: a compiled wrapper is not recognised here (native-code reports it).
 */
export const execWrapperScript: ArchiveCheck = {
  id: 'exec-wrapper-script',
  // First the shebang; the script itself only for files that have one.
  wants: (entry, head) => {
    if (!candidate(entry)) return 0;
    if (head === undefined) return SHEBANG_BYTES;
    return head[0] === 0x23 && head[1] === 0x21 ? SCRIPT_BYTES : SHEBANG_BYTES;
  },
  evaluate({ entries, content }) {
    return entries.flatMap((entry) => {
      if (!candidate(entry)) return [];
      const bytes = content(entry.path);
      if (!bytes) return [];
      const how = runsItsArguments(text(bytes));
      if (!how) return [];
      const path = normalPath(entry.path);
      const firstLine = text(bytes.subarray(0, 120)).split('\n')[0] ?? '';
      return [
        {
          id: 'exec-wrapper-script' as const,
          severity: 'medium' as const,
          path,
          reason: `a ${how} script (${shown(firstLine, 60)}) that runs the command line it is given: set as AWS_LAMBDA_EXEC_WRAPPER (/opt/${shown(path)}), it starts the runtime and can change its environment, arguments and code`,
        },
      ];
    });
  },
};
