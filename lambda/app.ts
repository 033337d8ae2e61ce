/**
 * The Lambda host: EventBridge delivers one CloudTrail event per invocation, and the handler runs it
 * through named steps (lambda/pipeline/), each a small function tested alone:
 *
 *   heartbeat? -> parse -> deduplicate( enrich -> inspect -> analyze -> deliver -> record )
 *
 * - heartbeat: the hourly canary change is counted and timed by region, and goes no further;
 * - parse: malformed or ignored input is logged and counted; the invocation succeeds (retrying bad
 *   input would loop);
 * - deduplicate: one handling per CloudTrail event (Powertools idempotency); a duplicate answers the
 *   stored result, an event another invocation holds fails so that Lambda retries it later;
 * - enrich: the baseline, the live configuration, layer lookups and recent publications; what
 *   cannot be read is named in the finding's `gaps`, never blocks the alert;
 * - inspect: the zips of those layer versions, read by ranges within a budget and a deadline (and
 *   cached by version and digest), so that the finding says what they will run; never blocks;
 * - analyze: the pure detection engine;
 * - posture: for a finding about a function, its code signing and whether a `lambda:Layer`
 *   guardrail from the current inventory would have refused the call; never blocks (3 s at most);
 * - deliver: the finding to every sink (the alert topic first), each isolated and idempotent per
 *   sink, or logged and counted when the settings suppress it;
 * - record: the baseline and correlation state, after delivery.
 * A failure on the alert path (a sink, the baseline store) throws: Lambda retries the asynchronous
 * invocation, and finally sends it to the on-failure destination, where an alarm fires.
 *
 * A new capability is a new step on this line (e.g. recognizing a heartbeat after parse, inspecting
 * layer contents after enrich) or a new sink in the list, not a branch inside an existing step.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type {
  BaselineStore,
  CapacityProviderReader,
  CodeSigningReader,
  CorrelationStore,
  FindingSink,
  FunctionReader,
  IdempotencyStore,
  InspectionCache,
  LayerArchiveInspector,
  LayerReader,
  LayersInUse,
  OrganizationAccounts,
} from './adapters/ports.js';
import type { HeartbeatSource } from './domain/heartbeat.js';
import type { DetectionSettings } from './domain/settings.js';
import { analyzeEvent } from './pipeline/analyze.js';
import { deduplicate, eventKey } from './pipeline/deduplicate.js';
import { deliver, perSink } from './pipeline/deliver.js';
import { enrich } from './pipeline/enrich.js';
import { recognizeHeartbeat } from './pipeline/heartbeat.js';
import { type InspectOptions, inspect } from './pipeline/inspect.js';
import type { HandlerResult } from './pipeline/outcome.js';
import { parse } from './pipeline/parse.js';
import { posture } from './pipeline/posture.js';
import { record } from './pipeline/record.js';
import { invocationTelemetry } from './pipeline/telemetry.js';

export type { HandledResult, HandlerResult } from './pipeline/outcome.js';

export interface HandlerDeps {
  /** Who sends heartbeats (null: none configured); see pipeline/heartbeat.ts. */
  heartbeat?: HeartbeatSource | null;
  now?: () => number;
  reader: FunctionReader;
  layers: LayerReader;
  baselines: BaselineStore;
  correlations: CorrelationStore;
  /** The organization's live account list (organization mode), for layer provenance. */
  organization?: OrganizationAccounts;
  /** Lambda Managed Instances: the function versions on a capacity provider (absent: not listed). */
  capacityProviders?: CapacityProviderReader;
  /** The posture step's reads; absent, the finding says code signing was not read. */
  codeSigning?: CodeSigningReader;
  /** The state table's baselines, for the posture's guardrail line (a known publisher in use). */
  layersInUse?: LayersInUse;
  /** The posture step's deadline (default 3 s). */
  postureDeadlineMs?: number;
  idempotency: IdempotencyStore;
  /** Reads layer zips (pipeline/inspect.ts); absent, layers are not inspected (`inspection: null`). */
  archives?: LayerArchiveInspector;
  /** Complete inspection reports by layer version and digest. */
  inspectionCache?: InspectionCache;
  /** The inspect step's deadline and parallelism (defaults: 10 s, 3 archives at once). */
  inspectOptions?: Partial<InspectOptions>;
  /** Where findings go; the first is the alert topic. */
  sinks: readonly FindingSink[];
  settings: DetectionSettings;
  logger: Logger;
  metrics: Metrics;
}

export function createHandler(deps: HandlerDeps): (event: unknown) => Promise<HandlerResult> {
  const { idempotency, sinks, settings, logger } = deps;
  const t = invocationTelemetry(logger, deps.metrics);
  return async (input: unknown) => {
    try {
      const beat = recognizeHeartbeat(input, deps.heartbeat ?? null, (deps.now ?? Date.now)(), t);
      if (beat) return beat;
      const parsed = parse(input, t);
      if (parsed.status === 'done') return parsed.result;
      const { event } = parsed;
      logger.appendKeys({ eventId: event.meta.id });
      return await deduplicate(idempotency, event.meta, t, async () => {
        const enrichment = await inspect(event, await enrich(event, deps, t), deps, t);
        const analysis = await posture(
          event,
          analyzeEvent(event, enrichment, settings, t),
          settings,
          deps,
          t,
          deps.postureDeadlineMs,
        );
        const result = await deliver(event, analysis, sinks, perSink(idempotency, eventKey(event.meta)), t);
        await record(event, analysis, deps);
        return result;
      });
    } finally {
      t.flush();
      logger.removeKeys(['eventId']);
    }
  };
}
