/** The hosts' view of the outside world. Adapters implement these with SDK clients; tests with fakes. */
import type { Baseline, LayerState } from '../domain/baseline.js';
import type { CapacityProviderContext } from '../domain/capacity-provider.js';
import type { PublishRecord } from '../domain/correlation.js';
import type { LiveConfiguration } from '../domain/engine.js';
import type { Finding } from '../domain/finding.js';
import type { LayerInspection } from '../domain/layer-inspection.js';
import type { FunctionRef } from '../domain/model.js';
import type { Observation } from '../domain/observation.js';
import type { CodeSigningPosture } from '../domain/posture.js';
import type { LayerLookup } from '../domain/provenance.js';
import type { QualifierUpdate } from '../domain/qualifiers.js';
import type { AlertMessage } from '../domain/render/alert.js';
import type { PairOutcome, PairRecord, PlannedPair, PlannedRun, RunState } from '../domain/sweep-ledger.js';
import type { SweptAlias } from '../domain/sweep-qualifiers.js';

export interface FunctionReader {
  /** Never throws: failures are reported in the result so that the alert still goes out. */
  readConfiguration(fn: FunctionRef, qualifier?: string): Promise<LiveConfiguration>;
}

/** Lambda Managed Instances: the function versions on a capacity provider. */
export interface CapacityProviderReader {
  /** Never throws: a listing that failed answers why. */
  functionsOn(capacityProviderArn: string): Promise<CapacityProviderContext>;
}

export interface CodeSigningReader {
  /** Never throws: what cannot be read is `not-read` with the reason. */
  readCodeSigning(fn: FunctionRef): Promise<CodeSigningPosture>;
}

/** Every function's current layers, as the state table's baselines hold them. */
export interface LayersInUse {
  /** Throws when the table cannot be read, or when `signal` stopped the read. */
  readAll(
    signal?: AbortSignal,
  ): Promise<{ functions: { functionArn: string; layers: string[] }[]; unreadable: string[] }>;
}

export interface BaselineStore {
  get(functionArn: string): Promise<Baseline | null>;
  /** Adds a state; concurrent writers are reconciled, an older state never displaces a newer one. */
  record(functionArn: string, state: LayerState): Promise<void>;
  /** Adds a published version or an alias's routing, reconciled the same way. */
  recordQualifier(functionArn: string, update: QualifierUpdate): Promise<void>;
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

export type { LayerArchiveInspector } from './layer-archive-reader.js';

/**
 * Complete inspection reports by layer version and code digest (layer versions are immutable).
 * Both methods throw on failure; the inspect step logs, counts and goes on without the cache.
 */
export interface InspectionCache {
  /** The stored complete report of this version with this digest, or null. */
  get(versionArn: string, codeSha256: string): Promise<LayerInspection | null>;
  /** Stores a complete report (status inspected, with its digest); anything else is refused. */
  put(inspection: LayerInspection): Promise<void>;
}

export interface CorrelationStore {
  recordPublish(publish: PublishRecord): Promise<void>;
  publishesOf(versionArns: readonly string[]): Promise<PublishRecord[]>;
}

/** What an idempotency record can hold: a JSON value (results are stored and replayed). */
export type Stored = string | number | boolean | null | Stored[] | { [key: string]: Stored };

/** The identity of work that must happen once: an event, or an event's delivery to one sink. */
export type OnceKey = Readonly<Record<string, string>>;

export interface Once<T> {
  result: T;
  /** True when the work had completed before: `result` is the stored one, nothing ran. */
  replayed: boolean;
}

export interface IdempotencyStore {
  /**
   * Runs `work` once per key. A key whose work completed answers its stored result (`replayed`).
   * A key another invocation holds throws `IdempotencyAlreadyInProgressError`, so that Lambda
   * retries later. Work that throws releases the key and rethrows, so that its retry proceeds.
   */
  once<T extends Stored>(key: OnceKey, work: () => Promise<T>): Promise<Once<T>>;
}

/** Where findings go: the alert topic, and later Security Hub, EventBridge... */
export interface FindingSink {
  /** Stable: it keys the delivery's idempotency record, so a deployed sink is never renamed. */
  readonly name: string;
  /** Delivers one finding and answers the sink's id for it (an SNS message id). Throws on failure. */
  deliver(finding: Finding): Promise<string>;
}

/** What the sweep reads of a function's versions and aliases (sweep-qualifiers.ts). */
export interface QualifierLister {
  /** At most `max` aliases of the function; `more` when it has others. Throws when not listed. */
  listAliases(fn: FunctionRef, max: number): Promise<{ aliases: SweptAlias[]; more: boolean }>;
  /**
   * A published version's number (as Lambda answers it: `$LATEST.PUBLISHED` is read by that name)
   * and its layers. Throws when it cannot be read.
   */
  readVersion(fn: FunctionRef, qualifier: string): Promise<{ version: string | null; layers: string[] }>;
}

export interface FunctionLister extends QualifierLister {
  /** Every function of the account and region, as observed now. Throws when they cannot be listed. */
  listFunctions(account: string, region: string): AsyncIterable<Observation>;
}

export interface OrganizationAccounts {
  /** The organization's active accounts (cached by the adapter). Throws when they cannot be listed. */
  accounts(): Promise<readonly string[]>;
}

/** The fanned-out sweep's ledger (which run holds the sweep, each pair's outcome). */
export interface SweepLedger {
  /** Takes the sweep for `run` unless a run holds it whose hold has not ended (that run is named). */
  claim(run: PlannedRun, nowSeconds: number): Promise<{ claimed: true } | { claimed: false; holder: string }>;
  /** The run that holds the sweep now, or held it last without letting it go. */
  holder(): Promise<RunState | null>;
  state(runId: string): Promise<RunState | null>;
  noteAttempt(
    runId: string,
    pair: PlannedPair,
    error: string,
    attempt: number,
    expiresAt: number,
  ): Promise<void>;
  /** Records a pair's final outcome once; the pairs still open, or null when it had settled before. */
  settle(runId: string, pair: PlannedPair, outcome: PairOutcome, expiresAt: number): Promise<number | null>;
  records(runId: string, pairs: readonly PlannedPair[]): Promise<PairRecord[]>;
  /** Marks the run reported (true the first time only) and lets the sweep go. */
  finish(runId: string, at: string): Promise<boolean>;
}

/** When a pair whose attempt failed is handed out again (its message's visibility). */
export interface PairRetry {
  /** Makes the message of `receiptHandle` visible again in `seconds`. Throws when it cannot. */
  retryIn(receiptHandle: string, seconds: number): Promise<void>;
}

/** The queue of pairs the sweep's workers take, one account at a time. */
export interface PairQueue {
  /** Queues one message per pair; returns the pairs that could not be queued, with why. */
  enqueue(
    tasks: readonly (PlannedPair & { runId: string })[],
  ): Promise<(PlannedPair & { runId: string; error: string })[]>;
}
