/**
 * Step 3b, inspect: reads the zips of the layer versions the event adds or moves to (those enrich
 * looked up) and, for a version change, of the version it moves from, so that the finding says
 * what they will run (lambda/domain/inspection). HTTP Range reads of GetLayerVersion's presigned
 * location, never to disk; a complete report is cached by version and digest. Inspection never
 * blocks or fails an alert: a per-archive budget (bytes, time) and a deadline for the whole step
 * end it with a named gap, and the cache's failures are logged and counted.
 * When an event only reorders the function's layers, the step lists the files of each (the
 * directory only) into `layerPaths`, so that a detection can tell which layer now wins a path.
 * The presigned URL is a bearer credential: it is never logged.
 */
import type { InspectionCache, LayerArchiveInspector, LayerReader } from '../adapters/ports.js';
import { reorderedLayersOf, versionChangesOf } from '../domain/engine.js';
import type { LayerInspection } from '../domain/layer-inspection.js';
import { isFunctionEvent, type LambdaEvent } from '../domain/model.js';
import type { LayerLookup } from '../domain/provenance.js';
import type { Enrichment } from './enrich.js';
import { forEachLimited } from './pool.js';
import type { Telemetry } from './telemetry.js';

export interface InspectOptions {
  /** The whole step ends by then (ms from its start); what is not done by then is a gap. */
  deadlineMs: number;
  /** Archives read at once. */
  concurrency: number;
}

/** Within the handler's 30 s: enrich and delivery keep most of it. */
export const DEFAULT_INSPECT_OPTIONS: InspectOptions = { deadlineMs: 10_000, concurrency: 3 };

export interface InspectPorts {
  readonly layers: LayerReader;
  /** Reads layer zips; absent, nothing is inspected and findings carry `inspection: null`. */
  readonly archives?: LayerArchiveInspector;
  /** Complete reports by version and digest; absent, every archive is read. */
  readonly inspectionCache?: InspectionCache;
  readonly inspectOptions?: Partial<InspectOptions>;
}

export async function inspect(
  event: LambdaEvent,
  enrichment: Enrichment,
  ports: InspectPorts,
  t: Telemetry,
): Promise<Enrichment> {
  const archives = ports.archives;
  if (!archives) return enrichment;
  const subjects = Object.keys(enrichment.layers);
  const previous = versionChangesOf(event, enrichment).map((v) => v.from);
  const targets = [...new Set([...subjects, ...previous])];
  const reordered = reorderedLayersOf(event, enrichment);
  if (targets.length === 0 && reordered.length === 0) return enrichment;
  const options = { ...DEFAULT_INSPECT_OPTIONS, ...ports.inspectOptions };
  const viaAccount = isFunctionEvent(event) ? event.fn.account : event.meta.account;
  const lookupOf = async (arn: string) =>
    enrichment.layers[arn] ?? (await ports.layers.readLayer(arn, viaAccount));
  const done = new Map<string, LayerInspection>();
  const paths = new Map<string, string[]>();
  const jobs = [
    ...targets.map((arn) => ({ arn, list: false })),
    ...reordered.map((arn) => ({ arn, list: true })),
  ];
  await withinDeadline(jobs, options, async ({ arn, list }, stop) => {
    try {
      if (list) {
        const found = await listOne(arn, await lookupOf(arn), archives, stop, t);
        if (found && !stop.aborted) paths.set(arn, found);
        return;
      }
      const inspection = await inspectOne(arn, await lookupOf(arn), { ...ports, archives }, stop, t);
      if (!stop.aborted) done.set(arn, inspection);
    } catch (error) {
      // The ports never throw by contract; should one, the alert still goes out.
      t.logger.error('Layer inspection failed', { layerVersionArn: arn, error: messageOf(error) });
      t.count('LayerInspectionGaps');
      if (!list && !stop.aborted)
        done.set(arn, notInspected(arn, null, `inspection failed: ${messageOf(error)}`));
    }
  });
  const inspections: Record<string, LayerInspection> = {};
  for (const arn of targets) {
    const found = done.get(arn);
    if (found) inspections[arn] = found;
    else {
      t.logger.warn('Layer inspection deadline reached', {
        layerVersionArn: arn,
        deadlineMs: options.deadlineMs,
      });
      t.count('LayerInspectionGaps');
      inspections[arn] = notInspected(
        arn,
        null,
        `the inspection deadline (${options.deadlineMs} ms) was reached`,
      );
    }
  }
  const layerPaths =
    reordered.length > 0 && reordered.every((arn) => paths.has(arn)) ? Object.fromEntries(paths) : undefined;
  return { ...enrichment, inspections, layerPaths };
}

/**
 * Runs `work` over `items`, `options.concurrency` at a time, until all are done or the deadline
 * passes; then aborts the signal each piece of work was given, so that reads in flight stop.
 */
async function withinDeadline<T>(
  items: readonly T[],
  options: InspectOptions,
  work: (item: T, stop: AbortSignal) => Promise<void>,
): Promise<void> {
  const stop = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, options.deadlineMs);
  });
  const all = forEachLimited(items, options.concurrency, async (item) => {
    if (!stop.signal.aborted) await work(item, stop.signal);
  });
  try {
    await Promise.race([all, deadline]);
  } finally {
    clearTimeout(timer);
    stop.abort();
  }
}

/** The file paths of one layer version (its directory only), or null when they could not be read. */
async function listOne(
  arn: string,
  lookup: LayerLookup,
  archives: LayerArchiveInspector,
  stop: AbortSignal,
  t: Telemetry,
): Promise<string[] | null> {
  const archive = lookup.status === 'ok' ? lookup.archive : undefined;
  const listing = archive ? await archives.listArchive(archive, stop) : null;
  if (listing?.status === 'read') return listing.paths;
  t.logger.warn('Layer files not listed', {
    layerVersionArn: arn,
    error: listing?.status === 'unread' ? listing.error : `lookup ${lookup.status}, no location`,
  });
  t.count('LayerInspectionGaps');
  return null;
}

type Ports = InspectPorts & { archives: LayerArchiveInspector };

/** One layer version: from the cache, else read; never throws. */
async function inspectOne(
  arn: string,
  lookup: LayerLookup,
  ports: Ports,
  stop: AbortSignal,
  t: Telemetry,
): Promise<LayerInspection> {
  if (lookup.status !== 'ok')
    return notInspected(arn, null, `the layer version was not looked up (${lookup.status})`);
  const archive = lookup.archive;
  if (!archive)
    return notInspected(arn, lookup.details.codeSha256, 'GetLayerVersion gave no content location');
  // Every version with a content location: the denominator of the cache's hit rate.
  t.count('LayerInspections');
  const cached = await cacheGet(ports.inspectionCache, arn, archive.codeSha256, t);
  if (cached) {
    t.count('InspectionCacheHits');
    return { ...cached, cached: true };
  }
  const result = await ports.archives.inspectArchive(archive, null, stop);
  const inspection: LayerInspection = {
    versionArn: arn,
    status: result.status,
    cached: false,
    codeSha256: archive.codeSha256,
    files: result.report.files,
    uncompressedBytes: result.report.uncompressedBytes,
    signals: result.report.signals,
    gaps: result.report.gaps,
  };
  const fields = {
    layerVersionArn: arn,
    status: result.status,
    signals: result.report.signals.map((s) => s.id),
    gaps: result.report.gaps.length,
    bytesRead: result.transfer.bytes,
    requests: result.transfer.requests,
    mode: result.transfer.mode,
  };
  if (result.status === 'inspected') t.logger.info('Layer inspected', fields);
  else {
    // The error says what failed (a budget, an HTTP status, a damaged archive); the reader keeps the
    // URL out of it.
    t.logger.warn('Layer not inspected completely', { ...fields, error: result.error });
    t.count('LayerInspectionGaps');
  }
  if (result.status === 'inspected' && !stop.aborted) await cachePut(ports.inspectionCache, inspection, t);
  return inspection;
}

export function notInspected(arn: string, codeSha256: string | null, reason: string): LayerInspection {
  return {
    versionArn: arn,
    status: 'skipped',
    cached: false,
    codeSha256,
    files: 0,
    uncompressedBytes: 0,
    signals: [],
    gaps: [{ reason }],
  };
}

async function cacheGet(
  cache: InspectionCache | undefined,
  arn: string,
  codeSha256: string,
  t: Telemetry,
): Promise<LayerInspection | null> {
  if (!cache) return null;
  try {
    return await cache.get(arn, codeSha256);
  } catch (error) {
    t.logger.warn('Inspection cache not read', { layerVersionArn: arn, error: messageOf(error) });
    t.count('InspectionCacheFailures');
    return null;
  }
}

async function cachePut(cache: InspectionCache | undefined, inspection: LayerInspection, t: Telemetry) {
  if (!cache) return;
  try {
    await cache.put(inspection);
  } catch (error) {
    t.logger.warn('Inspection cache not written', {
      layerVersionArn: inspection.versionArn,
      error: messageOf(error),
    });
    t.count('InspectionCacheFailures');
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
