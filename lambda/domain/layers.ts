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
  // Each ARN is parsed once: the diff runs on every event, several times on some.
  const beforeKeys = before.map(layerKey);
  const afterKeys = after.map(layerKey);
  const beforeByKey = new Map(before.map((arn, i) => [beforeKeys[i] as string, arn]));
  const afterByKey = new Map(after.map((arn, i) => [afterKeys[i] as string, arn]));
  const added = after.filter((_, i) => !beforeByKey.has(afterKeys[i] as string));
  const removed = before.filter((_, i) => !afterByKey.has(beforeKeys[i] as string));
  const versionChanged: VersionChange[] = [];
  for (const [key, to] of afterByKey) {
    const from = beforeByKey.get(key);
    if (from !== undefined && from !== to) versionChanged.push({ layerArn: key, from, to });
  }
  const a = beforeKeys.filter((key) => afterByKey.has(key));
  const b = afterKeys.filter((key) => beforeByKey.has(key));
  const reordered = a.some((key, i) => key !== b[i]);
  return { added, removed, versionChanged, reordered };
}

export function hasChanges(diff: LayerDiff): boolean {
  return diff.added.length > 0 || diff.removed.length > 0 || diff.versionChanged.length > 0;
}

export function sameLayers(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((arn, i) => arn === b[i]);
}
