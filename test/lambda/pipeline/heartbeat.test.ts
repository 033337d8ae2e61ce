import { CANARY_FUNCTION_NAME } from '../../../lambda/domain/heartbeat.js';
import { recognizeHeartbeat } from '../../../lambda/pipeline/heartbeat.js';
import { recordingTelemetry } from '../../support/fakes.js';

const ACCOUNT = '111122223333';
const ROLE = `arn:aws:iam::${ACCOUNT}:role/heartbeat`;
const TIME = '2026-12-01T10:00:00Z';

const canaryChange = (requestParameters: Record<string, unknown>) => ({
  'detail-type': 'AWS API Call via CloudTrail',
  source: 'aws.lambda',
  detail: {
    eventSource: 'lambda.amazonaws.com',
    eventName: 'UpdateFunctionConfiguration20150331v2',
    eventTime: TIME,
    eventID: 'hb-1',
    awsRegion: 'ap-southeast-2',
    recipientAccountId: ACCOUNT,
    userIdentity: { type: 'AssumedRole', sessionContext: { sessionIssuer: { arn: ROLE } } },
    requestParameters,
  },
});

describe('heartbeat step', () => {
  const source = { account: ACCOUNT, roleArn: ROLE };

  it('counts the heartbeat and records its latency by region, and ends the event there', () => {
    const t = recordingTelemetry();
    const result = recognizeHeartbeat(
      canaryChange({ functionName: CANARY_FUNCTION_NAME, description: 'layerwatch heartbeat' }),
      source,
      Date.parse(TIME) + 4200,
      t,
    );
    expect(result).toEqual({
      outcome: 'heartbeat',
      region: 'ap-southeast-2',
      eventId: 'hb-1',
      latencyMs: 4200,
    });
    expect(t.counted).toEqual(['Heartbeat']);
    expect(t.measured).toEqual([
      { name: 'DetectionLatency', value: 4200, dimensions: { Region: 'ap-southeast-2' } },
    ]);
  });

  it('lets anything else through to parse, untouched and uncounted', () => {
    const t = recordingTelemetry();
    const layered = canaryChange({
      functionName: CANARY_FUNCTION_NAME,
      layers: ['arn:aws:lambda:ap-southeast-2:999988887777:layer:x:1'],
    });
    expect(recognizeHeartbeat(layered, source, Date.now(), t)).toBeNull();
    expect(
      recognizeHeartbeat(canaryChange({ functionName: CANARY_FUNCTION_NAME }), null, Date.now(), t),
    ).toBeNull();
    expect(t.counted).toEqual([]);
    expect(t.measured).toEqual([]);
  });
});
