import { GetLayerVersionCommand, GetLayerVersionPolicyCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { LambdaLayerReader, sharingOf } from '../../../lambda/adapters/lambda-layer-reader.js';

const lambda = mockClient(LambdaClient);
const arn = 'arn:aws:lambda:eu-west-1:444455556666:layer:ext:3';
const sdkError = (name: string) => Object.assign(new Error(`${name} message`), { name, $metadata: {} });
const reader = () => new LambdaLayerReader((_account, region) => new LambdaClient({ region }));

describe('LambdaLayerReader', () => {
  beforeEach(() => lambda.reset());

  it('reads the version by layer ARN and number in its own region, with its policy', async () => {
    lambda.on(GetLayerVersionCommand).resolves({
      Description: 'perf monitor',
      CreatedDate: '2026-03-14T08:00:00.000+0000',
      Content: {
        CodeSize: 2120,
        CodeSha256: 'abc=',
        SigningProfileVersionArn: 'arn:aws:signer:eu-west-1:444455556666:/signing-profiles/p/1',
      },
      CompatibleRuntimes: ['python3.12'],
    });
    lambda.on(GetLayerVersionPolicyCommand).resolves({
      Policy: JSON.stringify({
        Statement: [{ Effect: 'Allow', Principal: '*', Action: 'lambda:GetLayerVersion' }],
      }),
    });
    const lookup = await reader().readLayer(arn, '111122223333');
    expect(lookup).toEqual({
      status: 'ok',
      details: {
        description: 'perf monitor',
        createdDate: '2026-03-14T08:00:00.000+0000',
        codeSize: 2120,
        codeSha256: 'abc=',
        signingProfileVersionArn: 'arn:aws:signer:eu-west-1:444455556666:/signing-profiles/p/1',
        signingJobArn: null,
        compatibleRuntimes: ['python3.12'],
      },
      sharing: 'public',
      sharedWith: ['*'],
    });
    expect(lambda).toHaveReceivedCommandWith(GetLayerVersionCommand, {
      LayerName: 'arn:aws:lambda:eu-west-1:444455556666:layer:ext',
      VersionNumber: 3,
    });
    expect(await lambda.call(0).thisValue.config.region()).toBe('eu-west-1');
  });

  it('reads a version without a policy as private', async () => {
    lambda.on(GetLayerVersionCommand).resolves({ Content: {} });
    lambda.on(GetLayerVersionPolicyCommand).rejects(sdkError('ResourceNotFoundException'));
    await expect(reader().readLayer(arn, '111122223333')).resolves.toMatchObject({
      status: 'ok',
      sharing: 'private',
      sharedWith: [],
    });
  });

  it('keeps the details when the policy cannot be read', async () => {
    lambda.on(GetLayerVersionCommand).resolves({ Content: {} });
    lambda.on(GetLayerVersionPolicyCommand).rejects(sdkError('AccessDeniedException'));
    await expect(reader().readLayer(arn, '111122223333')).resolves.toMatchObject({
      status: 'ok',
      sharing: 'unknown',
    });
  });

  it.each([
    ['AccessDeniedException', 'access-denied'],
    ['ResourceNotFoundException', 'not-found'],
    ['TooManyRequestsException', 'error'],
  ])('reports %s as %s', async (name, status) => {
    lambda.on(GetLayerVersionCommand).rejects(sdkError(name));
    await expect(reader().readLayer(arn, '111122223333')).resolves.toMatchObject({ status });
  });

  it('reads any HTTP 403 as access denied, whatever the error body (a proxy, an XML answer)', async () => {
    lambda.on(GetLayerVersionCommand).rejects(
      Object.assign(new Error('Unexpected token <'), {
        name: 'SyntaxError',
        $metadata: { httpStatusCode: 403 },
      }),
    );
    await expect(reader().readLayer(arn, '111122223333')).resolves.toMatchObject({ status: 'access-denied' });
  });

  it('refuses what is not a layer version ARN without calling AWS', async () => {
    await expect(
      reader().readLayer('arn:aws:lambda:eu-west-1:444455556666:layer:ext', '111122223333'),
    ).resolves.toMatchObject({ status: 'error' });
    expect(lambda.calls()).toHaveLength(0);
  });
});

describe('sharingOf', () => {
  it.each([
    ['one account', [{ Effect: 'Allow', Principal: { AWS: '111122223333' } }], 'shared', ['111122223333']],
    [
      'an organization',
      [{ Effect: 'Allow', Principal: '*', Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-abc' } } }],
      'shared',
      ['organization o-abc'],
    ],
    ['everyone', [{ Effect: 'Allow', Principal: '*' }], 'public', ['*']],
    ['nobody', [], 'private', []],
  ])('%s', (_n, statements, sharing, sharedWith) => {
    expect(sharingOf(JSON.stringify({ Statement: statements }))).toEqual({ sharing, sharedWith });
  });
});
