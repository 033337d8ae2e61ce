/**
 * The organization's active accounts, from Organizations' ListAccounts (paginated; callable from
 * the management account or a delegated administrator). An account counts as active when every
 * status field it carries says ACTIVE: `State` (the newer field, which also knows
 * PENDING_ACTIVATION and CLOSED) and the older `Status`. The list is cached for a TTL on an
 * injected clock; concurrent callers share one listing, and a failed listing is not cached.
 */
import { ListAccountsCommand, type OrganizationsClient } from '@aws-sdk/client-organizations';
import type { DeclaredCall } from './calls.js';

export interface AccountListing {
  /** Active account ids, sorted. */
  accounts: string[];
  /** Accounts left out, with the status that kept them out. */
  excluded: { id: string; status: string }[];
  /** When the listing was made (clock milliseconds). */
  listedAt: number;
}

export interface OrganizationsAccountListerOptions {
  /** How long a listing is reused. @default 15 minutes */
  ttlMs?: number;
  now?: () => number;
  /** MaxResults of each ListAccounts page (1-20). @default the service's */
  pageSize?: number;
}

export class OrganizationsListError extends Error {
  override name = 'OrganizationsListError';
}

interface AccountEntry {
  Id?: string;
  Status?: string;
  State?: string;
}

/** Null when the account is active, else why it is not. */
export function inactiveReason(account: AccountEntry): string | null {
  const { State: state, Status: status } = account;
  if (state === undefined && status === undefined) return 'no Status or State';
  if (state !== undefined && state !== 'ACTIVE') return `State ${state}`;
  if (status !== undefined && status !== 'ACTIVE') return `Status ${status}`;
  return null;
}

export class OrganizationsAccountLister {
  /** What this adapter sends (see calls.ts). ListAccounts supports no resource-level permission. */
  static readonly calls: readonly DeclaredCall[] = [
    { action: 'organizations:ListAccounts', resource: 'any' },
  ];

  private readonly ttlMs: number;
  private readonly now: () => number;
  private readonly pageSize: number | undefined;
  private cached: AccountListing | null = null;
  private pending: Promise<AccountListing> | null = null;

  constructor(
    private readonly client: OrganizationsClient,
    options: OrganizationsAccountListerOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? 15 * 60_000;
    this.now = options.now ?? Date.now;
    this.pageSize = options.pageSize;
  }

  /** The active accounts, from the cache while it is fresh. Throws when they cannot be listed. */
  async activeAccounts(): Promise<AccountListing> {
    if (this.cached && this.now() - this.cached.listedAt < this.ttlMs) return this.cached;
    this.pending ??= this.list().finally(() => {
      this.pending = null;
    });
    return this.pending;
  }

  private async list(): Promise<AccountListing> {
    const listedAt = this.now();
    const accounts = new Set<string>();
    const excluded: AccountListing['excluded'] = [];
    let token: string | undefined;
    try {
      do {
        const page = await this.client.send(
          new ListAccountsCommand({ NextToken: token, MaxResults: this.pageSize }),
        );
        for (const a of page.Accounts ?? []) {
          const id = a.Id ?? '';
          const reason = /^\d{12}$/.test(id) ? inactiveReason(a) : `not an account id: "${id}"`;
          if (reason) excluded.push({ id, status: reason });
          else accounts.add(id);
        }
        token = page.NextToken;
      } while (token);
    } catch (error) {
      const e = error as Error;
      throw new OrganizationsListError(`cannot list the organization's accounts (${e.name}: ${e.message})`, {
        cause: error,
      });
    }
    this.cached = { accounts: [...accounts].sort(), excluded, listedAt };
    return this.cached;
  }
}
