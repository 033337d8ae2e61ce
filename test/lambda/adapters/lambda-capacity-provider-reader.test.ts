import { LambdaClient, ListFunctionVersionsByCapacityProviderCommand } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import {
  LambdaCapacityProviderReader,
  MAX_CAPACITY_PROVIDER_FUNCTIONS,
} from '../../../lambda/adapters/lambda-capacity-provider-reader.js';

const lambda = mockClient(LambdaClient);
const CP = 'arn:aws:lambda:eu-west-1:111122223333:capacity-provider:shared-hosts';
const fn = (name: string, v = '1') => ({
  FunctionArn: `arn:aws:lambda:eu-west-1:111122223333:function:${name}:${v}`,
  State: 'Active' as const,
});

function reader() {
  const asked: string[] = [];
  const r = new LambdaCapacityProviderReader((account, region) => {
    asked.push(`${account}/${region}`);
    return new LambdaClient({ region });
  });
  return { r, asked };
}

describe('LambdaCapacityProviderReader', () => {
  beforeEach(() => lambda.reset());

  it("follows the pages in the capacity provider's own account and region", async () => {
    lambda
      .on(ListFunctionVersionsByCapacityProviderCommand, { CapacityProviderName: CP, Marker: undefined })
      .resolves({ CapacityProviderArn: CP, FunctionVersions: [fn('pay'), fn('pay', '2')], NextMarker: 'm1' })
      .on(ListFunctionVersionsByCapacityProviderCommand, { CapacityProviderName: CP, Marker: 'm1' })
      .resolves({ CapacityProviderArn: CP, FunctionVersions: [fn('orders', '$LATEST.PUBLISHED')] });
    const { r, asked } = reader();
    await expect(r.functionsOn(CP)).resolves.toEqual({
      arn: CP,
      functions: [
        fn('pay').FunctionArn,
        fn('pay', '2').FunctionArn,
        fn('orders', '$LATEST.PUBLISHED').FunctionArn,
      ],
      complete: true,
    });
    expect(asked).toEqual(['111122223333/eu-west-1']);
    expect(lambda).toHaveReceivedCommandWith(ListFunctionVersionsByCapacityProviderCommand, {
      CapacityProviderName: CP,
      MaxItems: 50,
    });
  });

  it('stops at its bound and says the listing is not complete', async () => {
    let page = 0;
    lambda.on(ListFunctionVersionsByCapacityProviderCommand).callsFake(() => {
      page += 1;
      return {
        CapacityProviderArn: CP,
        FunctionVersions: Array.from({ length: 50 }, (_, i) => fn(`f${page}-${i}`)),
        NextMarker: `m${page}`,
      };
    });
    const out = await reader().r.functionsOn(CP);
    expect(out).toMatchObject({ complete: false });
    expect('functions' in out && out.functions.length).toBe(MAX_CAPACITY_PROVIDER_FUNCTIONS);
    expect(lambda).toHaveReceivedCommandTimes(ListFunctionVersionsByCapacityProviderCommand, 2);
  });

  it('answers a failure instead of throwing, and asks nothing for what is not a capacity provider ARN', async () => {
    lambda
      .on(ListFunctionVersionsByCapacityProviderCommand)
      .rejects(Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' }));
    await expect(reader().r.functionsOn(CP)).resolves.toEqual({
      arn: CP,
      error: 'AccessDeniedException: not authorized',
    });
    await expect(
      reader().r.functionsOn('arn:aws:lambda:eu-west-1:111122223333:function:pay'),
    ).resolves.toEqual({
      arn: 'arn:aws:lambda:eu-west-1:111122223333:function:pay',
      error: 'not a capacity provider ARN',
    });
    expect(lambda).toHaveReceivedCommandTimes(ListFunctionVersionsByCapacityProviderCommand, 1);
  });
});
