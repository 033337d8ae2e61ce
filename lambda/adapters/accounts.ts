/**
 * SDK clients per (account, region). The detector's own account uses its own credentials; any other
 * account is reached through that account's read-only role, assumed with STS and cached until five
 * minutes before the credentials expire.
 */
import { AssumeRoleCommand, type STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import type { DeclaredCall } from './calls.js';
import { built, type Deferred } from './client-options.js';

/** What reaching another account sends (see calls.ts). */
export const MEMBER_ACCESS_CALLS: readonly DeclaredCall[] = [
  { action: 'sts:AssumeRole', resource: 'member-role' },
];

export interface AccountAccess {
  /** The detector's own account. */
  homeAccount: string;
  /** Name of the read-only role in member accounts; null: other accounts are not reachable. */
  memberRoleName: string | null;
  partition?: string;
}

const REFRESH_MARGIN_MS = 5 * 60_000;

export class RoleAssumptionError extends Error {
  override name = 'AccessDenied';
}

/** A credentials provider for `roleArn`, cached until near expiry. */
export function assumedRoleCredentials(
  sts: Deferred<STSClient>,
  roleArn: string,
  now: () => number = Date.now,
): AwsCredentialIdentityProvider {
  let cached: AwsCredentialIdentity | null = null;
  let pending: Promise<AwsCredentialIdentity> | null = null;
  return async () => {
    if (cached?.expiration && cached.expiration.getTime() - REFRESH_MARGIN_MS > now()) return cached;
    pending ??= (async () => {
      try {
        const out = await built(sts).send(
          new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'layerwatch', DurationSeconds: 3600 }),
        );
        const c = out.Credentials;
        if (!c?.AccessKeyId || !c.SecretAccessKey) throw new Error('AssumeRole returned no credentials');
        cached = {
          accessKeyId: c.AccessKeyId,
          secretAccessKey: c.SecretAccessKey,
          sessionToken: c.SessionToken,
          expiration: c.Expiration,
        };
        return cached;
      } catch (error) {
        const e = error as Error;
        throw new RoleAssumptionError(`cannot assume ${roleArn} (${e.name}: ${e.message})`, { cause: error });
      } finally {
        pending = null;
      }
    })();
    return pending;
  };
}

/**
 * Memoized clients per account and region. `make(region, credentials)` builds a client; credentials
 * are undefined for the home account (the default chain). `sts` may be deferred: it is built at the
 * first role assumption (a deployment that reads only its own account never builds it).
 */
export function clientsPerAccount<T>(
  access: AccountAccess,
  sts: Deferred<STSClient>,
  make: (region: string, credentials?: AwsCredentialIdentityProvider) => T,
): (account: string, region: string) => T {
  const clients = new Map<string, T>();
  const credentials = new Map<string, AwsCredentialIdentityProvider>();
  return (account, region) => {
    const key = `${account}|${region}`;
    let client = clients.get(key);
    if (!client) {
      if (account === access.homeAccount) client = make(region);
      else {
        let provider = credentials.get(account);
        if (!provider) {
          provider = access.memberRoleName
            ? assumedRoleCredentials(
                sts,
                `arn:${access.partition ?? 'aws'}:iam::${account}:role/${access.memberRoleName}`,
              )
            : async () => {
                throw new RoleAssumptionError(
                  `account ${account} is not the detector's and no member role is configured`,
                );
              };
          credentials.set(account, provider);
        }
        client = make(region, provider);
      }
      clients.set(key, client);
    }
    return client;
  };
}
