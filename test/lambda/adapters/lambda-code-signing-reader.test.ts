/**
 * moto 5.2.5 answers GetFunctionCodeSigningConfig (the ARN given at CreateFunction) but implements
 * no code signing configuration (GetCodeSigningConfig, CreateCodeSigningConfig): the adapter is
 * tested here with aws-sdk-client-mock, with the shapes of @aws-sdk/client-lambda's models.
 */
import {
  GetCodeSigningConfigCommand,
  GetFunctionCodeSigningConfigCommand,
  LambdaClient,
} from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { LambdaCodeSigningReader } from '../../../lambda/adapters/lambda-code-signing-reader.js';
import type { FunctionRef } from '../../../lambda/domain/model.js';

const lambda = mockClient(LambdaClient);
const fn: FunctionRef = {
  arn: 'arn:aws:lambda:eu-west-1:111122223333:function:orders',
  name: 'orders',
  account: '111122223333',
  region: 'eu-west-1',
  partition: 'aws',
};
const CSC = 'arn:aws:lambda:eu-west-1:111122223333:code-signing-config:csc-0a1b2c3d4e5f6a7b8';
const PROFILE = 'arn:aws:signer:eu-west-1:111122223333:/signing-profiles/release/abcdEFGH12';

function sdkError(name: string, message: string): Error {
  return Object.assign(new Error(message), { name, $metadata: {} });
}

function config(mode: 'Enforce' | 'Warn' | undefined) {
  return {
    CodeSigningConfig: {
      CodeSigningConfigId: 'csc-0a1b2c3d4e5f6a7b8',
      CodeSigningConfigArn: CSC,
      AllowedPublishers: { SigningProfileVersionArns: [PROFILE] },
      CodeSigningPolicies: mode ? { UntrustedArtifactOnDeployment: mode } : {},
      LastModified: '2026-03-01T00:00:00.000+0000',
    },
  };
}

describe('LambdaCodeSigningReader', () => {
  beforeEach(() => lambda.reset());
  const reader = () => {
    const asked: string[] = [];
    const r = new LambdaCodeSigningReader((account, region) => {
      asked.push(`${account}/${region}`);
      return new LambdaClient({ region });
    });
    return { r, asked };
  };

  it.each([
    ['Enforce', 'enforce'],
    ['Warn', 'warn'],
    [undefined, 'warn'], // Lambda's default when the configuration does not say
  ] as const)('reads the configuration the function names, in its account: %s -> %s', async (mode, state) => {
    lambda
      .on(GetFunctionCodeSigningConfigCommand, { FunctionName: fn.arn })
      .resolves({ CodeSigningConfigArn: CSC, FunctionName: 'orders' })
      .on(GetCodeSigningConfigCommand, { CodeSigningConfigArn: CSC })
      .resolves(config(mode));
    const { r, asked } = reader();
    await expect(r.readCodeSigning(fn)).resolves.toEqual({
      state,
      configArn: CSC,
      allowedPublishers: [PROFILE],
      detail: null,
    });
    expect(asked).toEqual(['111122223333/eu-west-1']);
  });

  it.each([[undefined], ['']])(
    'a function without a configuration (%j) has none, and nothing more is asked',
    async (arn) => {
      lambda
        .on(GetFunctionCodeSigningConfigCommand)
        .resolves({ CodeSigningConfigArn: arn, FunctionName: 'orders' });
      await expect(reader().r.readCodeSigning(fn)).resolves.toMatchObject({ state: 'none', configArn: null });
      expect(lambda).toHaveReceivedCommandTimes(GetCodeSigningConfigCommand, 0);
    },
  );

  it('a container image function is not supported, not unread', async () => {
    lambda
      .on(GetFunctionCodeSigningConfigCommand)
      .rejects(
        sdkError(
          'InvalidParameterValueException',
          'Code signing is not supported for functions created with container images.',
        ),
      );
    await expect(reader().r.readCodeSigning(fn)).resolves.toMatchObject({ state: 'not-supported' });
  });

  it('names what it could not read, and keeps the configuration ARN it knows', async () => {
    lambda.on(GetFunctionCodeSigningConfigCommand).rejects(sdkError('AccessDeniedException', 'no'));
    await expect(reader().r.readCodeSigning(fn)).resolves.toEqual({
      state: 'not-read',
      configArn: null,
      allowedPublishers: [],
      detail: 'GetFunctionCodeSigningConfig: AccessDeniedException: no',
    });
    lambda.reset();
    lambda
      .on(GetFunctionCodeSigningConfigCommand)
      .resolves({ CodeSigningConfigArn: CSC, FunctionName: 'orders' })
      .on(GetCodeSigningConfigCommand)
      .rejects(
        sdkError('AwsCallTimeoutError', 'Lambda GetCodeSigningConfigCommand gave no answer within 3000 ms'),
      );
    await expect(reader().r.readCodeSigning(fn)).resolves.toMatchObject({
      state: 'not-read',
      configArn: CSC,
      detail: expect.stringContaining('AwsCallTimeoutError'),
    });
  });

  it('does not ask for a configuration ARN of another form', async () => {
    lambda
      .on(GetFunctionCodeSigningConfigCommand)
      .resolves({ CodeSigningConfigArn: 'arn:aws:s3:::bucket', FunctionName: 'orders' });
    await expect(reader().r.readCodeSigning(fn)).resolves.toMatchObject({ state: 'not-read' });
    expect(lambda).toHaveReceivedCommandTimes(GetCodeSigningConfigCommand, 0);
  });
});
