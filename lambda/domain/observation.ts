/**
 * The drift sweep reads functions directly instead of waiting for events. An observation is
 * expressed as the event it amounts to: a change that did not touch `layers` and whose response
 * shows the live list. The engine then decides as for any event: no baseline -> nothing to report
 * (the caller seeds one); a known baseline that differs -> `lambda-layer-drift` (or
 * `lambda-layer-reordered` for another order); hook variables that differ from the known ones and
 * load code -> `lambda-exec-hook-set` marked as drift.
 */
import type { FunctionEvent, FunctionRef } from './model.js';

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
  /** When the sweep read the function (ISO 8601). */
  observedAt: string;
}

/** @param runId identifies the sweep run and must never repeat across runs (ids key the baseline). */
export function observationEvent(o: Observation, runId: string): FunctionEvent {
  const timeMs = Date.parse(o.observedAt);
  return {
    kind: 'UpdateFunctionConfiguration',
    meta: {
      id: `sweep:${runId}:${o.fn.arn}`,
      name: SWEEP_EVENT_NAME,
      kind: 'UpdateFunctionConfiguration',
      time: o.observedAt,
      timeMs,
      region: o.fn.region,
      account: o.fn.account,
      sourceIp: null,
      userAgent: null,
    },
    actor: {
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
    },
    fn: o.fn,
    requested: { state: 'absent' },
    responded: { state: 'list', layers: o.layers },
    details: { runtime: o.runtime, role: o.role },
  };
}
