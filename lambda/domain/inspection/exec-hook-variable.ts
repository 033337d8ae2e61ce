import { createHash } from 'node:crypto';
import type { Severity } from '../severity.js';
import { cut } from '../text.js';
import type { InspectionSignal } from './model.js';
import { shown } from './model.js';
import { optionValues, splitOptions } from './options.js';

type Rule = (value: string) => { severity: Severity; what: string } | null;

function anyValue(severity: Severity, what: string): Rule {
  return (value) => (value.trim() === '' ? null : { severity, what: `${what}: ${shown(value.trim(), 100)}` });
}

function options(names: readonly string[], what: string): Rule {
  return (value) => {
    const found = optionValues(splitOptions(value), names);
    return found.length === 0
      ? null
      : { severity: 'high', what: `${what}: ${found.map((v) => shown(v, 80)).join(', ')}` };
  };
}

function javaAgents(value: string): { severity: Severity; what: string } | null {
  const agents = splitOptions(value).filter((a) => /^-(javaagent|agentpath|agentlib):/.test(a));
  return agents.length === 0
    ? null
    : {
        severity: 'high',
        what: `loads a JVM agent before main: ${agents.map((a) => shown(a, 80)).join(', ')}`,
      };
}

/** Directories a search path may name without pointing outside the function's code, runtime or layers. */
const INSIDE = ['/var/task', '/var/runtime', '/var/lang', '/opt', '/lib64', '/usr/lib64', '/lib', '/usr/lib'];

/** Absolute form of a search path entry: relative entries resolve against /var/task, the working directory. */
function absolute(entry: string): string {
  const parts: string[] = entry.startsWith('/') ? [] : ['var', 'task'];
  for (const p of entry.split('/')) {
    if (p === '' || p === '.') continue;
    if (p === '..') parts.pop();
    else parts.push(p);
  }
  return `/${parts.join('/')}`;
}

function searchPath(language: string): Rule {
  return (value) => {
    const outside = value
      .split(':')
      .map(absolute)
      .filter((dir) => !INSIDE.some((root) => dir === root || dir.startsWith(`${root}/`)));
    if (outside.length === 0) return null;
    const writable = outside.some((d) => d === '/tmp' || d.startsWith('/tmp/'));
    return {
      severity: writable ? 'high' : 'medium',
      what:
        `${language} code is loaded from outside the function's code and runtime: ${outside.map((d) => shown(d, 80)).join(', ')}` +
        (writable ? ' (/tmp is writable at run time: one invocation can plant code for the next)' : ''),
    };
  };
}

/** Each variable that makes a runtime (or the dynamic linker) run code the function did not ship. */
export const HOOK_VARIABLES: Readonly<Record<string, Rule>> = {
  AWS_LAMBDA_EXEC_WRAPPER: anyValue(
    'high',
    'Lambda starts this program instead of the runtime, with the runtime as its arguments',
  ),
  NODE_OPTIONS: options(
    ['--require', '-r', '--import', '--loader', '--experimental-loader'],
    'Node.js loads this module before the handler',
  ),
  JAVA_TOOL_OPTIONS: javaAgents,
  _JAVA_OPTIONS: javaAgents,
  JDK_JAVA_OPTIONS: javaAgents,
  DOTNET_STARTUP_HOOKS: anyValue('high', ".NET runs this assembly's StartupHook before Main"),
  LD_PRELOAD: anyValue('high', 'the dynamic linker loads this library into every process'),
  PYTHONPATH: searchPath('Python'),
  NODE_PATH: searchPath('Node.js'),
  RUBYLIB: searchPath('Ruby'),
  LD_LIBRARY_PATH: searchPath('Native'),
  RUBYOPT: options(['-r', '--require'], 'Ruby requires this library at start'),
  PERL5OPT: options(['-M', '-m', '-d'], 'Perl loads this module at start'),
  BASH_ENV: anyValue(
    'medium',
    'every non-interactive bash (such as a shell bootstrap or wrapper) sources this file first',
  ),
  LD_AUDIT: anyValue('high', 'the dynamic linker loads this auditing library into every process'),
  CORECLR_PROFILER_PATH: anyValue('high', '.NET loads this profiler library into the runtime'),
  CORECLR_PROFILER_PATH_64: anyValue('high', '.NET loads this profiler library into the runtime'),
  // Lambda Web Adapter (awslabs.github.io/aws-lambda-web-adapter, "Request Interception").
  AWS_LWA_LAMBDA_RUNTIME_API_PROXY: anyValue(
    'high',
    'Lambda Web Adapter sends every Runtime API request (each event and each response) through this proxy',
  ),
};

/** Signals for a function's environment variables (untrusted names and values). */
export function execHookVariables(variables: Readonly<Record<string, string>>): InspectionSignal[] {
  const signals: InspectionSignal[] = [];
  for (const [name, value] of Object.entries(variables)) {
    const rule = Object.hasOwn(HOOK_VARIABLES, name) ? HOOK_VARIABLES[name] : undefined;
    const hit = rule && typeof value === 'string' ? rule(value) : null;
    if (hit)
      signals.push({ id: 'exec-hook-variable', severity: hit.severity, variable: name, reason: hit.what });
  }
  return signals;
}

/**
 * Longest hook value kept. Lambda caps a function's whole environment at 4 KB, so a real value is
 * never cut; a longer one (a malformed or hostile input) keeps its start and a digest of the whole,
 * so that a change past the cut is still a change.
 */
export const HOOK_VALUE_MAX = 4096;

/** A function's start-up hook variables: name -> value (capped). Never any other variable. */
export type HookValues = Readonly<Record<string, string>>;

/** True for every variable of HOOK_VARIABLES, whatever its value (benign values are kept too). */
export function isHookVariable(name: string): boolean {
  return Object.hasOwn(HOOK_VARIABLES, name);
}

function capped(value: string): string {
  if (value.length <= HOOK_VALUE_MAX) return value;
  const digest = createHash('sha256').update(value, 'utf8').digest('hex').slice(0, 16);
  return `${cut(value, HOOK_VALUE_MAX - 64)} [cut: ${value.length} characters, sha256 ${digest}]`;
}

/**
 * The hook variables of an environment, and nothing else: the other variables hold secrets and
 * must never be stored, logged or reported. A benign value (NODE_OPTIONS=--enable-source-maps) is
 * kept, so that its change to `--require /opt/x.js` is seen as a change. Untrusted input: only
 * string values, names exactly as the runtimes read them (case-sensitive).
 */
export function hookVariablesOf(variables: Readonly<Record<string, unknown>> | null | undefined): HookValues {
  const out: Record<string, string> = {};
  if (!variables) return out;
  for (const name of Object.keys(HOOK_VARIABLES)) {
    const value = Object.hasOwn(variables, name) ? variables[name] : undefined;
    if (typeof value === 'string') out[name] = capped(value);
  }
  return out;
}

/** What a hook variable's value makes the runtime do, or null when it loads nothing. */
export function classifyHook(name: string, value: string): { severity: Severity; reason: string } | null {
  const rule = isHookVariable(name) ? HOOK_VARIABLES[name] : undefined;
  const hit = rule ? rule(value) : null;
  return hit ? { severity: hit.severity, reason: hit.what } : null;
}

export function sameHooks(a: HookValues, b: HookValues): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && a[k] === b[k]);
}

/** One variable whose value differs between two states: set (`from` null), changed, or removed (`to` null). */
export interface HookVariableChange {
  variable: string;
  from: string | null;
  to: string | null;
  /** What the new value makes the runtime run; null when it loads nothing or was removed. */
  reason: string | null;
  severity: Severity | null;
}

/** The variables that differ, in the order of HOOK_VARIABLES; with `before` unknown, every set one. */
export function diffHooks(before: HookValues | null, after: HookValues): HookVariableChange[] {
  const changes: HookVariableChange[] = [];
  for (const variable of Object.keys(HOOK_VARIABLES)) {
    const from = before && Object.hasOwn(before, variable) ? (before[variable] as string) : null;
    const to = Object.hasOwn(after, variable) ? (after[variable] as string) : null;
    if (from === to) continue;
    const hit = to === null ? null : classifyHook(variable, to);
    changes.push({ variable, from, to, reason: hit?.reason ?? null, severity: hit?.severity ?? null });
  }
  return changes;
}
