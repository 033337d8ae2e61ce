/**
 * Step 0, heartbeat: the hourly canary change (see domain/heartbeat.ts) proves that the detector
 * sees its region. It is counted (`Heartbeat`, by `Region`; by `Account` and `Region` for a member
 * account's canary, whose account and region have an alarm each) and timed (`DetectionLatency`,
 * CloudTrail event time to now, by `Region`), and goes no further: no finding, no baseline.
 * Anything else, including any other change to the canary, goes on to parse like every event.
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
  const beat = heartbeatOf(input, source, nowMs);
  if (!beat) return null;
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
