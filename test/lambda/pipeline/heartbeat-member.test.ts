/**
 * Member accounts' heartbeats (organization mode, memberHeartbeat): recognised only when the
 * account's own schedule role of the region changed the description of that account's canary, and
 * counted by Account and Region, so that each member account and region has its own alarm.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import {
  CANARY_FUNCTION_NAME,
  heartbeatOf,
  memberHeartbeatRoleName,
} from '../../../lambda/domain/heartbeat.js';
import { recognizeHeartbeat } from '../../../lambda/pipeline/heartbeat.js';
import type { Telemetry } from '../../../lambda/pipeline/telemetry.js';

const HOME = '111122223333';
const MEMBER = '222233334444';
const SOURCE = {
  account: HOME,
  roleArn: `arn:aws:iam::${HOME}:role/LayerWatch-HeartbeatFunctionServiceRole-ABC`,
};
const TIME = '2026-12-01T10:00:00Z';
const NOW = Date.parse(TIME) + 61_000;

function memberRecord(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const role = `arn:aws:iam::${MEMBER}:role/${memberHeartbeatRoleName('eu-west-1')}`;
  return {
    eventSource: 'lambda.amazonaws.com',
    eventName: 'UpdateFunctionConfiguration20150331v2',
    eventTime: TIME,
    eventID: 'm-1',
    awsRegion: 'eu-west-1',
    recipientAccountId: MEMBER,
    userIdentity: {
      type: 'AssumedRole',
      arn: `arn:aws:sts::${MEMBER}:assumed-role/${memberHeartbeatRoleName('eu-west-1')}/abc`,
      sessionContext: { sessionIssuer: { type: 'Role', arn: role, accountId: MEMBER } },
      invokedBy: 'scheduler.amazonaws.com',
    },
    requestParameters: {
      functionName: CANARY_FUNCTION_NAME,
      description:
        'layerwatch heartbeat 2026-12-01T10:00:00Z: this function only proves that layerwatch sees this region',
    },
    ...overrides,
  };
}

const issuedBy = (arn: string) => ({
  userIdentity: { type: 'AssumedRole', sessionContext: { sessionIssuer: { arn } } },
});

describe('a member account heartbeat', () => {
  it('is recognised, with the member account', () => {
    expect(heartbeatOf(memberRecord(), SOURCE, NOW)).toEqual({
      region: 'eu-west-1',
      account: MEMBER,
      eventId: 'm-1',
      latencyMs: 61_000,
    });
    const byArn = memberRecord({
      requestParameters: {
        functionName: `arn:aws:lambda:eu-west-1:${MEMBER}:function:${CANARY_FUNCTION_NAME}`,
        description: 'x',
      },
    });
    expect(heartbeatOf(byArn, SOURCE, NOW)?.account).toBe(MEMBER);
  });

  it.each([
    [
      'the role of another region',
      issuedBy(`arn:aws:iam::${MEMBER}:role/${memberHeartbeatRoleName('us-east-1')}`),
    ],
    [
      'the role of another account',
      issuedBy(`arn:aws:iam::333344445555:role/${memberHeartbeatRoleName('eu-west-1')}`),
    ],
    ['the detector heartbeat role', issuedBy(SOURCE.roleArn)],
    ['another role of the member', issuedBy(`arn:aws:iam::${MEMBER}:role/admin`)],
    [
      'the role under a path',
      issuedBy(`arn:aws:iam::${MEMBER}:role/x/${memberHeartbeatRoleName('eu-west-1')}`),
    ],
    [
      'a layer added by the heartbeat role',
      {
        requestParameters: {
          functionName: CANARY_FUNCTION_NAME,
          description: 'x',
          layers: ['arn:aws:lambda:eu-west-1:999988887777:layer:x:1'],
        },
      },
    ],
    [
      'the canary of another account',
      {
        requestParameters: {
          functionName: `arn:aws:lambda:eu-west-1:${HOME}:function:${CANARY_FUNCTION_NAME}`,
          description: 'x',
        },
      },
    ],
    ['another function', { requestParameters: { functionName: 'payments', description: 'x' } }],
    ['no recipient account', { recipientAccountId: undefined }],
  ])('is not fooled by %s', (_case, overrides) => {
    expect(heartbeatOf(memberRecord(overrides), SOURCE, NOW)).toBeNull();
  });
});

function countingTelemetry() {
  const counts: { name: string; dimensions: Readonly<Record<string, string>> | undefined }[] = [];
  const measures: { name: string; dimensions: Readonly<Record<string, string>> }[] = [];
  const t: Telemetry = {
    logger: new Logger({ serviceName: 'layerwatch-test', logLevel: 'SILENT' }),
    count: (name, dimensions) => counts.push({ name, dimensions }),
    measure: (name, _ms, dimensions) => measures.push({ name, dimensions }),
  };
  return { t, counts, measures };
}

describe('heartbeat step, member accounts', () => {
  it('counts a member heartbeat by Account and Region, and times it by Region', () => {
    const { t, counts, measures } = countingTelemetry();
    const result = recognizeHeartbeat(
      { 'detail-type': 'AWS API Call via CloudTrail', detail: memberRecord() },
      SOURCE,
      NOW,
      t,
    );
    expect(result).toEqual(
      expect.objectContaining({ outcome: 'heartbeat', account: MEMBER, region: 'eu-west-1' }),
    );
    expect(counts).toEqual([{ name: 'Heartbeat', dimensions: { Account: MEMBER, Region: 'eu-west-1' } }]);
    expect(measures).toEqual([{ name: 'DetectionLatency', dimensions: { Region: 'eu-west-1' } }]);
  });

  it("keeps the detector's own heartbeat by Region alone (its alarms are per region)", () => {
    const { t, counts } = countingTelemetry();
    const home = memberRecord({
      recipientAccountId: HOME,
      ...issuedBy(SOURCE.roleArn),
    });
    expect(recognizeHeartbeat(home, SOURCE, NOW, t)).not.toBeNull();
    expect(counts).toEqual([{ name: 'Heartbeat', dimensions: { Region: 'eu-west-1' } }]);
  });
});
