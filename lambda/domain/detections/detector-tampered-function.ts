/**
 * UpdateFunctionConfiguration of one of layerwatch's own functions. The call is also the layer event
 * (cloudtrail.ts reads it as a FunctionEvent, with its layer change and hook variables): on an own
 * function it is first of all tampering, so detector-tampered judges it, and its one finding names
 * the layers and start-up hook variables the same call changed (the layer story is kept, not lost).
 */
import type { FunctionEvent, TamperTarget } from '../model.js';
import type { Signal } from '../scoring.js';
import { globMatch, type OwnResources } from '../settings.js';
import {
  type HookChange,
  type LayerChange,
  NO_MATCH,
  NOT_APPLICABLE,
  shortLayer,
  type Verdict,
} from './detection.js';
import { CANARY, type Judgement } from './detector-tampered-harm.js';

/** Members that change nothing layerwatch does: the heartbeat writes the canary's description. */
const QUIET_MEMBERS = new Set(['description', 'revisionId']);
/**
 * Members that can make a function drop or misjudge every event: its settings and own-resource list
 * live in the environment; its role, handler, runtime, layers, key and network decide what runs and
 * what it may reach; a timeout of a second fails every invocation.
 */
const BLINDING_MEMBERS = [
  'environment',
  'role',
  'handler',
  'runtime',
  'layers',
  'timeout',
  'kmsKeyArn',
  'vpcConfig',
  'imageConfig',
  'fileSystemConfigs',
];

export function evaluateOwnFunction(
  event: FunctionEvent,
  change: LayerChange | null,
  hooks: HookChange | null,
  resources: OwnResources,
  signalsOf: (judgement: Judgement, invokedBy: string | null) => Signal[],
): Verdict {
  // A sweep's observation is no request: the layer detections tell its story.
  if (event.kind !== 'UpdateFunctionConfiguration' || !event.configured) return NOT_APPLICABLE;
  const { fn } = event;
  const ownFunction = resources.functions.some((p) =>
    p.startsWith('arn:') ? globMatch(p, fn.arn) : globMatch(p, fn.name),
  );
  if (!ownFunction) return NOT_APPLICABLE;
  const members = event.configured.members.filter((m) => !QUIET_MEMBERS.has(m));
  if (members.length === 0) return NO_MATCH;
  const set = describeMembers(members, event);
  const blinding = members.filter((m) => BLINDING_MEMBERS.includes(m));
  const judgement: Judgement =
    fn.name === CANARY
      ? {
          effect: `the heartbeat canary's configuration was changed (${set}): it never runs, so this blinds nothing by itself, but only a deployment changes it`,
          blinds: false,
        }
      : blinding.length > 0
        ? {
            effect: `the configuration of a layerwatch function was changed (${set}): ${blinding.includes('environment') ? 'its environment holds the settings, so one value can suppress every finding' : 'it decides what runs and what the function may reach'}`,
            blinds: true,
          }
        : { effect: `the configuration of a layerwatch function was changed (${set})`, blinds: false };
  const layers = layerSubjects(change);
  const context = sameCallSignals(change, hooks);
  const target: TamperTarget = { service: 'lambda', type: 'function', arn: fn.arn, name: fn.name };
  return {
    status: 'match',
    evidence: {
      title: `layerwatch tampered with: UpdateFunctionConfiguration on function ${fn.name}`,
      layerArn: layers[0] ?? null,
      subjects: layers,
      signals: [...signalsOf(judgement, event.actor.invokedBy), ...context],
      target,
    },
  };
}

/** `environment (variables A, B), role arn:..., timeout`: members, never a value but the role's. */
function describeMembers(members: readonly string[], event: FunctionEvent): string {
  const keys = event.configured?.environmentKeys;
  return members
    .map((m) => {
      if (m === 'environment')
        return keys
          ? `environment (variables ${keys.join(', ') || 'none'})`
          : 'environment (variables not logged)';
      if (m === 'role' && event.details.role) return `role ${event.details.role}`;
      return m;
    })
    .join(', ');
}

/** The layer versions the same call attached (added, or a new version of one). */
function layerSubjects(change: LayerChange | null): string[] {
  if (!change?.diff) return change?.requested && change.after ? [...change.after] : [];
  return [...change.diff.added, ...change.diff.versionChanged.map((v) => v.to)];
}

/** What else the same call did: layers and start-up hook variables, named (never a hook's value). */
function sameCallSignals(change: LayerChange | null, hooks: HookChange | null): Signal[] {
  const signals: Signal[] = [];
  const diff = change?.diff;
  if (diff) {
    const parts = [
      ...diff.added.map((a) => `added ${shortLayer(a)}`),
      ...diff.removed.map((r) => `removed ${shortLayer(r)}`),
      ...diff.versionChanged.map((v) => `${shortLayer(v.from)} -> ${shortLayer(v.to)}`),
    ];
    if (parts.length > 0 || diff.reordered)
      signals.push({
        id: 'tamper-layers',
        points: 0,
        reason: `the same call changed the function's layers: ${parts.join(', ') || 'reordered'}`,
      });
  } else if (change?.requested)
    signals.push({
      id: 'tamper-layers',
      points: 0,
      reason: `the same call set the function's layers (${(change.after ?? []).map(shortLayer).join(', ') || 'none'}); the earlier list is not known`,
    });
  const variables = (hooks?.changed ?? []).map((c) => c.variable);
  if (variables.length > 0)
    signals.push({
      id: 'tamper-hooks',
      points: 0,
      reason: `the same call changed start-up hook variables: ${variables.join(', ')}`,
    });
  return signals;
}
