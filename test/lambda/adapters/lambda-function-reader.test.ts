import { GetFunctionConfigurationCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { LambdaFunctionReader } from '../../../lambda/adapters/lambda-function-reader.js';
import type { FunctionRef } from '../../../lambda/domain/model.js';

const lambda = mockClient(LambdaClient);
const fn: FunctionRef = {
  arn: 'arn:aws:lambda:eu-west-1:111122223333:function:orders',
  name: 'orders',
  account: '111122223333',
  region: 'eu-west-1',
  partition: 'aws',
};

function sdkError(name: string): Error {
  return Object.assign(new Error(`${name} message`), { name, $metadata: {} });
}

describe('LambdaFunctionReader', () => {
  beforeEach(() => lambda.reset());

  it('reads a published version with the version as Qualifier, and $LATEST without one', async () => {
    lambda
      .on(GetFunctionConfigurationCommand, { Qualifier: '8' })
      .resolves({ Layers: [{ Arn: 'arn:aws:lambda:eu-west-1:111122223333:layer:a:1' }], Version: '8' })
      .on(GetFunctionConfigurationCommand, { FunctionName: fn.arn, Qualifier: undefined })
      .resolves({ Layers: [] });
    const reader = new LambdaFunctionReader((_a, region) => new LambdaClient({ region }));
    await expect(reader.readConfiguration(fn, '8')).resolves.toMatchObject({
      status: 'ok',
      layers: ['arn:aws:lambda:eu-west-1:111122223333:layer:a:1'],
    });
    await expect(reader.readConfiguration(fn)).resolves.toMatchObject({ status: 'ok', layers: [] });
    expect(lambda).toHaveReceivedCommandWith(GetFunctionConfigurationCommand, {
      FunctionName: fn.arn,
      Qualifier: '8',
    });
    expect(lambda.commandCalls(GetFunctionConfigurationCommand)[1]?.args[0].input).toEqual({
      FunctionName: fn.arn,
    });
  });

  it("reads the function's layers in the function's own region, by ARN", async () => {
    lambda.on(GetFunctionConfigurationCommand).resolves({
      Layers: [{ Arn: 'arn:aws:lambda:eu-west-1:111122223333:layer:a:1' }],
      Runtime: 'nodejs22.x',
      Role: 'arn:aws:iam::111122223333:role/r',
    });
    const asked: string[] = [];
    const reader = new LambdaFunctionReader((account, region) => {
      asked.push(`${account}|${region}`);
      return new LambdaClient({ region });
    });
    await expect(reader.readConfiguration(fn)).resolves.toEqual({
      status: 'ok',
      layers: ['arn:aws:lambda:eu-west-1:111122223333:layer:a:1'],
      runtime: 'nodejs22.x',
      role: 'arn:aws:iam::111122223333:role/r',
      hooks: {},
    });
    await reader.readConfiguration(fn);
    expect(asked).toEqual(['111122223333|eu-west-1', '111122223333|eu-west-1']);
    expect(lambda).toHaveReceivedCommandWith(GetFunctionConfigurationCommand, { FunctionName: fn.arn });
  });

  it('reads the capacity provider of a Managed Instances function', async () => {
    const arn = 'arn:aws:lambda:eu-west-1:111122223333:capacity-provider:shared-hosts';
    lambda.on(GetFunctionConfigurationCommand).resolves({
      CapacityProviderConfig: { LambdaManagedInstancesCapacityProviderConfig: { CapacityProviderArn: arn } },
    });
    const reader = new LambdaFunctionReader((_account, region) => new LambdaClient({ region }));
    await expect(reader.readConfiguration(fn)).resolves.toMatchObject({
      status: 'ok',
      capacityProvider: arn,
    });
  });

  it('reads a function without layers as an empty list', async () => {
    lambda.on(GetFunctionConfigurationCommand).resolves({});
    const reader = new LambdaFunctionReader((_account, region) => new LambdaClient({ region }));
    await expect(reader.readConfiguration(fn)).resolves.toMatchObject({ status: 'ok', layers: [] });
  });

  it.each([
    ['ResourceNotFoundException', 'not-found'],
    ['AccessDeniedException', 'access-denied'],
    ['TooManyRequestsException', 'error'],
    ['ServiceException', 'error'],
  ])('reports %s as %s instead of throwing', async (name, status) => {
    lambda.on(GetFunctionConfigurationCommand).rejects(sdkError(name));
    const reader = new LambdaFunctionReader((_account, region) => new LambdaClient({ region }));
    const result = await reader.readConfiguration(fn);
    expect(result.status).toBe(status);
    expect('message' in result && result.message).toContain(name);
  });
});
