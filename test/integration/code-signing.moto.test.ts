/**
 * The code signing reader against moto over HTTP. moto 5.2.5 answers GetFunctionCodeSigningConfig
 * with the CodeSigningConfigArn given at CreateFunction, and implements no code signing
 * configuration (GetCodeSigningConfig): the configuration's mode and profiles are tested with
 * aws-sdk-client-mock (test/lambda/adapters/lambda-code-signing-reader.test.ts); here, the call
 * shapes against a real endpoint, and what a configuration that cannot be read becomes.
 */
import { CreateFunctionCommand } from '@aws-sdk/client-lambda';
import { LambdaCodeSigningReader } from '../../lambda/adapters/lambda-code-signing-reader.js';
import { parseFunctionArn } from '../../lambda/domain/arn.js';
import { observability } from '../support/fakes.js';
import { type Moto, startMoto } from '../support/moto.js';
import type { Rec } from '../support/records.js';
import { createWorld, type World } from '../support/world.js';

/** The API's response inside the CloudTrail record the world builds (an EventBridge envelope). */
const responseOf = (event: Rec): unknown => ((event.detail ?? event) as Rec).responseElements;

let moto: Moto;
let w: World;

beforeAll(async () => {
  moto = await startMoto();
  w = await createWorld(moto.endpoint, observability());
}, 60_000);

afterAll(async () => {
  await moto?.stop();
});

describe('LambdaCodeSigningReader against moto', () => {
  const reader = () => new LambdaCodeSigningReader(() => w.lambdaA);

  it('a function without a code signing configuration has none', async () => {
    const created = await w.createFn('unsigned-fn');
    const fn = parseFunctionArn((responseOf(created) as { functionArn: string }).functionArn);
    if (!fn) throw new Error('no function ARN');
    await expect(reader().readCodeSigning(fn)).resolves.toEqual({
      state: 'none',
      configArn: null,
      allowedPublishers: [],
      detail: null,
    });
  });

  it('a configuration the function names but that cannot be read is not-read, with its ARN and the reason', async () => {
    const csc = 'arn:aws:lambda:us-east-1:111111111111:code-signing-config:csc-0a1b2c3d4e5f6a7b8';
    const created = await w.createFn('signed-fn');
    const role = (responseOf(created) as { role: string }).role;
    const out = await w.lambdaA.send(
      new CreateFunctionCommand({
        FunctionName: 'signed-fn-2',
        Runtime: 'python3.12',
        Role: role,
        Handler: 'index.handler',
        Code: { ZipFile: Buffer.from('UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA==', 'base64') },
        CodeSigningConfigArn: csc,
      }),
    );
    const fn = parseFunctionArn(out.FunctionArn ?? '');
    if (!fn) throw new Error('no function ARN');
    await expect(reader().readCodeSigning(fn)).resolves.toMatchObject({
      state: 'not-read',
      configArn: csc,
      detail: expect.stringMatching(/^GetCodeSigningConfig: /),
    });
  });
});
