import { recognizeHeartbeat } from '../../../lambda/pipeline/heartbeat.js';
import { recordingTelemetry } from '../../support/fakes.js';
import { heartbeatEvent } from '../../support/heartbeat-events.js';
import type { Rec } from '../../support/records.js';

const ACCOUNT = '111122223333';
const ROLE = `arn:aws:iam::${ACCOUNT}:role/heartbeat`;
const TIME = new Date('2026-12-01T10:00:00Z');
const source = { account: ACCOUNT, roleArn: ROLE };
const beat = () => heartbeatEvent({ account: ACCOUNT, region: 'ap-southeast-2', roleArn: ROLE, time: TIME });

describe('heartbeat step', () => {
  it('counts the heartbeat and records its latency by region, and ends the event there', () => {
    const t = recordingTelemetry();
    const event = beat();
    const result = recognizeHeartbeat(event, source, TIME.getTime() + 4200, t);
    expect(result).toEqual({
      outcome: 'heartbeat',
      region: 'ap-southeast-2',
      eventId: (event.detail as Rec).eventID,
      latencyMs: 4200,
    });
    expect(t.counted).toEqual(['Heartbeat']);
    expect(t.measured).toEqual([
      { name: 'DetectionLatency', value: 4200, dimensions: { Region: 'ap-southeast-2' } },
    ]);
  });

  it('does not count a claim that is not the real call: it logs why, counts it malformed and lets it through', () => {
    const t = recordingTelemetry();
    const forged = beat();
    (forged.detail as Rec).eventTime = '2026-12-01T10:05:00Z'; // the envelope still says 10:00:00
    expect(recognizeHeartbeat(forged, source, TIME.getTime() + 400_000, t)).toBeNull();
    expect(t.counted).toEqual(['MalformedEvents']);
    expect(t.logged).toEqual(['error: Heartbeat claim rejected']);
    expect(t.measured).toEqual([]);
  });

  it('lets anything else through to parse, untouched and uncounted', () => {
    const t = recordingTelemetry();
    const other = beat();
    (other.detail as { requestParameters: Rec }).requestParameters.functionName = 'payments';
    expect(recognizeHeartbeat(other, source, TIME.getTime(), t)).toBeNull();
    expect(recognizeHeartbeat(beat(), null, TIME.getTime(), t)).toBeNull();
    expect(t.counted).toEqual([]);
    expect(t.logged).toEqual([]);
  });
});
