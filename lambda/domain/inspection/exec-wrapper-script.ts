import type { Severity } from '../severity.js';
import { type HandOff, handOff, withoutComments } from './hand-off.js';
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
import { loadsCode, type ScriptBehaviour, scriptBehaviour } from './script-behaviour.js';

/** How much of a script is read; a wrapper does its work in its first lines. */
export const SCRIPT_BYTES = 64 * 1024;
/** What is read of a candidate first: enough to see a shebang. */
export const SHEBANG_BYTES = 2;

function candidate(entry: ArchiveEntry): boolean {
  if (isDirectory(entry) || isSymlink(entry) || entry.uncompressedSize < 4) return false;
  const name = entry.path.slice(entry.path.lastIndexOf('/') + 1);
  if (/\.(so(\.\d+)*|node|pyc|jar|zip|gz)$/.test(name)) return false;
  if (name.endsWith('.sh') || name.endsWith('.bash')) return true;
  const exec = isExecutable(entry);
  if (exec !== null) return exec;
  return !name.includes('.');
}

/** What a wrapper script is and does: its hand-off, and its behaviour besides. */
export interface WrapperReading {
  handOff: HandOff;
  behaviour: ScriptBehaviour;
  severity: Severity;
  /** "a shell script that starts the command line it is given; it sets NODE_OPTIONS (...)" */
  summary: string;
}

/**
 * Severity from behaviour: a script that starts its arguments is medium; one that only gives them to
 * a program it names (a launcher: `exec gzip -d "$@"`, an npm shim) is informational, listed and
 * scored 0, for every packaged tool does that; setting a variable that loads code makes either at
 * least medium; network tools or decoding data to run make it high.
 */
function severityOf(h: HandOff, b: ScriptBehaviour): Severity {
  if (b.network.length > 0 || b.decodes.length > 0) return 'high';
  if (h.kind === 'direct' || b.sets.some(loadsCode)) return 'medium';
  return 'informational';
}

function list(values: readonly string[], max = 6): string {
  const shownValues = values.slice(0, max).map((v) => shown(v, 40));
  return `${shownValues.join(', ')}${values.length > max ? ` and ${values.length - max} more` : ''}`;
}

/** Reads a script as a wrapper: null when it hands nothing off. */
export function readWrapper(script: string): WrapperReading | null {
  const h = handOff(script);
  if (!h) return null;
  const b = scriptBehaviour(withoutComments(script, h.language), h.language);
  const does =
    h.kind === 'direct'
      ? 'starts the command line it is given'
      : `passes the command line it is given to another program (${shown(h.statement, 60)})`;
  const parts = [`a ${h.language} script that ${does}`];
  const hooks = b.sets.filter(loadsCode);
  if (b.sets.length > 0)
    parts.push(
      `it sets ${list(b.sets)}${hooks.length > 0 ? ` (which make the runtime load code or change where it comes from: ${list(hooks)})` : ''}`,
    );
  if (b.network.length > 0) parts.push(`it uses the network (${list(b.network)})`);
  if (b.decodes.length > 0) parts.push(`it decodes or evaluates data (${list(b.decodes)})`);
  return { handOff: h, behaviour: b, severity: severityOf(h, b), summary: parts.join('; ') };
}

/** Which language's hand-off a script has, or null (kept for callers that only need the yes/no). */
export function runsItsArguments(script: string): string | null {
  return handOff(script)?.language ?? null;
}

/**
 * An exec wrapper only runs when a function sets AWS_LAMBDA_EXEC_WRAPPER to its path, but then it
 * starts the runtime itself and may change its environment, arguments and code. The script must
 * start with a shebang: a compiled wrapper is not recognised here (native-code reports it, and the
 * function's AWS_LAMBDA_EXEC_WRAPPER names it whatever its form).
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
      const bytes = content(entry);
      if (!bytes) return [];
      const reading = readWrapper(text(bytes));
      if (!reading) return [];
      const path = normalPath(entry.path);
      const firstLine = text(bytes.subarray(0, 120)).split('\n')[0] ?? '';
      return [
        {
          id: 'exec-wrapper-script' as const,
          severity: reading.severity,
          path,
          reason: `${reading.summary} (${shown(firstLine, 60)}): set as AWS_LAMBDA_EXEC_WRAPPER (/opt/${shown(path)}), it starts the runtime and can change its environment, arguments and code`,
        },
      ];
    });
  },
};
