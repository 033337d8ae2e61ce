import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import {
  assumedRoleCredentials,
  clientsPerAccount,
  RoleAssumptionError,
} from '../../../lambda/adapters/accounts.js';

const sts = mockClient(STSClient);
const T0 = Date.parse('2026-03-14T09:00:00Z');
const creds = (expiresInMin: number, key = 'ASIATEMP') => ({
  Credentials: {
    AccessKeyId: key,
    SecretAccessKey: 's',
    SessionToken: 't',
    Expiration: new Date(T0 + expiresInMin * 60_000),
  },
});

describe('assumedRoleCredentials', () => {
  beforeEach(() => sts.reset());

  it('assumes the role once and reuses the credentials until five minutes before they expire', async () => {
    let now = T0;
    sts.on(AssumeRoleCommand).resolvesOnce(creds(60, 'FIRST')).resolves(creds(120, 'SECOND'));
    const provider = assumedRoleCredentials(
      new STSClient({}),
      'arn:aws:iam::222233334444:role/LayerWatchReadOnly',
      () => now,
    );
    expect((await provider()).accessKeyId).toBe('FIRST');
    now = T0 + 50 * 60_000;
    expect((await provider()).accessKeyId).toBe('FIRST');
    now = T0 + 56 * 60_000;
    expect((await provider()).accessKeyId).toBe('SECOND');
    expect(sts).toHaveReceivedCommandTimes(AssumeRoleCommand, 2);
    expect(sts).toHaveReceivedCommandWith(AssumeRoleCommand, {
      RoleArn: 'arn:aws:iam::222233334444:role/LayerWatchReadOnly',
      RoleSessionName: 'layerwatch',
    });
  });

  it('shares one AssumeRole between concurrent callers', async () => {
    sts.on(AssumeRoleCommand).resolves(creds(60));
    const provider = assumedRoleCredentials(new STSClient({}), 'arn:aws:iam::222233334444:role/r', () => T0);
    await Promise.all([provider(), provider(), provider()]);
    expect(sts).toHaveReceivedCommandTimes(AssumeRoleCommand, 1);
  });

  it('fails as access denied, naming the role, when the role cannot be assumed', async () => {
    sts.on(AssumeRoleCommand).rejects(Object.assign(new Error('not authorized'), { name: 'AccessDenied' }));
    const provider = assumedRoleCredentials(
      new STSClient({}),
      'arn:aws:iam::222233334444:role/missing',
      () => T0,
    );
    const error = await provider().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RoleAssumptionError);
    expect((error as Error).name).toBe('AccessDenied');
    expect((error as Error).message).toContain('cannot assume arn:aws:iam::222233334444:role/missing');
  });
});

describe('clientsPerAccount', () => {
  it('uses the default credentials at home, an assumed role elsewhere, one client per account and region', () => {
    const made: { region: string; assumed: boolean }[] = [];
    const clientFor = clientsPerAccount(
      { homeAccount: '111122223333', memberRoleName: 'LayerWatchReadOnly' },
      new STSClient({}),
      (region, credentials) => {
        made.push({ region, assumed: credentials !== undefined });
        return { region };
      },
    );
    expect(clientFor('111122223333', 'us-east-1')).toBe(clientFor('111122223333', 'us-east-1'));
    clientFor('222233334444', 'us-east-1');
    clientFor('222233334444', 'eu-west-1');
    expect(made).toEqual([
      { region: 'us-east-1', assumed: false },
      { region: 'us-east-1', assumed: true },
      { region: 'eu-west-1', assumed: true },
    ]);
  });

  it('refuses other accounts when no member role is configured', async () => {
    let provider: (() => Promise<unknown>) | undefined;
    const clientFor = clientsPerAccount(
      { homeAccount: '111122223333', memberRoleName: null },
      new STSClient({}),
      (_region, credentials) => {
        provider = credentials;
        return {};
      },
    );
    clientFor('222233334444', 'us-east-1');
    await expect(provider?.()).rejects.toThrow(/no member role is configured/);
  });

  it('builds a deferred STS client only when another account is first reached', async () => {
    let builds = 0;
    const clientFor = clientsPerAccount(
      { homeAccount: '111122223333', memberRoleName: 'LayerWatchReadOnly' },
      () => {
        builds += 1;
        return new STSClient({});
      },
      (_region, credentials) => ({ credentials }),
    );
    clientFor('111122223333', 'us-east-1');
    const member = clientFor('222233334444', 'us-east-1');
    expect(builds).toBe(0);
    await member.credentials?.().catch(() => undefined);
    expect(builds).toBe(1);
  });
});
