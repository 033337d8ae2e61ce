import { IdempotencyAlreadyInProgressError } from '@aws-lambda-powertools/idempotency';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type {
  AlertPublisher,
  BaselineStore,
  CorrelationStore,
  FindingSink,
  FunctionReader,
  IdempotencyStore,
  LayerReader,
  Once,
  OnceKey,
  Stored,
} from '../../lambda/adapters/ports.js';
import {
  type Baseline,
  type LayerState,
  recordQualifier,
  recordState,
} from '../../lambda/domain/baseline.js';
import type { PublishRecord } from '../../lambda/domain/correlation.js';
import type { LiveConfiguration } from '../../lambda/domain/engine.js';
import type { Finding } from '../../lambda/domain/finding.js';
import type { FunctionRef } from '../../lambda/domain/model.js';
import type { LayerLookup } from '../../lambda/domain/provenance.js';
import type { QualifierUpdate } from '../../lambda/domain/qualifiers.js';
import type { AlertMessage } from '../../lambda/domain/render/alert.js';
import type { Telemetry } from '../../lambda/pipeline/telemetry.js';

export class FakeLayers implements LayerReader {
  readonly calls: string[] = [];
  constructor(
    public result: (arn: string) => LayerLookup = () => ({
      status: 'access-denied',
      message: 'AccessDeniedException: no',
    }),
  ) {}
  async readLayer(arn: string): Promise<LayerLookup> {
    this.calls.push(arn);
    return this.result(arn);
  }
}

export class MemoryCorrelations implements CorrelationStore {
  readonly items: PublishRecord[] = [];
  failReads = false;
  async recordPublish(p: PublishRecord) {
    this.items.push(p);
  }
  async publishesOf(arns: readonly string[]) {
    if (this.failReads) throw new Error('table throttled');
    return this.items.filter((p) => arns.includes(p.layerVersionArn));
  }
}

export class FakeReader implements FunctionReader {
  constructor(public result: (fn: FunctionRef) => LiveConfiguration = () => ({ status: 'not-read' })) {}
  readonly calls: FunctionRef[] = [];
  /** The published versions read (GetFunctionConfiguration with a Qualifier). */
  readonly qualified: string[] = [];
  /** The layers of each published version, by version: what a read with a Qualifier answers. */
  versions: Record<string, LiveConfiguration> = {};
  async readConfiguration(fn: FunctionRef, qualifier?: string): Promise<LiveConfiguration> {
    if (qualifier) {
      this.qualified.push(qualifier);
      return this.versions[qualifier] ?? { status: 'not-found', message: `no version ${qualifier}` };
    }
    this.calls.push(fn);
    return this.result(fn);
  }
}

export class MemoryBaselines implements BaselineStore {
  readonly items = new Map<string, Baseline>();
  failWrites = false;
  async get(functionArn: string) {
    return this.items.get(functionArn) ?? null;
  }
  async record(functionArn: string, state: LayerState) {
    if (this.failWrites) throw new Error('baseline store down');
    this.items.set(functionArn, recordState(this.items.get(functionArn) ?? null, functionArn, state));
  }
  async recordQualifier(functionArn: string, update: QualifierUpdate) {
    if (this.failWrites) throw new Error('baseline store down');
    this.items.set(functionArn, recordQualifier(this.items.get(functionArn) ?? null, functionArn, update));
  }
}

export class FakePublisher implements AlertPublisher {
  readonly published: AlertMessage[] = [];
  fail: Error | null = null;
  async publish(alert: AlertMessage) {
    if (this.fail) throw this.fail;
    this.published.push(alert);
    return `m-${this.published.length}`;
  }
}

/** Real Powertools objects, silenced, with the metrics they were given recorded. */
export function observability() {
  const logger = new Logger({ serviceName: 'layerwatch-test', logLevel: 'SILENT' });
  const metrics = new Metrics({ namespace: 'LayerWatchTest', serviceName: 'layerwatch-test' });
  const counted: string[] = [];
  jest.spyOn(metrics, 'addMetric').mockImplementation((name: string) => {
    counted.push(name);
    return metrics;
  });
  jest.spyOn(metrics, 'singleMetric').mockImplementation(() => {
    const single = new Metrics({ namespace: 'LayerWatchTest' });
    jest.spyOn(single, 'addMetric').mockImplementation((name: string) => {
      counted.push(name);
      return single;
    });
    jest.spyOn(single, 'addDimension').mockImplementation(() => single);
    return single;
  });
  jest.spyOn(metrics, 'publishStoredMetrics').mockImplementation(() => metrics);
  return { logger, metrics, counted };
}

/**
 * Powertools idempotency's contract, in memory: a completed key answers its stored result (a JSON
 * copy, as DynamoDB would), a key in progress throws IdempotencyAlreadyInProgressError, work that
 * throws releases its key.
 */
export class MemoryIdempotency implements IdempotencyStore {
  readonly records = new Map<string, { status: 'INPROGRESS' | 'COMPLETED'; result?: Stored }>();
  static keyOf(key: OnceKey): string {
    return JSON.stringify(Object.entries(key).sort(([a], [b]) => a.localeCompare(b)));
  }
  statusOf(key: OnceKey) {
    return this.records.get(MemoryIdempotency.keyOf(key));
  }
  /** Another invocation holds `key`. */
  hold(key: OnceKey) {
    this.records.set(MemoryIdempotency.keyOf(key), { status: 'INPROGRESS' });
  }
  async once<T extends Stored>(key: OnceKey, work: () => Promise<T>): Promise<Once<T>> {
    const k = MemoryIdempotency.keyOf(key);
    const existing = this.records.get(k);
    if (existing?.status === 'COMPLETED')
      return { result: structuredClone(existing.result) as T, replayed: true };
    if (existing) throw new IdempotencyAlreadyInProgressError(`already in progress: ${k}`);
    this.records.set(k, { status: 'INPROGRESS' });
    let result: T;
    try {
      result = await work();
    } catch (error) {
      this.records.delete(k);
      throw error;
    }
    this.records.set(k, { status: 'COMPLETED', result: structuredClone(result) });
    return { result, replayed: false };
  }
}

/** A sink that keeps what it was given, and fails while `fail` is set. */
export class FakeSink implements FindingSink {
  readonly delivered: Finding[] = [];
  fail: Error | null = null;
  constructor(readonly name: string) {}
  async deliver(finding: Finding) {
    if (this.fail) throw this.fail;
    this.delivered.push(finding);
    return `${this.name}-${this.delivered.length}`;
  }
}

/** Telemetry for one step: a silent logger, and the names counted. */
export function recordingTelemetry(): Telemetry & {
  counted: string[];
  logged: string[];
  measured: { name: string; value: number; dimensions: Readonly<Record<string, string>> }[];
} {
  const logger = new Logger({ serviceName: 'layerwatch-test', logLevel: 'SILENT' });
  const counted: string[] = [];
  const logged: string[] = [];
  for (const level of ['info', 'warn', 'error'] as const) {
    jest.spyOn(logger, level).mockImplementation((...args: unknown[]) => {
      logged.push(`${level}: ${String(args[0])}`);
    });
  }
  const measured: { name: string; value: number; dimensions: Readonly<Record<string, string>> }[] = [];
  return {
    logger,
    counted,
    logged,
    measured,
    count: (name: string) => void counted.push(name),
    measure: (name, value, dimensions) => void measured.push({ name, value, dimensions }),
  };
}
