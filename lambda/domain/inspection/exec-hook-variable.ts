import type { Severity } from '../severity.js';
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
