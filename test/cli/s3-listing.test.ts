/**
 * The S3 walk of `scan s3://...` lists what a local walk of the same folders would read: --account,
 * --region and --until prune whole folders, --since prunes none, since the days before it build the
 * baseline (read, not reported). Only --s3-skip-before, asked for by name, skips days before a time.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { NotRead } from '../../lambda/cli/not-read.js';
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

describe('folder markers', () => {
  /** The fake listing, each object with its Size (as S3 reports it): 0 for a key ending in `/`. */
  const sized = (keys: string[], sizes: Record<string, number>): S3Client => {
    const listing = fakeS3Listing(keys);
    return {
      async send(cmd: Parameters<S3Client['send']>[0]) {
        const page = (await listing.send(cmd as never)) as { Contents: { Key: string }[] };
        return { ...page, Contents: page.Contents.map((o) => ({ ...o, Size: sizes[o.Key] ?? 100 })) };
      },
    } as unknown as S3Client;
  };

  it('an empty object named like a folder (the S3 console makes them) is passed over; one with bytes is noted', async () => {
    const markers = [
      'AWSLogs/111122223333/CloudTrail/',
      'AWSLogs/111122223333/CloudTrail/us-east-1/2026/03/01/',
    ];
    const filled = 'AWSLogs/111122223333/CloudTrail/us-east-1/2026/';
    const client = sized([...KEYS, ...markers, filled], {
      [markers[0] as string]: 0,
      [markers[1] as string]: 0,
      [filled]: 5,
    });
    const notRead = new NotRead();
    const filter = { sinceMs: null, untilMs: null, accounts: [], regions: [], skipBeforeMs: null };
    expect(await listLogObjects(client, { bucket: 'trail', prefix: 'AWSLogs/' }, filter, notRead)).toEqual(
      KEYS,
    );
    expect(notRead.note('s3://trail/AWSLogs/')?.message).toBe(
      `not read: 1 file(s) not named .json, .jsonl, .ndjson or .csv (optionally .gz), first s3://trail/${filled}`,
    );
  });
});
