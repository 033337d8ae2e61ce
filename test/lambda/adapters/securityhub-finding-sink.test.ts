import { BatchImportFindingsCommand, SecurityHubClient } from '@aws-sdk/client-securityhub';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import {
  batchesOf,
  InvalidFindingError,
  MAX_BATCH_BYTES,
  SecurityHubFindingSink,
  SecurityHubImportError,
} from '../../../lambda/adapters/securityhub-finding-sink.js';
import type { Finding } from '../../../lambda/domain/finding.js';
import { type AsffFinding, renderAsff } from '../../../lambda/domain/render/asff.js';
import { exampleFindings } from '../../support/example-findings.js';

const hub = mockClient(SecurityHubClient);
const ACCOUNT = '111122223333';
const base = renderAsff(exampleFindings()[3] as Finding, {
  productVersion: '0.1.0',
  updatedAt: '2026-03-15T00:00:00Z',
});

function finding(i: number, pad = 0): AsffFinding {
  return { ...base, Id: `layerwatch/test/${i}`, Description: `${'d'.repeat(pad)}${i}` };
}
const many = (n: number, pad = 0) => Array.from({ length: n }, (_, i) => finding(i, pad));
const ids = (fs: readonly { Id?: string }[] | undefined) => (fs ?? []).map((f) => f.Id);
const noSleep = async () => {};

function sink(options = {}) {
  return new SecurityHubFindingSink(new SecurityHubClient({}), ACCOUNT, { sleep: noSleep, ...options });
}

describe('batchesOf', () => {
  it('cuts at 100 findings', () => {
    expect(batchesOf(many(250)).map((b) => b.length)).toEqual([100, 100, 50]);
  });

  it('cuts before the request would pass 6 MB', () => {
    const big = many(60, 200_000);
    const batches = batchesOf(big);
    expect(batches.length).toBeGreaterThan(1);
    for (const b of batches)
      expect(Buffer.byteLength(JSON.stringify({ Findings: b }))).toBeLessThan(MAX_BATCH_BYTES);
    expect(batches.flat().map((f) => f.Id)).toEqual(big.map((f) => f.Id));
  });
});

describe('SecurityHubFindingSink', () => {
  beforeEach(() => hub.reset());

  it('imports in batches of at most 100', async () => {
    hub.on(BatchImportFindingsCommand).resolves({ FailedCount: 0, SuccessCount: 1, FailedFindings: [] });
    await expect(sink().import(many(205))).resolves.toEqual({ imported: 205 });
    const sizes = hub.commandCalls(BatchImportFindingsCommand).map((c) => c.args[0].input.Findings?.length);
    expect(sizes).toEqual([100, 100, 5]);
  });

  it('retries only the findings Security Hub reports as failed', async () => {
    hub
      .on(BatchImportFindingsCommand)
      .resolvesOnce({
        FailedCount: 1,
        SuccessCount: 2,
        FailedFindings: [{ Id: 'layerwatch/test/1', ErrorCode: 'Throttled', ErrorMessage: 'slow down' }],
      })
      .resolves({ FailedCount: 0, SuccessCount: 1, FailedFindings: [] });
    await expect(sink().import(many(3))).resolves.toEqual({ imported: 3 });
    const calls = hub.commandCalls(BatchImportFindingsCommand);
    expect(calls.map((c) => ids(c.args[0].input.Findings))).toEqual([
      ['layerwatch/test/0', 'layerwatch/test/1', 'layerwatch/test/2'],
      ['layerwatch/test/1'],
    ]);
  });

  it('throws a SecurityHubImportError naming what still fails after the attempts, with backoff', async () => {
    const waits: number[] = [];
    hub.on(BatchImportFindingsCommand).resolves({
      FailedCount: 1,
      SuccessCount: 1,
      FailedFindings: [{ Id: 'layerwatch/test/0', ErrorCode: 'InvalidInput', ErrorMessage: 'bad Types' }],
    });
    const error = await sink({
      attempts: 3,
      backoffMs: 100,
      sleep: async (ms: number) => void waits.push(ms),
    })
      .import(many(2))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SecurityHubImportError);
    expect((error as SecurityHubImportError).failed).toEqual([
      { id: 'layerwatch/test/0', code: 'InvalidInput', message: 'bad Types' },
    ]);
    expect((error as Error).message).toMatch(/1 of 2 finding\(s\) not imported.*InvalidInput bad Types/);
    expect(hub.commandCalls(BatchImportFindingsCommand)).toHaveLength(3);
    expect(waits).toEqual([100, 200]);
  });

  it('treats failures Security Hub does not name as the whole batch failing', async () => {
    hub.on(BatchImportFindingsCommand).resolves({ FailedCount: 1, SuccessCount: 1, FailedFindings: [] });
    const error = (await sink({ attempts: 1 })
      .import(many(2))
      .catch((e: unknown) => e)) as SecurityHubImportError;
    expect(error.failed.map((f) => f.id)).toEqual(['layerwatch/test/0', 'layerwatch/test/1']);
  });

  it('reports a failed request as every finding of its batch failing, and still sends the other batches', async () => {
    hub
      .on(BatchImportFindingsCommand)
      .rejectsOnce(Object.assign(new Error('Rate exceeded'), { name: 'TooManyRequestsException' }))
      .resolves({ FailedCount: 0, SuccessCount: 1, FailedFindings: [] });
    const error = (await sink()
      .import(many(150))
      .catch((e: unknown) => e)) as SecurityHubImportError;
    expect(error).toBeInstanceOf(SecurityHubImportError);
    expect(error.failed).toHaveLength(100);
    expect(error.failed[0]).toMatchObject({ id: 'layerwatch/test/0', code: 'TooManyRequestsException' });
    expect((error.cause as Error).message).toBe('Rate exceeded');
    expect(hub.commandCalls(BatchImportFindingsCommand)).toHaveLength(2);
  });

  it('refuses findings of another account before sending anything', async () => {
    const other = { ...finding(0), AwsAccountId: '444455556666' };
    await expect(sink().import([finding(1), other])).rejects.toThrow(InvalidFindingError);
    await expect(sink().import([other])).rejects.toThrow(
      /only takes findings of the calling account 111122223333; 1 finding\(s\) name another \(layerwatch\/test\/0: 444455556666\)/,
    );
    const foreignProduct = { ...finding(2), ProductArn: base.ProductArn.replace(/\d{12}/g, '444455556666') };
    await expect(sink().import([foreignProduct])).rejects.toThrow(InvalidFindingError);
    expect(hub.commandCalls(BatchImportFindingsCommand)).toHaveLength(0);
  });

  it('refuses a finding over 240 KB before sending anything', async () => {
    await expect(sink().import([finding(0, 250_000)])).rejects.toThrow(/240 KB limit: layerwatch\/test\/0/);
    expect(hub.commandCalls(BatchImportFindingsCommand)).toHaveLength(0);
  });

  it('sends nothing for no findings', async () => {
    await expect(sink().import([])).resolves.toEqual({ imported: 0 });
    expect(hub.commandCalls(BatchImportFindingsCommand)).toHaveLength(0);
  });
});
