import { type ArchiveEntry, type InspectionSignal, isDirectory, normalPath, shown } from './model.js';

/** One attached layer: a name for reports (its version ARN) and its entries. */
export interface AttachedLayer {
  name: string;
  entries: readonly ArchiveEntry[];
}

/** Paths whose winner decides what runs: an extension, the custom runtime, a Python start-up module. */
const DECISIVE =
  /^(extensions\/[^/]+|bootstrap|python\/(lib\/python\d+\.\d+\/site-packages\/)?(sitecustomize|usercustomize)[^/]*)$/;

/** True when the file at this normalized path decides what runs in /opt (see DECISIVE). */
export function isDecisivePath(path: string): boolean {
  return DECISIVE.test(path);
}

const EXAMPLES = 3;

/**
 * Lambda extracts layers into /opt in the order of the function's list: a later layer's file
 * replaces an earlier one's. Reports, for each pair, which layer shadows which: one signal per
 * pair, and one per shadowed file that decides what runs.
 */
export function layerOverlap(layers: readonly AttachedLayer[]): InspectionSignal[] {
  const owner = new Map<string, number>();
  const pairs = new Map<string, { winner: number; loser: number; paths: string[] }>();
  const signals: InspectionSignal[] = [];
  layers.forEach((layer, index) => {
    for (const entry of layer.entries) {
      if (isDirectory(entry)) continue;
      const path = normalPath(entry.path);
      const before = owner.get(path);
      owner.set(path, index);
      if (before === undefined || before === index) continue;
      const key = `${index}<${before}`;
      const pair = pairs.get(key) ?? { winner: index, loser: before, paths: [] };
      pair.paths.push(path);
      pairs.set(key, pair);
      if (isDecisivePath(path))
        signals.push({
          id: 'layer-overlap',
          severity: 'medium',
          path,
          layer: layer.name,
          reason: `${shown(layer.name)} replaces /opt/${shown(path)} of ${shown(layers[before]?.name ?? '')}: the later layer decides what runs there`,
        });
    }
  });
  for (const { winner, loser, paths } of pairs.values()) {
    const name = layers[winner]?.name ?? '';
    const examples = paths.slice(0, EXAMPLES).map((p) => shown(p, 80));
    const more = paths.length > EXAMPLES ? ` and ${paths.length - EXAMPLES} more` : '';
    signals.push({
      id: 'layer-overlap',
      severity: 'low',
      path: paths[0] as string,
      layer: name,
      reason: `${shown(name)} (position ${winner + 1}) shadows ${paths.length} path(s) of ${shown(layers[loser]?.name ?? '')} (position ${loser + 1}): ${examples.join(', ')}${more}`,
    });
  }
  return signals;
}
