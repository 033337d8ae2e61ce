/**
 * The handler the per-event bench measures, and the mix of events it is given: every port in
 * process, the function and layer readers answering at once, the tables keeping their items as
 * the deployed ones do (stores.ts), the alert topic dropping each message (a deployed invocation
 * does not keep the alerts it sent).
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { BaselineStore, CorrelationStore, IdempotencyStore } from '../lambda/adapters/ports.js';
import { createHandler } from '../lambda/app.js';
import { parseSettings } from '../lambda/domain/settings.js';
import { AlertTopicSink } from '../lambda/pipeline/alert-topic-sink.js';
import { FakeLayers, FakeReader } from '../test/support/fakes.js';
import {
  addLayerVersionPermission,
  createFunction,
  identities,
  layerArn,
  OTHER_ACCOUNT,
  publishLayerVersion,
  updateFunctionConfiguration,
} from '../test/support/records.js';
import { ItemBaselines, ItemCorrelations } from './stores.js';

/** The mix, in turn: each kind is a fifth of the events. */
export const EVENT_KINDS = {
  attack: (i: number) =>
    updateFunctionConfiguration(`f${i % 200}`, {
      layers: [layerArn('deps', 1), layerArn('x', 1 + (i % 3), OTHER_ACCOUNT)],
    }),
  'config-only': (i: number) =>
    updateFunctionConfiguration(`f${i % 200}`, {
      request: { memorySize: 256 },
      responseLayers: [layerArn('deps', 1)],
    }),
  creation: (i: number) =>
    createFunction(`g${i}`, { layers: [layerArn('deps', 1)], identity: identities.deployRole() }),
  publication: (i: number) => publishLayerVersion('tools', 1 + i),
  share: (i: number) => addLayerVersionPermission('tools', 1 + i, '*'),
} as const;

export interface BenchStores {
  baselines: BaselineStore;
  correlations: CorrelationStore;
  idempotency: IdempotencyStore;
}

export function benchHandlerWith(stores: BenchStores) {
  return createHandler({
    reader: new FakeReader(() => ({
      status: 'ok',
      layers: [layerArn('deps', 1)],
      runtime: 'python3.12',
      role: null,
    })),
    layers: new FakeLayers(() => ({ status: 'access-denied', message: 'denied' })),
    ...stores,
    sinks: [new AlertTopicSink({ publish: async () => 'm' })],
    settings: parseSettings({ minSeverity: 'informational' }),
    logger: new Logger({ serviceName: 'bench', logLevel: 'SILENT' }),
    metrics: new Metrics({ namespace: 'Bench' }),
  });
}

/** The measured handler: the tables as DynamoDB holds them, items outside the heap (stores.ts). */
export function benchHandler(idempotency: IdempotencyStore) {
  return benchHandlerWith({
    baselines: new ItemBaselines(),
    correlations: new ItemCorrelations(),
    idempotency,
  });
}
