/**
 * `layerwatch scan s3://...` against moto's S3: CloudTrail's AWSLogs layout, gzipped log files,
 * and pruning of whole folders by account, region and --until; the days before --since are read,
 * as they build the baseline.
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
import { createAlias, publishVersion, updateAlias } from '../support/version-records.js';

let moto: Moto;
const BUCKET = 'org-trail';
/** Version 2 published with an implanted layer on March 1st; the alias moved onto it on the 10th. */
const ALIAS_BUCKET = 'alias-trail';

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
  await putAliasTrail(s3);
}, 60_000);

async function putAliasTrail(s3: S3Client): Promise<void> {
  await s3.send(new CreateBucketCommand({ Bucket: ALIAS_BUCKET }));
  const deps = layerArn('shared-deps', 3);
  const implant = layerArn('perf-monitor-extension', 1, OTHER_ACCOUNT);
  const at = (d: string, m: number) => ({ time: `2026-03-${d}T10:${String(m).padStart(2, '0')}:00Z` });
  const put = (d: string, records: Rec[]) =>
    s3.send(
      new PutObjectCommand({
        Bucket: ALIAS_BUCKET,
        Key: `AWSLogs/${ACCOUNT}/CloudTrail/us-east-1/2026/03/${d}/${ACCOUNT}_CloudTrail_us-east-1_202603${d}T1015Z_x.json.gz`,
        Body: gzipSync(JSON.stringify({ Records: records })),
      }),
    );
  await put('01', [
    updateFunctionConfiguration('pay', { layers: [deps], ...at('01', 0) }),
    publishVersion('pay', '1', { layers: [deps], ...at('01', 1) }),
    createAlias('pay', 'prod', '1', at('01', 2)),
    updateFunctionConfiguration('pay', { layers: [deps, implant], ...at('01', 10) }),
    publishVersion('pay', '2', { layers: [deps, implant], ...at('01', 11) }),
    updateFunctionConfiguration('pay', { layers: [deps], ...at('01', 13) }),
  ]);
  await put('10', [updateAlias('pay', 'prod', '2', at('10', 12))]);
}

afterAll(async () => {
  await moto?.stop();
});

describe('layerwatch scan s3://', () => {
  it('reads every CloudTrail log object under the prefix, skipping digests with a note', () => {
    const r = scan(`s3://${BUCKET}/`);
    expect(r.code).toBe(0);
    expect(r.findings.map((f) => f.function.name).sort()).toEqual([
      'billing',
      'legacy',
      'orders',
      'payments',
    ]);
    expect(r.stderr).toMatch(/layerwatch: 4 files/);
    expect(r.stderr).toContain(
      `layerwatch: s3://${BUCKET}/: not read: 1 CloudTrail-Digest folder(s) (digest files: no events), first s3://${BUCKET}/AWSLogs/o-abcdef1234/${ACCOUNT}/CloudTrail-Digest\n`,
    );
  });

  it('prunes the listing by account and region; the days before --since are read for the baseline', () => {
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
    expect(r.stderr).toMatch(/layerwatch: 2 files/);
  });

  it('finds an alias moved after --since onto a version published before it', () => {
    const r = scan('--since', '2026-03-10', `s3://${ALIAS_BUCKET}/AWSLogs/`);
    expect(r.code).toBe(0);
    expect(r.findings.map((f) => [f.detectionId, f.event.time])).toEqual([
      ['lambda-alias-routes-to-layer', '2026-03-10T10:12:00Z'],
    ]);
    expect(r.stderr).toMatch(/layerwatch: 2 files/);
  });

  it('skips the days before --s3-skip-before only when asked, and names the gap', () => {
    const r = scan(
      '--since',
      '2026-03-10',
      '--s3-skip-before',
      '2026-03-10',
      `s3://${ALIAS_BUCKET}/AWSLogs/`,
    );
    expect([r.code, r.findings]).toEqual([0, []]);
    expect(r.stderr).toMatch(
      /s3:\/\/alias-trail\/AWSLogs\/: day folders before 2026-03-10 \(less a day of margin\) not read \(--s3-skip-before\): their events build no baseline/,
    );
    expect(r.stderr).toMatch(/layerwatch: 1 files/);
  });

  it('exits 2 when a location cannot be listed', () => {
    const r = scan('s3://no-such-bucket-here/');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/s3:\/\/no-such-bucket-here\/: cannot list: NoSuchBucket/);
  });
});
