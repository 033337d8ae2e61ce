/**
 * Account discovery against moto's Organizations: an organization with five created accounts
 * (plus the management account), listed two per page; a closed account drops out once the cached
 * listing expires.
 */
import {
  CloseAccountCommand,
  CreateAccountCommand,
  CreateOrganizationCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { OrganizationsAccountLister } from '../../lambda/adapters/organizations-account-lister.js';
import { clientConfig, type Moto, startMoto } from '../support/moto.js';

let moto: Moto;
let client: OrganizationsClient;
const created: string[] = [];
let management = '';

beforeAll(async () => {
  moto = await startMoto();
  client = new OrganizationsClient(clientConfig(moto.endpoint));
  const org = await client.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
  management = org.Organization?.MasterAccountId as string;
  for (let i = 0; i < 5; i += 1) {
    const out = await client.send(
      new CreateAccountCommand({ AccountName: `member-${i}`, Email: `member-${i}@example.com` }),
    );
    created.push(out.CreateAccountStatus?.AccountId as string);
  }
}, 60_000);

afterAll(async () => {
  client?.destroy();
  await moto?.stop();
});

describe('OrganizationsAccountLister against moto', () => {
  it('lists every active account across pages, and drops a closed one after the TTL', async () => {
    let now = 0;
    let pages = 0;
    client.middlewareStack.add(
      (next) => async (args) => {
        pages += 1;
        return next(args);
      },
      { step: 'initialize', name: 'countPages' },
    );
    const lister = new OrganizationsAccountLister(client, { pageSize: 2, ttlMs: 60_000, now: () => now });
    const first = await lister.activeAccounts();
    expect(first.accounts).toEqual([management, ...created].sort());
    expect(first.excluded).toEqual([]);
    expect(pages).toBe(3);

    await client.send(new CloseAccountCommand({ AccountId: created[0] as string }));
    now = 59_999;
    expect((await lister.activeAccounts()).accounts).toContain(created[0]);
    now = 60_000;
    const second = await lister.activeAccounts();
    expect(second.accounts).not.toContain(created[0]);
    expect(second.excluded).toEqual([{ id: created[0], status: 'State SUSPENDED' }]);
  });
});
