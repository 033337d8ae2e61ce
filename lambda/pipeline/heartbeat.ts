/**
 * Step 0, heartbeat: the hourly canary change (see domain/heartbeat.ts) proves that the detector
 * sees its region. It is counted (`Heartbeat`) and timed (`DetectionLatency`, CloudTrail event time
 * to now), both by `Region`, and goes no further: no finding, no baseline. Anything else, including
 * any other change to the canary, goes on to parse like every event.
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
  t.count('Heartbeat', { Region: beat.region });
  t.measure('DetectionLatency', beat.latencyMs, { Region: beat.region });
  t.logger.info('Heartbeat', { region: beat.region, latencyMs: beat.latencyMs, eventId: beat.eventId });
  return { outcome: 'heartbeat', ...beat };
}
