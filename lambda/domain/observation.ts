/**
 * The drift sweep reads functions directly instead of waiting for events. An observation is
 * expressed as the event it amounts to: a change that did not touch `layers` and whose response
 * shows the live list. The engine then decides as for any event: no baseline -> nothing to report
 * (the caller seeds one); a known baseline that differs -> `lambda-layer-drift` (or
 * `lambda-layer-reordered` for another order); hook variables that differ from the known ones and
 * load code -> `lambda-exec-hook-set` marked as drift.
 */
import type { Actor, EventKind, EventMeta, FunctionEvent, FunctionRef } from './model.js';

export const SWEEP_EVENT_NAME = 'LayerwatchDriftSweep';

export interface Observation {
  fn: FunctionRef;
  layers: string[];
  runtime: string | null;
  role: string | null;
  /**
   * The start-up hook variables only (inspection/exec-hook-variable.ts), never another environment
   * variable; null when the environment could not be read, absent when not read.
   */
  hooks?: Record<string, string> | null;
  /**
   * Lambda Managed Instances: the capacity provider's ARN (unqualified invokes then run
   * `$LATEST.PUBLISHED`); null or absent for a function on Lambda's own fleet.
   */
  capacityProvider?: string | null;
  /** When the sweep read the function (ISO 8601). */
  observedAt: string;
}

/** The event metadata of what the sweep read of a function at `time`. */
export function sweepMeta(fn: FunctionRef, id: string, kind: EventKind, time: string): EventMeta {
  return {
    id,
    name: SWEEP_EVENT_NAME,
    kind,
    time,
    timeMs: Date.parse(time),
    region: fn.region,
    account: fn.account,
    sourceIp: null,
    userAgent: null,
  };
}

/** @param runId identifies the sweep run and must never repeat across runs (ids key the baseline). */
export function observationEvent(o: Observation, runId: string): FunctionEvent {
  return {
    kind: 'UpdateFunctionConfiguration',
    meta: sweepMeta(o.fn, `sweep:${runId}:${o.fn.arn}`, 'UpdateFunctionConfiguration', o.observedAt),
    actor: SWEEP_ACTOR,
    fn: o.fn,
    requested: { state: 'absent' },
    responded: { state: 'list', layers: o.layers },
    details: { runtime: o.runtime, role: o.role },
  };
}

/** Who the sweep's observations are made by. */
export const SWEEP_ACTOR: Actor = {
  type: 'AWSService',
  arn: null,
  principalId: null,
  accountId: null,
  accessKeyId: null,
  userName: null,
  sessionIssuerArn: null,
  sessionIssuerType: null,
  mfaAuthenticated: null,
  invokedBy: 'layerwatch drift sweep',
  sessionCreated: null,
  onBehalfOfUserId: null,
  consoleSession: false,
};
