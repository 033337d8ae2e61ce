import { FindingEventSink, SecurityHubSink } from '../../../lambda/pipeline/security-tool-sinks.js';
import { checkAsff } from '../../support/asff.js';
import { allFindings } from '../../support/example-findings.js';

describe('security tool sinks', () => {
  const finding = allFindings()[0];
  if (!finding) throw new Error('no example finding');

  it('imports the finding into Security Hub as ASFF of the detector account, answering its stable Id', async () => {
    const imported: unknown[] = [];
    const sink = new SecurityHubSink(
      {
        import: async (f) => {
          imported.push(...f);
          return { imported: f.length };
        },
      },
      { account: '111122223333', region: 'us-east-1', productVersion: '9.9.9' },
      () => new Date('2030-01-01T00:00:00Z'),
    );
    const id = await sink.deliver(finding);
    expect(id).toBe(`layerwatch/${finding.detectionId}/${finding.findingId}`);
    expect(imported).toHaveLength(1);
    expect(checkAsff(imported[0])).toEqual([]);
    expect(imported[0]).toMatchObject({
      AwsAccountId: '111122223333',
      ProductArn: expect.stringContaining(':us-east-1:111122223333:product/111122223333/default'),
    });
    expect(await sink.deliver(finding)).toBe(id);
  });

  it('puts the finding on the bus and fails the delivery when the bus fails (the invocation is retried)', async () => {
    const put: unknown[] = [];
    await expect(
      new FindingEventSink({
        put: async (f) => {
          put.push(...f);
          return { sent: 1 };
        },
      }).deliver(finding),
    ).resolves.toBe(finding.findingId);
    expect(put).toEqual([finding]);
    const failing = new FindingEventSink({ put: async () => Promise.reject(new Error('throttled')) });
    await expect(failing.deliver(finding)).rejects.toThrow('throttled');
  });
});
