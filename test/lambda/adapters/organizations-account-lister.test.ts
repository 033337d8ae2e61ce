import { ListAccountsCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import {
  inactiveReason,
  OrganizationsAccountLister,
  OrganizationsListError,
} from '../../../lambda/adapters/organizations-account-lister.js';

const orgs = mockClient(OrganizationsClient);
const active = (Id: string) => ({ Id, Status: 'ACTIVE' as const, State: 'ACTIVE' as const });

describe('inactiveReason', () => {
  it.each([
    [{ Status: 'ACTIVE', State: 'ACTIVE' }, null],
    [{ Status: 'ACTIVE' }, null],
    [{ State: 'ACTIVE' }, null],
    [{ Status: 'ACTIVE', State: 'PENDING_ACTIVATION' }, 'State PENDING_ACTIVATION'],
    [{ Status: 'ACTIVE', State: 'CLOSED' }, 'State CLOSED'],
    [{ Status: 'SUSPENDED', State: 'ACTIVE' }, 'Status SUSPENDED'],
    [{ Status: 'PENDING_CLOSURE' }, 'Status PENDING_CLOSURE'],
    [{}, 'no Status or State'],
  ])('%j -> %s', (account, expected) => {
    expect(inactiveReason(account)).toBe(expected);
  });
});

describe('OrganizationsAccountLister', () => {
  beforeEach(() => orgs.reset());

  it('follows every page and keeps the active accounts only, saying why the others are out', async () => {
    orgs
      .on(ListAccountsCommand, { NextToken: undefined })
      .resolves({
        Accounts: [active('222222222222'), { Id: '333333333333', Status: 'SUSPENDED' }],
        NextToken: 't1',
      })
      .on(ListAccountsCommand, { NextToken: 't1' })
      .resolves({ Accounts: [active('111111111111'), { Id: 'nope', State: 'ACTIVE' }] });
    const listing = await new OrganizationsAccountLister(new OrganizationsClient({}), {
      now: () => 5,
    }).activeAccounts();
    expect(listing).toEqual({
      accounts: ['111111111111', '222222222222'],
      excluded: [
        { id: '333333333333', status: 'Status SUSPENDED' },
        { id: 'nope', status: 'not an account id: "nope"' },
      ],
      listedAt: 5,
    });
    expect(orgs.commandCalls(ListAccountsCommand)).toHaveLength(2);
  });

  it('reuses a listing until its TTL passes, then lists again', async () => {
    let now = 0;
    orgs.on(ListAccountsCommand).resolves({ Accounts: [active('111111111111')] });
    const lister = new OrganizationsAccountLister(new OrganizationsClient({}), {
      ttlMs: 1000,
      now: () => now,
    });
    await lister.activeAccounts();
    now = 999;
    await lister.activeAccounts();
    expect(orgs.commandCalls(ListAccountsCommand)).toHaveLength(1);
    now = 1000;
    await lister.activeAccounts();
    expect(orgs.commandCalls(ListAccountsCommand)).toHaveLength(2);
  });

  it('shares one listing between concurrent callers', async () => {
    orgs.on(ListAccountsCommand).resolves({ Accounts: [active('111111111111')] });
    const lister = new OrganizationsAccountLister(new OrganizationsClient({}));
    const [a, b] = await Promise.all([lister.activeAccounts(), lister.activeAccounts()]);
    expect(a).toBe(b);
    expect(orgs.commandCalls(ListAccountsCommand)).toHaveLength(1);
  });

  it('throws an OrganizationsListError with the cause, and does not cache the failure', async () => {
    orgs
      .on(ListAccountsCommand)
      .rejectsOnce(Object.assign(new Error('not the management account'), { name: 'AccessDeniedException' }))
      .resolves({ Accounts: [active('111111111111')] });
    const lister = new OrganizationsAccountLister(new OrganizationsClient({}));
    const error = await lister.activeAccounts().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OrganizationsListError);
    expect((error as Error).message).toBe(
      "cannot list the organization's accounts (AccessDeniedException: not the management account)",
    );
    await expect(lister.activeAccounts()).resolves.toMatchObject({ accounts: ['111111111111'] });
  });
});
