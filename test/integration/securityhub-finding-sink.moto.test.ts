/**
 * The Security Hub sink against moto: every example finding, rendered for the calling account,
 * goes in through BatchImportFindings and comes back from GetFindings; a re-import updates and
 * never duplicates. moto takes any finding, so their shape is proven by test/support/asff.ts.
 */
import { GetFindingsCommand, SecurityHubClient } from '@aws-sdk/client-securityhub';
import { SecurityHubFindingSink } from '../../lambda/adapters/securityhub-finding-sink.js';
import { renderAsff } from '../../lambda/domain/render/asff.js';
import { checkAsff } from '../support/asff.js';
import { allFindings } from '../support/example-findings.js';
import { clientConfig, inAccount, type Moto, startMoto } from '../support/moto.js';

const ACCOUNT = '123456789012';
let moto: Moto;
let client: SecurityHubClient;

beforeAll(async () => {
  moto = await startMoto();
  client = inAccount(new SecurityHubClient(clientConfig(moto.endpoint)), ACCOUNT);
}, 60_000);

afterAll(async () => {
  client?.destroy();
  await moto?.stop();
});

async function storedIds(): Promise<string[]> {
  const ids: string[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(new GetFindingsCommand({ NextToken: token, MaxResults: 100 }));
    ids.push(...(page.Findings ?? []).map((f) => f.Id ?? ''));
    token = page.NextToken;
  } while (token);
  return ids.sort();
}

describe('SecurityHubFindingSink against moto', () => {
  it('imports every example finding for the calling account, and a re-import updates without duplicating', async () => {
    const render = (updatedAt: string) =>
      allFindings().map((f) =>
        renderAsff(f, { productVersion: '0.1.0', updatedAt, account: ACCOUNT, region: 'us-east-1' }),
      );
    const first = render('2026-03-15T00:00:00Z');
    expect(first.flatMap(checkAsff)).toEqual([]);
    const sink = new SecurityHubFindingSink(client, ACCOUNT);

    await expect(sink.import(first)).resolves.toEqual({ imported: first.length });
    const ids = first.map((f) => f.Id).sort();
    expect(await storedIds()).toEqual(ids);

    await expect(sink.import(render('2026-03-16T00:00:00Z'))).resolves.toEqual({ imported: first.length });
    expect(await storedIds()).toEqual(ids);
    const stored = await client.send(new GetFindingsCommand({ MaxResults: 100 }));
    expect(new Set(stored.Findings?.map((f) => f.UpdatedAt))).toEqual(new Set(['2026-03-16T00:00:00.000Z']));
  });
});
