import {
  ConfigurationError,
  readConfig,
  readContainmentConfig,
  readSweepConfig,
  readSweepWorkerConfig,
} from '../../lambda/config.js';

const base = {
  ALERT_TOPIC_ARN: 'arn:aws:sns:us-east-1:111122223333:t',
  BASELINE_TABLE: 'b',
  HOME_ACCOUNT: '111122223333',
};

describe('handler configuration', () => {
  it('reads the environment once, with settings', () => {
    expect(
      readConfig({
        ...base,
        MEMBER_ROLE_NAME: 'LayerWatchReadOnly',
        LAYERWATCH_SETTINGS: '{"minSeverity":"medium"}',
      }),
    ).toMatchObject({
      homeAccount: '111122223333',
      memberRoleName: 'LayerWatchReadOnly',
      settings: { minSeverity: 'medium' },
    });
    expect(readConfig(base).memberRoleName).toBeNull();
  });

  it('takes the partition and the heartbeat role the stack passes, with defaults when absent', () => {
    expect(
      readConfig({
        ...base,
        PARTITION: 'aws-cn',
        HEARTBEAT_ROLE_ARN: 'arn:aws-cn:iam::111122223333:role/hb',
      }),
    ).toMatchObject({ partition: 'aws-cn', heartbeatRoleArn: 'arn:aws-cn:iam::111122223333:role/hb' });
    expect(readConfig(base)).toMatchObject({ partition: 'aws', heartbeatRoleArn: null });
  });

  it.each([
    [
      'a missing variable',
      { ALERT_TOPIC_ARN: 'x' },
      /missing environment variable\(s\) BASELINE_TABLE, HOME_ACCOUNT/,
    ],
    [
      'settings that are not JSON',
      { ...base, LAYERWATCH_SETTINGS: '{' },
      /LAYERWATCH_SETTINGS: not valid JSON/,
    ],
    [
      'settings that do not validate',
      { ...base, LAYERWATCH_SETTINGS: '{"minSeverity":"x"}' },
      /LAYERWATCH_SETTINGS: minSeverity/,
    ],
  ])('fails fast on %s', (_n, env, message) => {
    expect(() => readConfig(env)).toThrow(ConfigurationError);
    expect(() => readConfig(env)).toThrow(message);
  });
});

describe('sweep configuration', () => {
  const queue = { SWEEP_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/111122223333/sweep.fifo' };

  it('reads what to cover, where pairs are queued and where reports go', () => {
    expect(
      readSweepConfig({
        ...base,
        ...queue,
        SWEEP_ACCOUNTS: '111122223333, 222233334444',
        SWEEP_REGIONS: 'us-east-1',
      }),
    ).toMatchObject({
      accounts: ['111122223333', '222233334444'],
      regions: ['us-east-1'],
      reportTopicArn: base.ALERT_TOPIC_ARN,
      queueUrl: queue.SWEEP_QUEUE_URL,
      holdHours: 20,
    });
    const withOps = {
      ...base,
      ...queue,
      SWEEP_ACCOUNTS: '1',
      SWEEP_REGIONS: 'r',
      OPERATIONS_TOPIC_ARN: 'ops',
    };
    expect(readSweepConfig(withOps).reportTopicArn).toBe('ops');
    expect(readSweepConfig({ ...withOps, SWEEP_HOLD_HOURS: '6' }).holdHours).toBe(6);
  });

  it.each([
    [
      'coverage',
      { ...queue, SWEEP_REGIONS: 'us-east-1' },
      /SWEEP_ACCOUNTS, SWEEP_REGIONS and SWEEP_QUEUE_URL/,
    ],
    ['a queue', { SWEEP_ACCOUNTS: '1', SWEEP_REGIONS: 'r' }, /SWEEP_QUEUE_URL are required/],
    [
      'a hold of hours',
      { ...queue, SWEEP_ACCOUNTS: '1', SWEEP_REGIONS: 'r', SWEEP_HOLD_HOURS: '0' },
      /SWEEP_HOLD_HOURS/,
    ],
  ])('fails fast without %s', (_n, env, message) => {
    expect(() => readSweepConfig({ ...base, ...env })).toThrow(message);
  });
});

describe('sweep worker configuration', () => {
  const queues = {
    SWEEP_DEAD_LETTER_QUEUE_ARN: 'arn:aws:sqs:us-east-1:1:dlq.fifo',
    SWEEP_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/1/sweep.fifo',
  };
  it('reads both queues and where reports go', () => {
    expect(readSweepWorkerConfig({ ...base, ...queues })).toMatchObject({
      deadLetterQueueArn: 'arn:aws:sqs:us-east-1:1:dlq.fifo',
      queueUrl: 'https://sqs.us-east-1.amazonaws.com/1/sweep.fifo',
      reportTopicArn: base.ALERT_TOPIC_ARN,
    });
  });
  it.each(['SWEEP_DEAD_LETTER_QUEUE_ARN', 'SWEEP_QUEUE_URL'])('fails fast without %s', (name) => {
    expect(() => readSweepWorkerConfig({ ...base, ...queues, [name]: undefined })).toThrow(new RegExp(name));
  });
});

describe('containment configuration', () => {
  const env = {
    ALERT_TOPIC_ARN: 'arn:aws:sns:us-east-1:111122223333:alerts',
    CONTAINMENT_TABLE: 'state',
    CONTAINMENT_ACTION_ARN: 'arn:aws:securityhub:us-east-1:111122223333:action/custom/LayerwatchRevert',
    CONTAINMENT_STACK: 'LayerWatch',
    CONTAINMENT_MAX_FUNCTIONS: '5',
    PARTITION: 'aws',
  };

  it('reads what the construct sets', () => {
    expect(readContainmentConfig(env)).toEqual({
      alertTopicArn: env.ALERT_TOPIC_ARN,
      baselineTable: 'state',
      actionArn: env.CONTAINMENT_ACTION_ARN,
      stack: 'LayerWatch',
      maxFunctions: 5,
      partition: 'aws',
    });
  });

  it.each([
    ['without its custom action', { CONTAINMENT_ACTION_ARN: '' }, /CONTAINMENT_ACTION_ARN/],
    ['without its stack', { CONTAINMENT_STACK: undefined }, /CONTAINMENT_STACK/],
    ['with a cap that is no count', { CONTAINMENT_MAX_FUNCTIONS: '0' }, /not a positive integer/],
  ])('fails fast %s', (_, change, message) => {
    expect(() => readContainmentConfig({ ...env, ...change })).toThrow(ConfigurationError);
    expect(() => readContainmentConfig({ ...env, ...change })).toThrow(message);
  });
});
