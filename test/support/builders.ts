/**
 * Builders for the handler and the sweep over in-memory ports: the setup the app, property and
 * step tests share. Each returns the fakes it wired, so that a test can change or inspect them.
 */
import type { FindingSink, FunctionLister } from '../../lambda/adapters/ports.js';
import { createHandler } from '../../lambda/app.js';
import type { LiveConfiguration } from '../../lambda/domain/engine.js';
import type { HeartbeatSource } from '../../lambda/domain/heartbeat.js';
import type { FunctionRef } from '../../lambda/domain/model.js';
import type { Observation } from '../../lambda/domain/observation.js';
import type { LayerLookup } from '../../lambda/domain/provenance.js';
import { DEFAULT_SETTINGS, type DetectionSettings } from '../../lambda/domain/settings.js';
import type { SweptAlias } from '../../lambda/domain/sweep-qualifiers.js';
import { AlertTopicSink } from '../../lambda/pipeline/alert-topic-sink.js';
import {
  FakeLayers,
  FakePublisher,
  FakeReader,
  MemoryBaselines,
  MemoryCorrelations,
  MemoryIdempotency,
  observability,
} from './fakes.js';
import { functionArn } from './records.js';

export interface HandlerOptions {
  settings?: DetectionSettings;
  /** What the function reader answers (default: the event's function, readable, no layers). */
  live?: (fn: FunctionRef) => LiveConfiguration;
  /** What the layer reader answers (default: access denied). */
  layers?: (arn: string) => LayerLookup;
  /** Sinks after the alert topic. */
  moreSinks?: FindingSink[];
  /** Who sends heartbeats (default: none). */
  heartbeat?: HeartbeatSource;
}

/** The handler over in-memory ports, the alert topic (a fake publisher) as its first sink. */
export function handlerWith(o: HandlerOptions = {}) {
  const reader = new FakeReader(o.live);
  const layers = new FakeLayers(o.layers);
  const baselines = new MemoryBaselines();
  const correlations = new MemoryCorrelations();
  const idempotency = new MemoryIdempotency();
  const publisher = new FakePublisher();
  const obs = observability();
  const handler = createHandler({
    heartbeat: o.heartbeat ?? null,
    reader,
    layers,
    baselines,
    correlations,
    idempotency,
    sinks: [new AlertTopicSink(publisher), ...(o.moreSinks ?? [])],
    settings: o.settings ?? DEFAULT_SETTINGS,
    logger: obs.logger,
    metrics: obs.metrics,
  });
  return { handler, reader, layers, baselines, correlations, idempotency, publisher, counted: obs.counted };
}

/** The finding of an alert the fake publisher received (the `sqs` body of the SNS message). */
// biome-ignore lint/suspicious/noExplicitAny: a finding read back from JSON, inspected field by field
export function findingOf(alert: { message: string } | undefined): any {
  return JSON.parse(JSON.parse(alert?.message ?? '{}').sqs ?? '{}');
}

export const observation = (name: string, layers: string[], at: string): Observation => ({
  fn: { arn: functionArn(name), name, account: '111122223333', region: 'us-east-1', partition: 'aws' },
  layers,
  runtime: 'python3.12',
  role: null,
  observedAt: at,
});

/**
 * Lists `functions`; an account in `failing` cannot be listed (AccessDenied). Aliases and versions
 * by function name (`versions`: qualifier -> its number and layers; a missing one is not found).
 */
export class FakeLister implements FunctionLister {
  aliases: Record<string, SweptAlias[] | Error> = {};
  versions: Record<string, Record<string, { version: string | null; layers: string[] }>> = {};
  readonly reads: string[] = [];
  constructor(
    public functions: Observation[],
    public failing = new Set<string>(),
  ) {}
  async *listFunctions(account: string, region: string): AsyncIterable<Observation> {
    if (this.failing.has(account)) throw Object.assign(new Error('not authorized'), { name: 'AccessDenied' });
    yield* this.functions.filter((f) => f.fn.account === account && f.fn.region === region);
  }
  async listAliases(fn: FunctionRef, max: number): Promise<{ aliases: SweptAlias[]; more: boolean }> {
    const all = this.aliases[fn.name] ?? [];
    if (all instanceof Error) throw all;
    return { aliases: all.slice(0, max), more: all.length > max };
  }
  async readVersion(fn: FunctionRef, qualifier: string) {
    this.reads.push(`${fn.name}:${qualifier}`);
    const found = this.versions[fn.name]?.[qualifier];
    if (!found) throw Object.assign(new Error(`no ${qualifier}`), { name: 'ResourceNotFoundException' });
    return found;
  }
}
