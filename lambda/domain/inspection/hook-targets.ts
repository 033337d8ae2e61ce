/**
 * Where a function's start-up hooks point into its layers: the file in /opt that a hook variable,
 * the `Handler` or the `Runtime` makes the runtime run, and which attached layer provides it (the
 * last one in the function's order that has it: layers are extracted in order, later ones replace
 * earlier files). A hook and the layer file it runs are reported as one pair; when that layer's
 * account is a known publisher, the pair is lowered like the layer. Pure.
 */

import type { ArchiveEntry, InspectionSignal } from './model.js';
import { lower, normalPath, shown } from './model.js';
import { optionValues, splitOptions } from './options.js';

export interface HookTarget {
  /** The variable, or `Handler` / `Runtime`. */
  source: string;
  /** The file, relative to /opt. */
  path: string;
  /** Paths that would also do (a Python module's package form), relative to /opt. */
  alternatives?: string[];
}

export interface AttachedLayerContent {
  arn: string;
  entries: readonly ArchiveEntry[];
  /** Signals the layer's own inspection raised (unlowered). */
  signals: readonly InspectionSignal[];
  /** Its account's known publisher, or null. */
  publisher: string | null;
}

function inOpt(value: string): string | null {
  const m = /^\/opt\/(.+)$/.exec(value.trim());
  return m ? normalPath(m[1] as string) : null;
}

const pathsIn = (values: readonly string[]) => values.flatMap((v) => inOpt(v) ?? []);

/** Per variable, the /opt paths its value names as code to run. */
const TARGETS: Readonly<Record<string, (value: string) => string[]>> = {
  AWS_LAMBDA_EXEC_WRAPPER: (v) => pathsIn([splitOptions(v)[0] ?? '']),
  NODE_OPTIONS: (v) =>
    pathsIn(
      optionValues(splitOptions(v), ['--require', '-r', '--import', '--loader', '--experimental-loader']),
    ),
  JAVA_TOOL_OPTIONS: javaTargets,
  _JAVA_OPTIONS: javaTargets,
  JDK_JAVA_OPTIONS: javaTargets,
  DOTNET_STARTUP_HOOKS: (v) => pathsIn(v.split(':')),
  LD_PRELOAD: (v) => pathsIn(v.split(/[\s:]+/)),
  LD_AUDIT: (v) => pathsIn(v.split(':')),
  CORECLR_PROFILER_PATH: (v) => pathsIn([v]),
  CORECLR_PROFILER_PATH_64: (v) => pathsIn([v]),
  BASH_ENV: (v) => pathsIn([v]),
  RUBYOPT: (v) => pathsIn(optionValues(splitOptions(v), ['-r', '--require'])),
};

function javaTargets(value: string): string[] {
  return pathsIn(
    splitOptions(value).flatMap((a) => {
      const m = /^-(?:javaagent|agentpath):([^=]+)/.exec(a);
      return m ? [m[1] as string] : [];
    }),
  );
}

/** A Python handler `pkg.mod.fn` is the module pkg/mod, found in /opt/python (before /var/runtime). */
function pythonHandler(handler: string): HookTarget | null {
  const parts = handler.split('.');
  if (parts.length < 2 || parts.some((p) => !/^[A-Za-z_]\w*$/.test(p))) return null;
  const module = parts.slice(0, -1).join('/');
  return {
    source: 'Handler',
    path: `python/${module}.py`,
    alternatives: [`python/${module}/__init__.py`],
  };
}

/** What the function's variables, handler and runtime make the runtime run from /opt. */
export function hookTargets(config: {
  variables: Readonly<Record<string, string>>;
  handler: string | null;
  runtime: string | null;
}): HookTarget[] {
  const targets: HookTarget[] = [];
  for (const [name, value] of Object.entries(config.variables)) {
    const rule = Object.hasOwn(TARGETS, name) ? TARGETS[name] : undefined;
    if (rule && typeof value === 'string')
      for (const path of rule(value)) targets.push({ source: name, path });
  }
  const runtime = config.runtime ?? '';
  if (runtime.startsWith('python') && config.handler) {
    const t = pythonHandler(config.handler);
    if (t) targets.push(t);
  }
  if (runtime.startsWith('provided')) targets.push({ source: 'Runtime', path: 'bootstrap' });
  return targets;
}

/** The last layer (in the function's order) that has one of the paths, with the path it has. */
function provider(target: HookTarget, layers: readonly AttachedLayerContent[]) {
  const wanted = [target.path, ...(target.alternatives ?? [])];
  for (let i = layers.length - 1; i >= 0; i--) {
    const layer = layers[i] as AttachedLayerContent;
    const path = wanted.find((p) => layer.entries.some((e) => normalPath(e.path) === p));
    if (path) return { layer, path };
  }
  return null;
}

const WHY: Record<string, string> = {
  Handler: 'the runtime imports the handler module from /opt/python when the function code has none',
  Runtime: 'an OS-only runtime runs /opt/bootstrap when the function code has none',
};

/**
 * One signal per hook that runs a layer's file: the pair, named. Its severity is the hook's own
 * (high for a variable that loads code; medium for a Handler or bootstrap in a layer), lowered one
 * step when the layer's account is a known publisher. AWS_LAMBDA_EXEC_WRAPPER makes its file a
 * wrapper whatever the file holds: the layer's own signal on it (if any) is quoted.
 */
export function resolveHooks(
  targets: readonly HookTarget[],
  layers: readonly AttachedLayerContent[],
  severityOf: (source: string) => InspectionSignal['severity'] | null,
): InspectionSignal[] {
  const signals: InspectionSignal[] = [];
  for (const target of targets) {
    const found = provider(target, layers);
    if (!found) continue;
    const base = severityOf(target.source) ?? 'medium';
    const { layer, path } = found;
    const own = layer.signals.find((s) => s.path !== undefined && normalPath(s.path) === path);
    const what =
      target.source === 'AWS_LAMBDA_EXEC_WRAPPER'
        ? `Lambda starts /opt/${shown(path)} as the exec wrapper, whatever it holds`
        : (WHY[target.source] ?? `the runtime loads /opt/${shown(path)}`);
    const severity = layer.publisher ? lower(base) : base;
    signals.push({
      id: 'exec-hook-variable',
      severity,
      variable: target.source,
      path,
      layer: layer.arn,
      reason: `${target.source} runs /opt/${shown(path)} from layer ${shown(layer.arn)}: ${what}${own ? ` (the layer's inspection: ${shown(own.reason, 160)})` : ''}`,
      ...(layer.publisher && severity !== base
        ? { lowered: { from: base, publisher: layer.publisher } }
        : {}),
    });
  }
  return signals;
}

/**
 * A function's hook signals with its layers known: each variable's own signal, replaced by the
 * pairs when every /opt path it names was found in an attached layer; plus the Handler and Runtime
 * pairs. A variable that names a file no layer has keeps its own signal.
 */
export function functionHookSignals(
  own: readonly InspectionSignal[],
  targets: readonly HookTarget[],
  layers: readonly AttachedLayerContent[],
): InspectionSignal[] {
  const severityOf = (source: string) => own.find((s) => s.variable === source)?.severity ?? null;
  const pairs = resolveHooks(targets, layers, severityOf);
  const resolved = (variable: string) => {
    const mine = targets.filter((t) => t.source === variable);
    return (
      mine.length > 0 && mine.every((t) => pairs.some((p) => p.variable === variable && provider(t, layers)))
    );
  };
  return [...own.filter((s) => !(s.variable && resolved(s.variable))), ...pairs];
}
