/**
 * Step 0, heartbeat: the hourly canary change (see domain/heartbeat.ts) proves that the detector
 * sees its region. It is counted (`Heartbeat`, by `Region`; by `Account` and `Region` for a member
 * account's canary, whose account and region have an alarm each) and timed (`DetectionLatency`,
 * CloudTrail event time to now, by `Region`), and goes no further: no finding, no baseline.
 *
 * An event that claims to be a heartbeat (the canary, a heartbeat role) and is not what the
 * heartbeat's call delivers is not counted: it is logged with its reasons ("Heartbeat claim
 * rejected") and counted in `MalformedEvents`, whose alarm a person answers, and goes on to parse and
 * detection like every other event. A forged heartbeat therefore cannot keep a region's alarm green
 * quietly. Anything else goes on to parse untouched.
 */
import { type HeartbeatSource, heartbeatOf } from '../domain/heartbeat.js';
import type { HandlerResult } from './outcome.js';
import type { Telemetry } from './telemetry.js';

export function recognizeHeartbeat(
  input: unknown,
  source: HeartbeatSource | null,
  nowMs: number,
  t: Telemetry,
): Extract<HandlerResult, { outcome: 'heartbeat' }> | null {
  if (!source) return null;
  const recognition = heartbeatOf(input, source, nowMs);
  if (recognition.status === 'other') return null;
  if (recognition.status === 'rejected') {
    t.logger.error('Heartbeat claim rejected', { ...recognition.claim, reasons: recognition.reasons });
    t.count('MalformedEvents');
    return null;
  }
  const beat = recognition.heartbeat;
  // A member's heartbeat is counted per account (each member account and region has its alarm);
  // latency stays by region alone (one metric per region, its p50/p99 across accounts).
  const counted: Record<string, string> = beat.account
    ? { Account: beat.account, Region: beat.region }
    : { Region: beat.region };
  t.count('Heartbeat', counted);
  t.measure('DetectionLatency', beat.latencyMs, { Region: beat.region });
  t.logger.info('Heartbeat', {
    ...(beat.account ? { account: beat.account } : {}),
    region: beat.region,
    latencyMs: beat.latencyMs,
    eventId: beat.eventId,
  });
  return { outcome: 'heartbeat', ...beat };
}
