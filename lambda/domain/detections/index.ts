import type { Detection } from './detection.js';
import { detectorTampered } from './detector-tampered.js';
import { execHookSet } from './exec-hook-set.js';
import { functionCreatedWithLayers } from './function-created-with-layers.js';
import { layerAdded } from './layer-added.js';
import { layerDrift } from './layer-drift.js';
import { layerRemoved } from './layer-removed.js';
import { layerReordered } from './layer-reordered.js';
import { layerShared } from './layer-shared.js';
import { layerVersionChanged } from './layer-version-changed.js';
import { layerVersionPublished } from './layer-version-published.js';

/** In priority order: the first match is the event's one finding. */
export const DETECTIONS: readonly Detection[] = [
  // First: a change to layerwatch's own function is tampering before it is a layer change; its
  // finding names the layers and hook variables the same call changed.
  detectorTampered,
  // A hook set in the same change as a layer is the stronger claim; its finding names both.
  execHookSet,
  functionCreatedWithLayers,
  layerAdded,
  layerVersionChanged,
  layerRemoved,
  layerReordered,
  layerDrift,
  layerVersionPublished,
  layerShared,
];
