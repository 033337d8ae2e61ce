/**
 * Writes a deterministic CloudTrail corpus as CloudTrail delivers it to S3: thousands of gzipped
 * `{"Records": [...]}` files under AWSLogs/<account>/CloudTrail/<region>/<yyyy>/<mm>/<dd>/, a mix of
 * many services, with rare Lambda layer events (and their deploy noise) among them.
 *
 * Run: npx tsx bench/corpus.ts [DIR] [--mb 1100]
 * Prints the number of files, records, uncompressed and compressed bytes, and the layer events
 * planted (the scan must find them).
 */
import { closeSync, mkdirSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { prng } from './markdown.js';

const ACCOUNTS = ['111122223333', '222233334444', '333344445555'];
const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2'];
const SERVICES: [string, string[]][] = [
  ['s3.amazonaws.com', ['GetObject', 'PutObject', 'ListObjects', 'HeadObject']],
  ['ec2.amazonaws.com', ['DescribeInstances', 'RunInstances', 'DescribeSecurityGroups']],
  ['sts.amazonaws.com', ['AssumeRole', 'GetCallerIdentity']],
  ['iam.amazonaws.com', ['GetRole', 'ListRoles', 'GetPolicy']],
  ['kms.amazonaws.com', ['Decrypt', 'GenerateDataKey']],
  ['dynamodb.amazonaws.com', ['DescribeTable', 'ListTables']],
  ['logs.amazonaws.com', ['CreateLogStream', 'DescribeLogGroups']],
  [
    'lambda.amazonaws.com',
    ['GetFunction20150331v2', 'ListFunctions20150331', 'Invoke', 'GetFunctionConfiguration20150331v2'],
  ],
  ['cloudformation.amazonaws.com', ['DescribeStacks', 'DescribeStackEvents']],
];

export interface CorpusStats {
  files: number;
  records: number;
  bytes: number;
  gzBytes: number;
  layerEvents: number;
}

/**
 * Calls a busy account makes all day that layerwatch watches (deploys publish versions and move
 * aliases; pipelines put role policies, alarms, targets and queue attributes): the `dense` corpus.
 */
function watchedCall(
  pick: <T>(xs: readonly T[]) => T,
  n: () => number,
  region: string,
  account: string,
): { eventSource: string; eventName: string; requestParameters: unknown; responseElements: unknown } {
  const fn = `fn-${n()}`;
  const fnArn = `arn:aws:lambda:${region}:${account}:function:${fn}`;
  const role = `app-role-${n()}`;
  const calls = [
    () => ({
      eventSource: 'iam.amazonaws.com',
      eventName: 'PutRolePolicy',
      requestParameters: {
        roleName: role,
        policyName: 'inline-s3',
        policyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Action: ['s3:GetObject'], Resource: `arn:aws:s3:::bucket-${n()}/*` },
          ],
        }),
      },
      responseElements: null,
    }),
    () => ({
      eventSource: 'iam.amazonaws.com',
      eventName: 'AttachRolePolicy',
      requestParameters: { roleName: role, policyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' },
      responseElements: null,
    }),
    () => ({
      eventSource: 'monitoring.amazonaws.com',
      eventName: 'PutMetricAlarm',
      requestParameters: {
        alarmName: `errors-${fn}`,
        namespace: 'AWS/Lambda',
        metricName: 'Errors',
        threshold: 1,
        comparisonOperator: 'GreaterThanOrEqualToThreshold',
        evaluationPeriods: 1,
        period: 60,
        alarmActions: [`arn:aws:sns:${region}:${account}:ops`],
      },
      responseElements: null,
    }),
    () => ({
      eventSource: 'events.amazonaws.com',
      eventName: 'PutTargets',
      requestParameters: { rule: `schedule-${n()}`, targets: [{ id: '1', arn: fnArn }] },
      responseElements: { failedEntryCount: 0, failedEntries: [] },
    }),
    () => ({
      eventSource: 'sqs.amazonaws.com',
      eventName: 'SetQueueAttributes',
      requestParameters: {
        queueUrl: `https://sqs.${region}.amazonaws.com/${account}/jobs-${n()}`,
        attributes: { VisibilityTimeout: '30' },
      },
      responseElements: null,
    }),
    () => ({
      eventSource: 'lambda.amazonaws.com',
      eventName: 'PublishVersion20150331',
      requestParameters: { functionName: fn },
      responseElements: { functionName: fn, functionArn: `${fnArn}:${n() + 1}`, version: String(n() + 1) },
    }),
    () => ({
      eventSource: 'lambda.amazonaws.com',
      eventName: 'UpdateAlias20150331',
      requestParameters: { functionName: fn, name: 'live', functionVersion: String(n() + 1) },
      responseElements: { aliasArn: `${fnArn}:live`, name: 'live', functionVersion: String(n() + 1) },
    }),
  ];
  return pick(calls)();
}

/** The planted layer change: an UpdateFunctionConfiguration that attaches another account's layer. */
function layerChange(fn: string, layer: string, region: string, account: string) {
  return {
    eventSource: 'lambda.amazonaws.com',
    eventName: 'UpdateFunctionConfiguration20150331v2',
    requestParameters: { functionName: fn, layers: [layer] },
    responseElements: {
      functionName: fn,
      functionArn: `arn:aws:lambda:${region}:${account}:function:${fn}`,
      layers: [{ arn: layer, codeSize: 2048 }],
      runtime: 'python3.12',
    },
  };
}

/**
 * A deterministic source of CloudTrail records: many services, rare Lambda layer changes, and
 * other watched calls where asked (`watched`).
 */
export function recordSource(seed = 20261122, layerRate = 0.00005) {
  const random = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
  const id = () =>
    `${Math.floor(random() * 0xffffffff)
      .toString(16)
      .padStart(8, '0')}-0000-4000-8000-${Math.floor(random() * 0xffffffffffff)
      .toString(16)
      .padStart(12, '0')}`;
  let t = Date.parse('2026-01-01T00:00:00Z');
  const record = (account: string, region: string, watched = false): { record: unknown; layer: boolean } => {
    t += Math.floor(random() * 4000);
    const time = new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const base = {
      eventVersion: '1.09',
      userIdentity: {
        type: 'AssumedRole',
        principalId: `AROA${id().slice(0, 16).toUpperCase()}:session`,
        arn: `arn:aws:sts::${account}:assumed-role/app-role-${Math.floor(random() * 20)}/session`,
        accountId: account,
        accessKeyId: `ASIA${id().slice(0, 16).toUpperCase()}`,
        sessionContext: { attributes: { creationDate: time, mfaAuthenticated: 'false' } },
      },
      eventTime: time,
      awsRegion: region,
      sourceIPAddress: `10.${Math.floor(random() * 255)}.${Math.floor(random() * 255)}.${Math.floor(random() * 255)}`,
      userAgent: 'aws-sdk-java/2.25.0 Linux/5.10 OpenJDK_64-Bit_Server_VM/17',
      requestID: id(),
      eventID: id(),
      readOnly: true,
      eventType: 'AwsApiCall',
      managementEvent: true,
      recipientAccountId: account,
      eventCategory: 'Management',
      tlsDetails: {
        tlsVersion: 'TLSv1.3',
        cipherSuite: 'TLS_AES_128_GCM_SHA256',
        clientProvidedHostHeader: 'service.amazonaws.com',
      },
    };
    // By default about one record in 20,000 is a layer change.
    if (random() < layerRate) {
      const fn = `fn-${Math.floor(random() * 50)}`;
      const layer = `arn:aws:lambda:${region}:999999999999:layer:ext-${Math.floor(random() * 5)}:1`;
      return {
        layer: true,
        record: { ...base, readOnly: false, ...layerChange(fn, layer, region, account) },
      };
    }
    if (watched) {
      const call = watchedCall(pick, () => Math.floor(random() * 50), region, account);
      return { layer: false, record: { ...base, readOnly: false, ...call } };
    }
    const [source, names] = pick(SERVICES);
    return {
      layer: false,
      record: {
        ...base,
        eventSource: source,
        eventName: pick(names),
        requestParameters: {
          resource: `arn:aws:${source.split('.')[0]}:${region}:${account}:thing/${id()}`,
          maxResults: 50,
          filter: { name: `tag:${id().slice(0, 8)}` },
        },
        responseElements: null,
      },
    };
  };
  return { random, pick, record, time: () => t };
}

export function writeCorpus(
  dir: string,
  targetMb: number,
  seed = 20261122,
  layerRate = 0.00005,
  watchedRate = 0,
): CorpusStats {
  const source = recordSource(seed, layerRate);
  const { random, pick } = source;
  rmSync(dir, { recursive: true, force: true });
  const stats: CorpusStats = { files: 0, records: 0, bytes: 0, gzBytes: 0, layerEvents: 0 };
  const target = targetMb * 1024 * 1024;
  while (stats.bytes < target) {
    const account = pick(ACCOUNTS);
    const region = pick(REGIONS);
    const records: unknown[] = [];
    const n = 40 + Math.floor(random() * 120);
    // `watchedRate` > 0 (the dense corpus): a watched call in every file, one record in 1/rate.
    const every = watchedRate > 0 ? Math.round(1 / watchedRate) : 0;
    const offset = every > 0 ? Math.floor(random() * Math.min(n, every)) : -1;
    for (let i = 0; i < n; i += 1) {
      const r = source.record(account, region, every > 0 && i % every === offset);
      records.push(r.record);
      if (r.layer) stats.layerEvents += 1;
    }
    const body = JSON.stringify({ Records: records });
    const d = new Date(source.time());
    const folder = join(
      dir,
      'AWSLogs',
      account,
      'CloudTrail',
      region,
      String(d.getUTCFullYear()),
      String(d.getUTCMonth() + 1).padStart(2, '0'),
      String(d.getUTCDate()).padStart(2, '0'),
    );
    mkdirSync(folder, { recursive: true });
    const gz = gzipSync(body, { level: 6 });
    writeFileSync(
      join(
        folder,
        `${account}_CloudTrail_${region}_${d.toISOString().replace(/[-:]/g, '').slice(0, 13)}Z_${stats.files.toString(36)}.json.gz`,
      ),
      gz,
    );
    stats.files += 1;
    stats.records += records.length;
    stats.bytes += Buffer.byteLength(body);
    stats.gzBytes += gz.length;
  }
  return stats;
}

/**
 * One CloudTrail log file of `targetMb` on a single line (`{"Records":[...]}`), as a pathological
 * export or a merged log gives: plain, or gzipped (`gzip: true`) so that a small file inflates to it.
 */
export function writeBigLogFile(
  path: string,
  targetMb: number,
  gzip = false,
  seed = 20261201,
  layerRate = 0.00005,
): CorpusStats {
  const source = recordSource(seed, layerRate);
  const stats: CorpusStats = { files: 1, records: 0, bytes: 0, gzBytes: 0, layerEvents: 0 };
  const fd = openSync(path, 'w');
  const deflate = gzip ? new GzipWriter(fd) : null;
  const write = (text: string) => {
    stats.bytes += Buffer.byteLength(text);
    if (deflate) deflate.write(text);
    else writeSync(fd, text);
  };
  const target = targetMb * 1024 * 1024;
  write('{"Records":[');
  let parts: string[] = [];
  while (stats.bytes < target) {
    const r = source.record(source.pick(ACCOUNTS), source.pick(REGIONS));
    if (r.layer) stats.layerEvents += 1;
    parts.push(JSON.stringify(r.record));
    stats.records += 1;
    if (parts.length === 2000) {
      write(`${stats.records > parts.length ? ',' : ''}${parts.join(',')}`);
      parts = [];
    }
  }
  write(`${parts.length > 0 && stats.records > parts.length ? ',' : ''}${parts.join(',')}]}`);
  stats.gzBytes = deflate ? deflate.end() : 0;
  closeSync(fd);
  return stats;
}

/** gzip members appended to a file (gunzip reads them as one stream), in bounded memory. */
class GzipWriter {
  private bytes = 0;
  private pending: string[] = [];
  private size = 0;
  constructor(private readonly fd: number) {}
  write(text: string): void {
    this.pending.push(text);
    this.size += text.length;
    if (this.size >= 32 * 1024 * 1024) this.flush();
  }
  end(): number {
    this.flush();
    return this.bytes;
  }
  private flush(): void {
    if (this.pending.length === 0) return;
    const gz = gzipSync(this.pending.join(''), { level: 6 });
    writeSync(this.fd, gz);
    this.bytes += gz.length;
    this.pending = [];
    this.size = 0;
  }
}

if (process.argv[1]?.endsWith('corpus.ts')) {
  const dir = process.argv[2] && !process.argv[2].startsWith('--') ? process.argv[2] : 'bench/.corpus';
  const mbIndex = process.argv.indexOf('--mb');
  const mb = mbIndex > 0 ? Number(process.argv[mbIndex + 1]) : 1100;
  const s = writeCorpus(dir, mb);
  process.stdout.write(`${JSON.stringify({ dir, ...s })}\n`);
}
