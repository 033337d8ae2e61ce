/** Layer list diffs, keyed by the unversioned layer ARN. */
import { layerKey } from './arn.js';

export interface VersionChange {
  layerArn: string;
  from: string;
  to: string;
}

export interface LayerDiff {
  /** Layers in `after` whose unversioned ARN is not in `before`. */
  added: string[];
  /** Layers in `before` whose unversioned ARN is not in `after`. */
  removed: string[];
  /** Same layer, other version. */
  versionChanged: VersionChange[];
  /** Same entries, other order (layers later in the list override files of earlier ones). */
  reordered: boolean;
}

export function diffLayers(before: readonly string[], after: readonly string[]): LayerDiff {
  // Each ARN is parsed once: the diff runs on every event, several times on some. Plain loops: no
  // entry pairs, filtered copies or closures per call.
  const beforeKeys = keysOf(before);
  const afterKeys = keysOf(after);
  // Key -> the last entry of that key (a later duplicate wins), in the order keys first appear.
  const beforeByKey = byKey(before, beforeKeys);
  const afterByKey = byKey(after, afterKeys);
  const added: string[] = [];
  for (let i = 0; i < after.length; i++)
    if (!beforeByKey.has(afterKeys[i] as string)) added.push(after[i] as string);
  const removed: string[] = [];
  for (let i = 0; i < before.length; i++)
    if (!afterByKey.has(beforeKeys[i] as string)) removed.push(before[i] as string);
  const versionChanged: VersionChange[] = [];
  for (const [key, to] of afterByKey) {
    const from = beforeByKey.get(key);
    if (from !== undefined && from !== to) versionChanged.push({ layerArn: key, from, to });
  }
  return {
    added,
    removed,
    versionChanged,
    reordered: reorderedOf(beforeKeys, afterKeys, beforeByKey, afterByKey),
  };
}

function keysOf(arns: readonly string[]): string[] {
  const keys: string[] = [];
  for (const arn of arns) keys.push(layerKey(arn));
  return keys;
}

function byKey(arns: readonly string[], keys: readonly string[]): Map<string, string> {
  const map = new Map<string, string>();
  for (let i = 0; i < arns.length; i++) map.set(keys[i] as string, arns[i] as string);
  return map;
}

/**
 * Whether the entries both lists hold come in another order: the i-th key of `before` that `after`
 * holds against the i-th key of `after` that `before` holds (a list that runs out first differs).
 */
function reorderedOf(
  beforeKeys: readonly string[],
  afterKeys: readonly string[],
  beforeByKey: ReadonlyMap<string, string>,
  afterByKey: ReadonlyMap<string, string>,
): boolean {
  let j = 0;
  for (const key of beforeKeys) {
    if (!afterByKey.has(key)) continue;
    while (j < afterKeys.length && !beforeByKey.has(afterKeys[j] as string)) j++;
    if (j >= afterKeys.length || afterKeys[j] !== key) return true;
    j++;
  }
  return false;
}

export function hasChanges(diff: LayerDiff): boolean {
  return diff.added.length > 0 || diff.removed.length > 0 || diff.versionChanged.length > 0;
}

export function sameLayers(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((arn, i) => arn === b[i]);
}
