/**
 * A start-up hook variable (inspection/exec-hook-variable.ts) set or changed to a value that makes
 * the runtime run extra code. It comes first in DETECTIONS: the classic persistence attaches a
 * layer and points AWS_LAMBDA_EXEC_WRAPPER (or NODE_OPTIONS, JAVA_TOOL_OPTIONS...) into it in one
 * call, and this finding then names both the hook and the layers the same change added.
 */
import type { HookVariableChange } from '../inspection/exec-hook-variable.js';
import { shown } from '../inspection/model.js';
import type { FunctionEvent } from '../model.js';
import { SWEEP_EVENT_NAME } from '../observation.js';
import type { KnownPublisher } from '../publishers.js';
import type { Signal } from '../scoring.js';
import {
  type Detection,
  type LayerChange,
  NO_MATCH,
  NOT_APPLICABLE,
  shortLayer,
  T1648,
} from './detection.js';

/** A value that names a path in /opt: code a layer brought. */
const INTO_LAYER = /(^|[\s=:,;"'])\/opt(\/|$|[\s:,;"'])/;

function layersAdded(event: FunctionEvent, change: LayerChange | null): string[] {
  if (!change?.after) return [];
  if (event.kind === 'CreateFunction') return change.after;
  return change.diff ? change.diff.added : [];
}

function describe(c: HookVariableChange): string {
  const to = `${c.variable}=${shown(c.to ?? '', 80)}`;
  return c.from === null ? to : `${to} (was ${shown(c.from, 60)})`;
}

/**
 * The known publishers whose layers are all the function has, when every hook set points into /opt:
 * then the file each hook runs can only be a publisher's own (nothing else is extracted there), and
 * the hook is lowered like those layers (ADOT's layer with AWS_LAMBDA_EXEC_WRAPPER=/opt/otel-handler).
 */
function publishersOnly(
  set: readonly HookVariableChange[],
  layers: readonly string[],
  publishers: readonly KnownPublisher[],
): string[] | null {
  if (layers.length === 0 || !set.every((c) => INTO_LAYER.test(c.to ?? ''))) return null;
  const names = layers.map((arn) => {
    const account = /^arn:[\w-]+:lambda:[\w-]+:(\d{12}):layer:/.exec(arn)?.[1];
    return publishers.find((p) => p.account === account)?.name ?? null;
  });
  return names.every((n) => n !== null) ? [...new Set(names as string[])] : null;
}

function signalsOf(
  set: readonly HookVariableChange[],
  added: readonly string[],
  beforeKnown: boolean,
  sweep: boolean,
  publishers: string[] | null,
): Signal[] {
  const signals: Signal[] = set.map((c) => ({
    id: 'hook-variable',
    points: 0,
    reason: `${c.variable}: ${c.reason}`,
  }));
  const lowered = publishers
    ? ` (lowered: every layer of the function, the only source of /opt, is a known publisher's: ${publishers.join(', ')})`
    : '';
  if (set.some((c) => c.severity === 'high' || c.severity === 'critical'))
    signals.push({
      id: 'hook-loads-code',
      points: publishers ? 10 : 20,
      reason: `the runtime will load a wrapper, agent, preload or module before the handler${lowered}`,
    });
  if (set.some((c) => INTO_LAYER.test(c.to ?? '')))
    signals.push({
      id: 'hook-points-into-layer',
      points: publishers ? 0 : 10,
      reason: `the hook runs code from /opt, where the layers are extracted${lowered}`,
    });
  if (added.length > 0)
    signals.push({
      id: 'hook-with-layer-added',
      points: publishers ? 0 : 10,
      reason: publishers
        ? `the same change attached ${added.map(shortLayer).join(', ')}, a known publisher's layer with its own start-up hook: the documented set-up`
        : `the same change attached ${added.map(shortLayer).join(', ')}: a layer and a hook into it is the classic persistence`,
    });
  if (!beforeKnown)
    signals.push({
      id: 'hooks-baseline-unknown',
      points: -5,
      reason: 'no earlier hook variables were known for this function: the variable may have been set before',
    });
  if (sweep)
    signals.push({
      id: 'hook-drift',
      points: 0,
      reason: 'found by the drift sweep: no CloudTrail event seen so far set it',
    });
  return signals;
}

export const execHookSet: Detection = {
  id: 'lambda-exec-hook-set',
  title: 'Lambda start-up hook variable set',
  fires:
    'UpdateFunctionConfiguration or CreateFunction after which a start-up hook variable (AWS_LAMBDA_EXEC_WRAPPER, NODE_OPTIONS --require, JAVA_TOOL_OPTIONS -javaagent, LD_PRELOAD, ...) holds a new value that loads code; or the drift sweep finding one set outside any seen event.',
  baseScore: 40,
  baseReason:
    'a start-up hook variable makes the runtime run extra code in the function, with its role (base 40)',
  falsePositives: [
    'Observability tools that set a wrapper or agent on purpose (Datadog, ADOT, Lambda Insights): deploy roles lower the score; suppress by function or principal.',
    'The first change of a function that already had the hook before layerwatch knew its hook variables (the finding says so).',
  ],
  references: [
    'https://docs.aws.amazon.com/lambda/latest/dg/runtimes-modify.html',
    'https://attack.mitre.org/techniques/T1648/',
  ],
  mitre: [T1648],
  scoring: { actor: true, provenance: true },
  evaluate({ event, change, hooks, settings }) {
    if ((event.kind !== 'UpdateFunctionConfiguration' && event.kind !== 'CreateFunction') || !hooks)
      return NOT_APPLICABLE;
    const sweep = event.meta.name === SWEEP_EVENT_NAME;
    // The sweep seeds unknown hook variables silently, as it seeds unknown layer lists.
    if (sweep && hooks.before === null) return NO_MATCH;
    const set = hooks.changed.filter((c) => c.to !== null && c.reason !== null);
    const first = set[0];
    if (first === undefined) return NO_MATCH;
    const added = layersAdded(event, change);
    const more = set.length > 1 ? ` (+${set.length - 1} more)` : '';
    const withLayer = added.length > 0 ? ` with layer ${shortLayer(added[0] as string)} added` : '';
    const where = sweep ? ' outside any seen event' : '';
    return {
      status: 'match',
      evidence: {
        title: `${describe(first)}${more} set on ${event.fn.name}${withLayer}${where}`,
        layerArn: added[0] ?? null,
        subjects: added,
        signals: signalsOf(
          set,
          added,
          hooks.before !== null,
          sweep,
          publishersOnly(set, change?.current ?? change?.after ?? [], settings.knownPublishers),
        ),
      },
    };
  },
};
