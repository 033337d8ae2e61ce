/**
 * The AWS calls each runtime makes, gathered from the adapters it is built from (handler.ts,
 * sweep.ts). The stacks grant these and nothing else; a host that gains an adapter adds it here.
 */
import { MEMBER_ACCESS_CALLS } from './adapters/accounts.js';
import { onTopic, type RuntimeCall, union, whenOption } from './adapters/calls.js';
import { CanaryToucher } from './adapters/canary-toucher.js';
import { DynamoDbBaselineReader } from './adapters/dynamodb-baseline-reader.js';
import { DynamoDbBaselineStore } from './adapters/dynamodb-baseline-store.js';
import { DynamoDbCorrelationStore } from './adapters/dynamodb-correlation-store.js';
import { DynamoDbIdempotencyStore } from './adapters/dynamodb-idempotency-store.js';
import { DynamoDbInspectionCache } from './adapters/dynamodb-inspection-cache.js';
import { DynamoDbSweepLedger } from './adapters/dynamodb-sweep-ledger.js';
import { EventBridgeFindingSink } from './adapters/eventbridge-finding-sink.js';
import { LambdaCapacityProviderReader } from './adapters/lambda-capacity-provider-reader.js';
import { LambdaCodeSigningReader } from './adapters/lambda-code-signing-reader.js';
import { LambdaFunctionEditor } from './adapters/lambda-function-editor.js';
import { LambdaFunctionLister } from './adapters/lambda-function-lister.js';
import { LambdaFunctionReader } from './adapters/lambda-function-reader.js';
import { LambdaLayerReader } from './adapters/lambda-layer-reader.js';
import { LayerArchiveReader } from './adapters/layer-archive-reader.js';
import { OrganizationsAccountLister } from './adapters/organizations-account-lister.js';
import { SecurityHubFindingSink } from './adapters/securityhub-finding-sink.js';
import { SnsAlertPublisher } from './adapters/sns-alert-publisher.js';
import { SqsPairQueue } from './adapters/sqs-pair-queue.js';
import { SqsPairRetry } from './adapters/sqs-pair-retry.js';

/** The sinks after the alert topic, each when its option is on (pipeline/finding-sinks.ts). */
const OPTIONAL_SINK_CALLS = union(
  whenOption(SecurityHubFindingSink.calls, 'securityHub'),
  whenOption(EventBridgeFindingSink.calls, 'findingEvents'),
);

/** Organization mode: the live list of the organization's accounts (provenance, the sweep). */
const DISCOVERY_CALLS = whenOption(OrganizationsAccountLister.calls, 'organizationDiscovery');

/** The detection handler (handler.ts). */
export const HANDLER_CALLS: readonly RuntimeCall[] = union(
  LambdaFunctionReader.calls,
  LambdaCapacityProviderReader.calls,
  LambdaLayerReader.calls,
  // The posture step: the function's code signing, and the layers in use (a known publisher's layer
  // is allowed by the guardrail only when some baseline uses that publisher).
  LambdaCodeSigningReader.calls,
  DynamoDbBaselineReader.calls,
  DynamoDbBaselineStore.calls,
  DynamoDbCorrelationStore.calls,
  // What Powertools' DynamoDB persistence layer sends: Get/Put/Update/DeleteItem.
  DynamoDbIdempotencyStore.calls,
  DynamoDbInspectionCache.calls,
  // Reads GetLayerVersion's presigned URL: signed by Lambda, no call of its own.
  LayerArchiveReader.calls,
  onTopic(SnsAlertPublisher.calls, 'alert'),
  OPTIONAL_SINK_CALLS,
  DISCOVERY_CALLS,
  MEMBER_ACCESS_CALLS,
);

/**
 * The drift sweep's plan (sweep.ts with a queue, as every deployment builds it): the accounts, the
 * run's claim and its report when it was left unreported, and one message per pair.
 */
export const SWEEP_CALLS: readonly RuntimeCall[] = union(
  DynamoDbSweepLedger.calls,
  SqsPairQueue.calls,
  onTopic(SnsAlertPublisher.calls, 'operations'),
  DISCOVERY_CALLS,
);

/** The fanned-out sweep's worker (sweep-worker.ts): one pair a message, and the run's report. */
export const SWEEP_WORKER_CALLS: readonly RuntimeCall[] = union(
  LambdaFunctionLister.calls,
  SqsPairRetry.calls,
  DynamoDbBaselineStore.calls,
  DynamoDbSweepLedger.calls,
  onTopic(SnsAlertPublisher.calls, 'alert'),
  onTopic(SnsAlertPublisher.calls, 'operations'),
  OPTIONAL_SINK_CALLS,
  MEMBER_ACCESS_CALLS,
);

/**
 * The calls both runtimes make in member accounts, through the read-only member role (the Lambda
 * readers and the lister take per-account clients): the member stack grants these to that role.
 */
export const MEMBER_ROLE_CALLS: readonly RuntimeCall[] = union(
  LambdaFunctionReader.calls,
  LambdaCapacityProviderReader.calls,
  LambdaLayerReader.calls,
  LambdaCodeSigningReader.calls,
  LambdaFunctionLister.calls,
);

/** The hourly heartbeat (heartbeat.ts): the one write, on the canary functions. */
export const HEARTBEAT_CALLS: readonly RuntimeCall[] = union(CanaryToucher.calls);

/**
 * A member account's hourly heartbeat (memberHeartbeat): an EventBridge Scheduler schedule sends the
 * toucher's one call itself (a universal target), with a role of the member stack granted this.
 */
export const MEMBER_HEARTBEAT_CALLS: readonly RuntimeCall[] = union(CanaryToucher.calls);

/**
 * The opt-in containment (containment.ts): the revert's reads and its two writes (`$LATEST`'s layers,
 * an alias's routing), the function's baseline (GetItem only) and the alert topic. No concurrency
 * write: the containment never throttles (that brake stays with the CLI and a person's credentials).
 */
export const CONTAINMENT_CALLS: readonly RuntimeCall[] = union(
  LambdaFunctionEditor.calls.filter(
    (c) => !c.action.endsWith('FunctionConcurrency') || c.action.startsWith('lambda:Get'),
  ),
  DynamoDbBaselineStore.calls.filter((c) => c.action === 'dynamodb:GetItem'),
  onTopic(SnsAlertPublisher.calls, 'alert'),
);

/** Every runtime of the detector stack, by name (the tests find each one's function by its environment). */
export const RUNTIME_CALLS = {
  handler: HANDLER_CALLS,
  sweep: SWEEP_CALLS,
  sweepWorker: SWEEP_WORKER_CALLS,
  heartbeat: HEARTBEAT_CALLS,
  containment: CONTAINMENT_CALLS,
} as const;
