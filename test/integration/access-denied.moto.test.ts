/**
 * A layer the detector may not read, against moto with IAM enforcement on: the detector's
 * credentials allow what its role allows in AWS, minus lambda:GetLayerVersion*. The alert still goes
 * out, and says the layer could not be read.
 */
import {
  CreateAccessKeyCommand,
  CreateUserCommand,
  IAMClient,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import { observability } from '../support/fakes.js';
import { type Credentials, clientConfig, type Moto, startMoto } from '../support/moto.js';
import { createWorld, MOTO_DEFAULT_ACCOUNT, type World } from '../support/world.js';

let moto: Moto;
let w: World;
let detector: Credentials;

async function user(iam: IAMClient, name: string, actions: string[]): Promise<Credentials> {
  await iam.send(new CreateUserCommand({ UserName: name }));
  await iam.send(
    new PutUserPolicyCommand({
      UserName: name,
      PolicyName: 'policy',
      PolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: actions, Resource: '*' }],
      }),
    }),
  );
  const key = (await iam.send(new CreateAccessKeyCommand({ UserName: name }))).AccessKey;
  return { accessKeyId: key?.AccessKeyId as string, secretAccessKey: key?.SecretAccessKey as string };
}

beforeAll(async () => {
  // The first 6 requests (creating two users) are unauthenticated; every later one is checked.
  moto = await startMoto({ INITIAL_NO_AUTH_ACTION_COUNT: '6' });
  const iam = new IAMClient(clientConfig(moto.endpoint));
  const admin = await user(iam, 'admin', ['*']);
  detector = await user(iam, 'detector', [
    'lambda:GetFunctionConfiguration',
    'dynamodb:GetItem',
    'dynamodb:PutItem',
    'dynamodb:UpdateItem',
    'dynamodb:DeleteItem',
    'sns:Publish',
  ]);
  w = await createWorld(moto.endpoint, observability(), 'denied-alerts', admin, MOTO_DEFAULT_ACCOUNT);
}, 60_000);

afterAll(async () => {
  await moto?.stop();
});

it('alerts on a layer it may not read (AccessDenied), naming what is missing', async () => {
  const handler = w.makeHandler({ credentials: detector });
  await handler(await w.createFn('denied'));
  await w.delivered();
  const ext = await w.publish(w.lambdaA, 'secret-ext');
  await expect(handler(await w.updateFn('denied', { Layers: [ext] }))).resolves.toMatchObject({
    outcome: 'published',
    detectionId: 'lambda-layer-added',
  });
  const [alert] = await w.delivered();
  expect(alert?.finding.provenance).toEqual([
    expect.objectContaining({ versionArn: ext, lookup: 'access-denied' }),
  ]);
  expect(((alert?.finding.gaps ?? []) as string[]).join(' ')).toMatch(/secret-ext:1: access-denied/);
  expect(((alert?.finding.reasons ?? []) as string[]).join(' ')).toMatch(/may not read .*secret-ext:1/);
});
