import { CANARY_FUNCTION_NAME, heartbeatDescription, heartbeatOf } from '../../../lambda/domain/heartbeat.js';

const ACCOUNT = '111122223333';
const ROLE = `arn:aws:iam::${ACCOUNT}:role/LayerWatch-HeartbeatFunctionServiceRole-ABC`;
const SOURCE = { account: ACCOUNT, roleArn: ROLE };
const EVENT_TIME = '2026-12-01T10:00:00Z';
const NOW = Date.parse(EVENT_TIME) + 95_000;

function record(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    eventVersion: '1.09',
    eventSource: 'lambda.amazonaws.com',
    eventName: 'UpdateFunctionConfiguration20150331v2',
    eventTime: EVENT_TIME,
    eventID: 'e-1',
    awsRegion: 'eu-west-1',
    recipientAccountId: ACCOUNT,
    userIdentity: {
      type: 'AssumedRole',
      arn: `arn:aws:sts::${ACCOUNT}:assumed-role/LayerWatch-HeartbeatFunctionServiceRole-ABC/heartbeat`,
      accountId: ACCOUNT,
      sessionContext: { sessionIssuer: { type: 'Role', arn: ROLE, accountId: ACCOUNT } },
    },
    requestParameters: {
      functionName: `arn:aws:lambda:eu-west-1:${ACCOUNT}:function:${CANARY_FUNCTION_NAME}`,
      description: heartbeatDescription(new Date(EVENT_TIME)),
    },
    responseElements: { functionName: CANARY_FUNCTION_NAME, layers: null },
    ...overrides,
  };
}

describe('heartbeatOf', () => {
  it('recognises the heartbeat, bare or in its EventBridge envelope, with its latency', () => {
    const expected = { region: 'eu-west-1', eventId: 'e-1', latencyMs: 95_000 };
    expect(heartbeatOf(record(), SOURCE, NOW)).toEqual(expected);
    expect(
      heartbeatOf(
        { 'detail-type': 'AWS API Call via CloudTrail', source: 'aws.lambda', detail: record() },
        SOURCE,
        NOW,
      ),
    ).toEqual(expected);
    expect(
      heartbeatOf(
        record({ requestParameters: { functionName: CANARY_FUNCTION_NAME, description: 'x' } }),
        SOURCE,
        NOW,
      ),
    ).toEqual(expected);
    expect(heartbeatOf(record({ eventName: 'UpdateFunctionConfiguration' }), SOURCE, NOW)).toEqual(expected);
  });

  it('never reports a negative latency (clock skew)', () => {
    expect(heartbeatOf(record(), SOURCE, Date.parse(EVENT_TIME) - 5000)?.latencyMs).toBe(0);
  });

  it.each([
    [
      'a layer added to the canary',
      {
        requestParameters: {
          functionName: CANARY_FUNCTION_NAME,
          description: 'x',
          layers: ['arn:aws:lambda:eu-west-1:999988887777:layer:x:1'],
        },
      },
    ],
    [
      'a variable set on the canary',
      {
        requestParameters: {
          functionName: CANARY_FUNCTION_NAME,
          environment: { variables: { AWS_LAMBDA_EXEC_WRAPPER: '/opt/w' } },
        },
      },
    ],
    [
      'another role changing the description',
      {
        userIdentity: {
          type: 'AssumedRole',
          sessionContext: { sessionIssuer: { arn: `arn:aws:iam::${ACCOUNT}:role/admin` } },
        },
      },
    ],
    ['an IAM user', { userIdentity: { type: 'IAMUser', arn: ROLE } }],
    ['another function', { requestParameters: { functionName: 'payments', description: 'x' } }],
    [
      'the canary name in another account',
      {
        requestParameters: {
          functionName: `arn:aws:lambda:eu-west-1:999988887777:function:${CANARY_FUNCTION_NAME}`,
        },
      },
    ],
    ['another account receiving it', { recipientAccountId: '999988887777' }],
    ['a failed call', { errorCode: 'ResourceConflictException' }],
    ['another operation', { eventName: 'UpdateFunctionCode20150331v2' }],
    ['another service', { eventSource: 'sns.amazonaws.com' }],
    ['no event time', { eventTime: 'yesterday' }],
    ['no request', { requestParameters: null }],
  ])('is not fooled by %s: it goes through detection like any event', (_case, overrides) => {
    expect(heartbeatOf(record(overrides), SOURCE, NOW)).toBeNull();
  });

  it.each([null, 'text', [], 42, { detail: 'x', 'detail-type': 'y' }])('returns null for %p', (input) => {
    expect(heartbeatOf(input, SOURCE, NOW)).toBeNull();
  });
});
