/**
 * Member accounts' heartbeats (organization mode, memberHeartbeat): counted by Account and Region,
 * so that each member account and region has its own alarm (which calls count: domain/heartbeat).
 */
import { recognizeHeartbeat } from '../../../lambda/pipeline/heartbeat.js';
import { recordingTelemetry } from '../../support/fakes.js';
import { heartbeatEvent, memberHeartbeatEvent } from '../../support/heartbeat-events.js';

const HOME = '111122223333';
const MEMBER = '222233334444';
const SOURCE = {
  account: HOME,
  roleArn: `arn:aws:iam::${HOME}:role/LayerWatch-HeartbeatFunctionServiceRole-ABC`,
};
const SCHEDULED = new Date('2026-12-01T10:00:00Z');
const NOW = SCHEDULED.getTime() + 61_000;

describe('heartbeat step, member accounts', () => {
  it('counts a member heartbeat by Account and Region, and times it by Region', () => {
    const t = recordingTelemetry();
    const result = recognizeHeartbeat(memberHeartbeatEvent(MEMBER, 'eu-west-1', SCHEDULED), SOURCE, NOW, t);
    expect(result).toEqual(
      expect.objectContaining({ outcome: 'heartbeat', account: MEMBER, region: 'eu-west-1' }),
    );
    expect(t.counted).toEqual(['Heartbeat']);
    expect(t.measured).toEqual([
      { name: 'DetectionLatency', value: 57_000, dimensions: { Region: 'eu-west-1' } },
    ]);
  });

  it("keeps the detector's own heartbeat by Region alone (its alarms are per region)", () => {
    const dimensions: Record<string, string>[] = [];
    const t = { ...recordingTelemetry() };
    t.count = (_name, d) => void dimensions.push({ ...d });
    const home = heartbeatEvent({
      account: HOME,
      region: 'eu-west-1',
      roleArn: SOURCE.roleArn,
      time: SCHEDULED,
    });
    expect(recognizeHeartbeat(home, SOURCE, NOW, t)).not.toBeNull();
    expect(
      recognizeHeartbeat(memberHeartbeatEvent(MEMBER, 'eu-west-1', SCHEDULED), SOURCE, NOW, t),
    ).not.toBeNull();
    expect(dimensions).toEqual([{ Region: 'eu-west-1' }, { Account: MEMBER, Region: 'eu-west-1' }]);
  });
});
