import { aliasRoutedToLayer } from './alias-routed-to-layer.js';
import type { Detection } from './detection.js';
import { detectorTampered } from './detector-tampered.js';
import { execHookSet } from './exec-hook-set.js';
import { functionCreatedWithLayers } from './function-created-with-layers.js';
import { layerAdded } from './layer-added.js';
import { layerAttachDenied } from './layer-attach-denied.js';
import { layerDrift } from './layer-drift.js';
import { layerRemoved } from './layer-removed.js';
import { layerReordered } from './layer-reordered.js';
import { layerShared } from './layer-shared.js';
import { layerStillRuns } from './layer-still-runs.js';
import { layerVersionChanged } from './layer-version-changed.js';
import { layerVersionPublished } from './layer-version-published.js';
import { versionFrozeLayer } from './version-froze-layer.js';

/** In priority order: the first match is the event's one finding. */
export const DETECTIONS: readonly Detection[] = [
  // First: a change to layerwatch's own function is tampering before it is a layer change; its
  // finding names the layers and hook variables the same call changed.
  detectorTampered,
  // A refused attach is its own event kind: no other detection applies to it.
  layerAttachDenied,
  // A hook set in the same change as a layer is the stronger claim; its finding names both.
  execHookSet,
  functionCreatedWithLayers,
  layerAdded,
  layerVersionChanged,
  // Before the plain removal: a layer removed from $LATEST that an alias still runs is no clean-up.
  layerStillRuns,
  layerRemoved,
  layerReordered,
  layerDrift,
  layerVersionPublished,
  layerShared,
  // Versions and aliases: what callers of a qualifier run.
  versionFrozeLayer,
  aliasRoutedToLayer,
];
