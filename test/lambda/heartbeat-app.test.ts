import { LambdaClient, UpdateFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { CanaryTouchError, CanaryToucher } from '../../lambda/adapters/canary-toucher.js';
import { createHeartbeat, readCanaries } from '../../lambda/heartbeat-app.js';

const logger = { info: jest.fn(), error: jest.fn() } as unknown as Parameters<
  typeof createHeartbeat
>[0]['logger'];
const NOW = new Date('2026-12-01T10:00:00Z');
const CANARIES = readCanaries(
  'us-east-1=arn:aws:lambda:us-east-1:111122223333:function:layerwatch-canary,eu-west-1=arn:aws:lambda:eu-west-1:111122223333:function:layerwatch-canary',
);

describe('heartbeat', () => {
  const lambda = mockClient(LambdaClient);
  beforeEach(() => lambda.reset());

  it("changes every region's canary description, each through that region's client", async () => {
    const regions: string[] = [];
    lambda.on(UpdateFunctionConfigurationCommand).resolves({});
    const toucher = new CanaryToucher((region) => {
      regions.push(region);
      return new LambdaClient({ region });
    });
    const run = createHeartbeat({ toucher, canaries: CANARIES, logger, now: () => NOW });
    await expect(run()).resolves.toEqual({ touched: ['us-east-1', 'eu-west-1'] });
    expect(regions).toEqual(['us-east-1', 'eu-west-1']);
    const inputs = lambda.commandCalls(UpdateFunctionConfigurationCommand).map((c) => c.args[0].input);
    expect(inputs).toEqual([
      {
        FunctionName: CANARIES[0]?.arn,
        Description: expect.stringContaining('layerwatch heartbeat 2026-12-01T10:00:00.000Z'),
      },
      { FunctionName: CANARIES[1]?.arn, Description: expect.stringContaining('layerwatch heartbeat') },
    ]);
  });

  it('touches the other regions when one fails, then fails the run naming it', async () => {
    lambda
      .on(UpdateFunctionConfigurationCommand, { FunctionName: CANARIES[1]?.arn })
      .rejects(Object.assign(new Error('no such function'), { name: 'ResourceNotFoundException' }))
      .on(UpdateFunctionConfigurationCommand, { FunctionName: CANARIES[0]?.arn })
      .resolves({});
    const run = createHeartbeat({
      toucher: new CanaryToucher((region) => new LambdaClient({ region })),
      canaries: CANARIES,
      logger,
      now: () => NOW,
    });
    await expect(run()).rejects.toThrow(/1 region\(s\) could not be touched: eu-west-1/);
    expect(lambda.commandCalls(UpdateFunctionConfigurationCommand)).toHaveLength(2);
  });

  it('names the SDK error when a canary cannot be touched', async () => {
    lambda
      .on(UpdateFunctionConfigurationCommand)
      .rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    const toucher = new CanaryToucher((region) => new LambdaClient({ region }));
    await expect(toucher.touch(CANARIES[0]?.arn as string, 'us-east-1', NOW)).rejects.toThrow(
      CanaryTouchError,
    );
    await expect(toucher.touch(CANARIES[0]?.arn as string, 'us-east-1', NOW)).rejects.toThrow(
      /AccessDeniedException: denied/,
    );
  });

  it.each([undefined, '', 'us-east-1', 'us-east-1=notanarn'])(
    'refuses HEARTBEAT_CANARIES %p with a clear error',
    (value) => {
      expect(() => readCanaries(value)).toThrow(/HEARTBEAT_CANARIES/);
    },
  );
});
