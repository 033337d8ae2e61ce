import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type {
  AlertPublisher,
  BaselineStore,
  Claim,
  CorrelationStore,
  FunctionReader,
  IdempotencyStore,
  LayerReader,
} from '../../lambda/adapters/ports.js';
import { type Baseline, type LayerState, recordState } from '../../lambda/domain/baseline.js';
import type { PublishRecord } from '../../lambda/domain/correlation.js';
import type { LiveConfiguration } from '../../lambda/domain/engine.js';
import type { FunctionRef } from '../../lambda/domain/model.js';
import type { LayerLookup } from '../../lambda/domain/provenance.js';
import type { AlertMessage } from '../../lambda/domain/render/alert.js';

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
  async readConfiguration(fn: FunctionRef): Promise<LiveConfiguration> {
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

export class MemoryIdempotency implements IdempotencyStore {
  readonly records = new Map<string, { status: 'in-progress' | 'done'; outcome?: string }>();
  async claim(key: string): Promise<Claim> {
    const existing = this.records.get(key);
    if (existing) return existing.status;
    this.records.set(key, { status: 'in-progress' });
    return 'claimed';
  }
  async complete(key: string, outcome: string) {
    this.records.set(key, { status: 'done', outcome });
  }
  async release(key: string) {
    this.records.delete(key);
  }
}
