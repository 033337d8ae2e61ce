/**
 * `scan s3://...` reads an object larger than --max-record-bytes as a stream (bounded memory), with
 * the same findings as a small object read whole; a damaged object is named and makes the exit 2.
 */
import { gzipSync } from 'node:zlib';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { scanWithMoto } from '../support/cli-moto.js';
import { clientConfig, type Moto, startMoto } from '../support/moto.js';
import {
  createFunction,
  layerArn,
  OTHER_ACCOUNT,
  otherService,
  updateFunctionConfiguration,
} from '../support/records.js';

let moto: Moto;
const BUCKET = 'stream-trail';

const scan = (...args: string[]) => scanWithMoto(moto.endpoint, ...args);

beforeAll(async () => {
  moto = await startMoto();
  const s3 = new S3Client({ ...clientConfig(moto.endpoint), forcePathStyle: true });
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  const records = [
    createFunction('orders', { layers: [layerArn('deps', 1)], time: '2026-03-14T09:00:00Z' }),
    ...Array.from({ length: 200 }, otherService),
    updateFunctionConfiguration('orders', {
      layers: [layerArn('ext', 1, OTHER_ACCOUNT)],
      time: '2026-03-14T09:05:00Z',
    }),
  ];
  const body = JSON.stringify({ Records: records });
  const put = (key: string, data: Buffer | string) =>
    s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: data }));
  await put('plain/log.json', body);
  await put('gz/log.json.gz', gzipSync(body));
  const gz = gzipSync(body);
  await put('cut/log.json.gz', gz.subarray(0, gz.length - 200));
}, 120_000);

afterAll(async () => {
  await moto?.stop();
});

describe('scan s3:// objects of any size', () => {
  it('streams objects over the limit and finds the same as reading them whole', () => {
    for (const prefix of ['plain/', 'gz/']) {
      const whole = scan(`s3://${BUCKET}/${prefix}`);
      expect(whole.code).toBe(0);
      expect(whole.stdout.split('\n').filter(Boolean)).toHaveLength(2);
      const streamed = scan('--max-record-bytes', '4096', `s3://${BUCKET}/${prefix}`);
      expect([prefix, streamed.code, streamed.stdout]).toEqual([prefix, 0, whole.stdout]);
    }
  });

  it('names a truncated object, keeps what came before the damage, and exits 2', () => {
    const r = scan('--max-record-bytes', '4096', `s3://${BUCKET}/cut/`);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /s3:\/\/stream-trail\/cut\/log\.json\.gz: cannot read: truncated or damaged gzip/,
    );
    expect(r.stdout.split('\n').filter(Boolean).length).toBeGreaterThanOrEqual(1);
  });
});
