/**
 * The S3 walk of `scan s3://...` lists what a local walk of the same folders would read: --account,
 * --region and --until prune whole folders, --since prunes none, since the days before it build the
 * baseline (read, not reported). Only --s3-skip-before, asked for by name, skips days before a time.
 */
import { type ListingFilter, listLogObjects } from '../../lambda/cli/s3.js';
import { fakeS3Listing } from '../support/fake-s3.js';

const DAY = (d: string) => `AWSLogs/111122223333/CloudTrail/us-east-1/2026/03/${d}/`;
const KEYS = ['01', '09', '10', '20'].map(
  (d) => `${DAY(d)}111122223333_CloudTrail_us-east-1_202603${d}T1000Z_x.json.gz`,
);

/** ListObjectsV2 with a delimiter, over a fixed set of keys: what S3 answers, one page. */
const client = fakeS3Listing(KEYS);

const days = async (f: Partial<ListingFilter>) =>
  (
    await listLogObjects(
      client,
      { bucket: 'trail', prefix: 'AWSLogs/' },
      { sinceMs: null, untilMs: null, accounts: [], regions: [], skipBeforeMs: null, ...f },
    )
  ).map((k) => k.split('/')[6]);

describe('listing CloudTrail log objects in S3', () => {
  it('lists the days before --since: they build the baseline', async () => {
    expect(await days({ sinceMs: Date.parse('2026-03-10T00:00:00Z') })).toEqual(['01', '09', '10', '20']);
  });

  it('skips the days before --s3-skip-before, keeping a day of margin', async () => {
    expect(await days({ skipBeforeMs: Date.parse('2026-03-10T12:00:00Z') })).toEqual(['09', '10', '20']);
  });

  it('prunes the days after --until, keeping a day of margin', async () => {
    expect(await days({ untilMs: Date.parse('2026-03-08T12:00:00Z') })).toEqual(['01', '09']);
  });

  it('prunes other accounts and regions', async () => {
    expect(await days({ accounts: ['444455556666'] })).toEqual([]);
    expect(await days({ regions: ['eu-west-1'] })).toEqual([]);
  });
});
