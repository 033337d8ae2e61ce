/**
 * A change that only reorders a function's layers. Lambda extracts layers into /opt in list order,
 * a later layer's file replacing an earlier one's: the same layers in another order can change
 * which code runs. Ranked by what the layers' file lists show (inspection/layer-overlap.ts).
 */

import { isDecisivePath } from '../inspection/layer-overlap.js';
import { shown } from '../inspection/model.js';
import { hasChanges } from '../layers.js';
import type { Signal } from '../scoring.js';
import { type Detection, NO_MATCH, NOT_APPLICABLE, shortLayer, T1648 } from './detection.js';

/** A path two or more layers hold, and the layer whose copy wins in /opt before and after. */
interface WinnerChange {
  path: string;
  from: string;
  to: string;
  decisive: boolean;
}

/** Per path held by several layers, the last layer in `order` holding it. */
function winners(
  order: readonly string[],
  paths: Readonly<Record<string, readonly string[]>>,
): Map<string, string> {
  const owner = new Map<string, string>();
  const count = new Map<string, number>();
  for (const arn of order)
    for (const p of new Set(paths[arn] ?? [])) {
      owner.set(p, arn);
      count.set(p, (count.get(p) ?? 0) + 1);
    }
  for (const [p, n] of count) if (n < 2) owner.delete(p);
  return owner;
}

/** Paths whose winner differs between the two orders; decisive ones as layer-overlap ranks them. */
export function winnerChanges(
  before: readonly string[],
  after: readonly string[],
  paths: Readonly<Record<string, readonly string[]>>,
): WinnerChange[] {
  const was = winners(before, paths);
  const now = winners(after, paths);
  const moved: { path: string; from: string; to: string }[] = [];
  for (const [path, to] of now) {
    const from = was.get(path);
    if (from !== undefined && from !== to) moved.push({ path, from, to });
  }
  // A moved extension, bootstrap or start-up module decides what runs (layer-overlap's rule).
  const changes: WinnerChange[] = moved.map((m) => ({ ...m, decisive: isDecisivePath(m.path) }));
  return changes.sort((a, b) => Number(b.decisive) - Number(a.decisive) || (a.path < b.path ? -1 : 1));
}

function rank(changes: readonly WinnerChange[], unknown: readonly string[]): Signal[] {
  const signals: Signal[] = [];
  const decisive = changes.filter((c) => c.decisive);
  if (decisive.length > 0) {
    const c = decisive[0] as WinnerChange;
    signals.push({
      id: 'reorder-decisive-path',
      points: 40,
      minScore: 60,
      reason: `/opt/${shown(c.path, 100)} now comes from ${shortLayer(c.to)} instead of ${shortLayer(c.from)}${decisive.length > 1 ? ` (+${decisive.length - 1} more such path)` : ''}: it decides what runs`,
    });
  } else if (changes.length > 0) {
    signals.push({
      id: 'reorder-shadowing-changed',
      points: 15,
      reason: `${changes.length} file(s) in /opt now come from another layer, e.g. /opt/${shown((changes[0] as WinnerChange).path, 100)}`,
    });
  }
  if (unknown.length > 0)
    signals.push({
      id: 'reorder-paths-unknown',
      points: 20,
      // Medium at most: what the order changes is not known, and a guess must not rank high.
      ...(changes.some((c) => c.decisive) ? {} : { maxScore: 49 }),
      reason: "the layers' file lists were not read: which files change winner is unknown",
    });
  else if (changes.length === 0)
    signals.push({
      id: 'reorder-no-overlap',
      points: 0,
      maxScore: 20,
      reason: 'the layers share no file: the new order changes nothing in /opt',
    });
  return signals;
}

export const layerReordered: Detection = {
  id: 'lambda-layer-reordered',
  title: 'Lambda layers reordered',
  fires:
    'UpdateFunctionConfiguration (or a drift sweep) after which the function has the same layer versions in another order, nothing added, removed or changed.',
  baseScore: 20,
  baseReason:
    'the same layers in another order: a later layer replaces the files of an earlier one in /opt (base 20)',
  falsePositives: [
    'A deployment tool that rewrites the layer list in another order (the finding ranks low when the layers share no file).',
  ],
  references: [
    'https://docs.aws.amazon.com/lambda/latest/dg/adding-layers.html',
    'https://attack.mitre.org/techniques/T1648/',
  ],
  mitre: [T1648],
  scoring: { actor: true, provenance: true },
  evaluate({ event, change, layerPaths }) {
    if (event.kind !== 'UpdateFunctionConfiguration' || !change?.diff || !change.before || !change.after)
      return NOT_APPLICABLE;
    if (!change.diff.reordered || hasChanges(change.diff)) return NO_MATCH;
    const paths = layerPaths ?? {};
    const unknown = change.after.filter((arn) => !Object.hasOwn(paths, arn));
    const changes = winnerChanges(change.before, change.after, paths);
    const subjects = [...new Set(changes.map((c) => c.to))];
    return {
      status: 'match',
      evidence: {
        title: `Layers of ${event.fn.name} reordered${changes[0] ? `: ${shortLayer(changes[0].to)} now wins /opt/${shown(changes[0].path, 80)}` : ''}`,
        layerArn: subjects[0] ?? null,
        subjects,
        signals: [
          ...rank(changes, unknown),
          ...(change.requested
            ? []
            : [{ id: 'reorder-unexplained', points: 0, reason: 'no event seen so far set this order' }]),
        ],
        gaps:
          unknown.length > 0
            ? [
                `layer file lists not read (${unknown.map(shortLayer).join(', ')}): the overlap of the reordered layers is unknown`,
              ]
            : [],
      },
    };
  },
};
