/** The handler's view of the outside world. Adapters implement these with SDK clients; tests with fakes. */
import type { Baseline, LayerState } from '../domain/baseline.js';
import type { PublishRecord } from '../domain/correlation.js';
import type { LiveConfiguration } from '../domain/engine.js';
import type { FunctionRef } from '../domain/model.js';
import type { Observation } from '../domain/observation.js';
import type { LayerLookup } from '../domain/provenance.js';
import type { AlertMessage } from '../domain/render/alert.js';

export interface FunctionReader {
  /** Never throws: failures are reported in the result so that the alert still goes out. */
  readConfiguration(fn: FunctionRef): Promise<LiveConfiguration>;
}

export interface BaselineStore {
  get(functionArn: string): Promise<Baseline | null>;
  /** Adds a state; concurrent writers are reconciled, an older state never displaces a newer one. */
  record(functionArn: string, state: LayerState): Promise<void>;
}

export interface AlertPublisher {
  /** Throws on failure, so that the invocation fails and is retried, then dead-lettered. */
  publish(alert: AlertMessage): Promise<string>;
}

export interface LayerReader {
  /** Never throws: an unreadable layer is reported in the result. */
  /** Reads with `viaAccount`'s access (the function's account). */
  readLayer(versionArn: string, viaAccount: string): Promise<LayerLookup>;
}

export interface CorrelationStore {
  recordPublish(publish: PublishRecord): Promise<void>;
  publishesOf(versionArns: readonly string[]): Promise<PublishRecord[]>;
}

export type Claim = 'claimed' | 'done' | 'in-progress';

export interface IdempotencyStore {
  /** Claims an event before work starts; `done` means it was handled already. */
  claim(eventKey: string): Promise<Claim>;
  complete(eventKey: string, outcome: string): Promise<void>;
  /** Frees the claim of a failed invocation so that its retry proceeds. */
  release(eventKey: string): Promise<void>;
}

export interface FunctionLister {
  /** Every function of the account and region, as observed now. Throws when they cannot be listed. */
  listFunctions(account: string, region: string): AsyncIterable<Observation>;
}
