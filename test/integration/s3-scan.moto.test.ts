/**
 * `layerwatch scan s3://...` against moto's S3: CloudTrail's AWSLogs layout, gzipped log files,
 * and pruning of whole folders by account, region and date.
 */
import { gzipSync } from 'node:zlib';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { scanWithMoto } from '../support/cli-moto.js';
import { clientConfig, type Moto, startMoto } from '../support/moto.js';
import {
  ACCOUNT,
  createFunction,
  layerArn,
  OTHER_ACCOUNT,
  type Rec,
  updateFunctionConfiguration,
} from '../support/records.js';

let moto: Moto;
const BUCKET = 'org-trail';

function scan(...args: string[]) {
  const r = scanWithMoto(moto.endpoint, ...args);
  return {
    code: r.code,
    findings: r.stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l)),
    stderr: r.stderr,
  };
}

beforeAll(async () => {
  moto = await startMoto();
  const s3 = new S3Client({ ...clientConfig(moto.endpoint), forcePathStyle: true });
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  const put = (key: string, records: Rec[]) =>
    s3.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: key,
        Body: gzipSync(JSON.stringify({ Records: records })),
      }),
    );
  const ext = layerArn('ext', 1, '999999999999');
  const day = (account: string, region: string, date: string) =>
    `AWSLogs/o-abcdef1234/${account}/CloudTrail/${region}/${date}`;
  await put(
    `${day(ACCOUNT, 'us-east-1', '2026/03/14')}/${ACCOUNT}_CloudTrail_us-east-1_20260314T0905Z_a.json.gz`,
    [
      createFunction('orders', { time: '2026-03-14T09:00:00Z' }),
      updateFunctionConfiguration('orders', { layers: [ext], time: '2026-03-14T09:05:00Z' }),
    ],
  );
  await put(
    `${day(ACCOUNT, 'eu-west-1', '2026/03/14')}/${ACCOUNT}_CloudTrail_eu-west-1_20260314T0905Z_b.json.gz`,
    [
      updateFunctionConfiguration('billing', {
        layers: [layerArn('ext', 1, '999999999999', 'eu-west-1')],
        region: 'eu-west-1',
        time: '2026-03-14T09:06:00Z',
      }),
    ],
  );
  await put(
    `${day(OTHER_ACCOUNT, 'us-east-1', '2026/03/14')}/${OTHER_ACCOUNT}_CloudTrail_us-east-1_20260314T0905Z_c.json.gz`,
    [
      updateFunctionConfiguration('payments', {
        layers: [ext],
        account: OTHER_ACCOUNT,
        time: '2026-03-14T09:07:00Z',
      }),
    ],
  );
  await put(
    `${day(ACCOUNT, 'us-east-1', '2026/01/02')}/${ACCOUNT}_CloudTrail_us-east-1_20260102T0905Z_d.json.gz`,
    [updateFunctionConfiguration('legacy', { layers: [ext], time: '2026-01-02T09:05:00Z' })],
  );
  await put(
    `AWSLogs/o-abcdef1234/${ACCOUNT}/CloudTrail-Digest/us-east-1/2026/03/14/${ACCOUNT}_CloudTrail-Digest_us-east-1_x.json.gz`,
    [],
  );
}, 60_000);

afterAll(async () => {
  await moto?.stop();
});

describe('layerwatch scan s3://', () => {
  it('reads every CloudTrail log object under the prefix, skipping digests', () => {
    const r = scan(`s3://${BUCKET}/`);
    expect(r.code).toBe(0);
    expect(r.findings.map((f) => f.function.name).sort()).toEqual([
      'billing',
      'legacy',
      'orders',
      'payments',
    ]);
    expect(r.stderr).toMatch(/layerwatch: 4 files/);
  });

  it('prunes the listing by account, region and date: only the matching folder is read', () => {
    const r = scan(
      '--account',
      ACCOUNT,
      '--region',
      'us-east-1',
      '--since',
      '2026-03-01',
      `s3://${BUCKET}/AWSLogs/`,
    );
    expect(r.findings.map((f) => f.function.name)).toEqual(['orders']);
    expect(r.findings[0].layers.baseline).toBe('known');
    expect(r.stderr).toMatch(/layerwatch: 1 files/);
  });

  it('exits 2 when a location cannot be listed', () => {
    const r = scan('s3://no-such-bucket-here/');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/s3:\/\/no-such-bucket-here\/: cannot list: NoSuchBucket/);
  });
});
