/** Step 4, analyze: the pure detection engine over the event and its enrichment. */
import type { Detection } from '../domain/detections/detection.js';
import { type Analysis, type AnalysisContext, analyze } from '../domain/engine.js';
import type { LambdaEvent } from '../domain/model.js';
import type { DetectionSettings } from '../domain/settings.js';
import type { Enrichment } from './enrich.js';
import type { Telemetry } from './telemetry.js';

/** A detection that throws is isolated by the engine; here it is logged and counted. */
export function analyzeEvent(
  event: LambdaEvent,
  enrichment: Enrichment,
  settings: DetectionSettings,
  t: Telemetry,
  detections?: readonly Detection[],
): Analysis {
  // Provenance knows the organization from settings and, in organization mode, from the live list.
  const known = [...new Set([...settings.organizationAccounts, ...enrichment.organizationAccounts])];
  // Every part named, absent ones undefined: the engine sees one shape of context on every event
  // (a copy of the enrichment has one per set of parts present, and its readers deoptimize).
  const context: AnalysisContext = {
    baseline: enrichment.baseline,
    live: enrichment.live,
    layers: enrichment.layers,
    publishes: enrichment.publishes,
    layerPaths: enrichment.layerPaths,
    versions: enrichment.versions,
    capacityProvider: enrichment.capacityProvider,
    inspections: enrichment.inspections,
    settings: { ...settings, organizationAccounts: known },
  };
  const analysis = analyze(event, context, detections);
  for (const v of analysis.verdicts) {
    if (v.status !== 'error') continue;
    t.logger.error('Detection failed', { detectionId: v.detectionId, error: v.error });
    t.count('DetectionErrors');
  }
  return analysis;
}
