/**
 * Writes examples/: a small CloudTrail history (as CloudTrail delivers it to S3, gzipped) with
 * a deploy, everyday noise, an attack and the attacker's tampering with layerwatch itself, plus
 * EventBridge events as JSON Lines; and examples/findings/, one finding per detection as the Lambda
 * publishes it (scripts/example-scenarios.ts); and examples/layers/, small layer zips to try
 * `layerwatch inspect` on (scripts/example-layer-zips.ts).
 * Run: npx tsx scripts/make-examples.ts
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import {
  ACCOUNT,
  addLayerVersionPermission,
  createFunction,
  envelope,
  failed,
  identities,
  layerArn,
  OTHER_ACCOUNT,
  otherService,
  publishLayerVersion,
  REGION,
  type Rec,
  updateFunctionConfiguration,
} from '../test/support/records.js';
import { call, failedCall, OWN } from '../test/support/tamper-records.js';
import { exampleLayerZips } from './example-layer-zips.js';
import { exampleFindingFiles } from './example-scenarios.js';

const root = join(import.meta.dirname, '..', 'examples');
const day = join(root, 'cloudtrail', 'AWSLogs', ACCOUNT, 'CloudTrail', 'us-east-1', '2026', '03', '14');
const t = (hm: string) => `2026-03-14T${hm}:00Z`;
const deps3 = layerArn('shared-deps', 3);
const deps4 = layerArn('shared-deps', 4);
const foreign = layerArn('perf-monitor-extension', 1, OTHER_ACCOUNT);
const fonts = layerArn('pdf-fonts', 2);
const deployUa = 'aws-sdk-nodejs/2.1692.0 linux/v22.14.0 exec-env/AWS_Lambda_nodejs22.x cfn/1.0';
/**
 * Records added to the story after its first version carry ids of their own, so that the ids of
 * the older records (quoted in README.md) stay as they were.
 */
const laterId = (n: number) => `5e0c0000-0000-4000-8000-${String(n).padStart(12, '0')}`;
/** A call on the trail or on one of layerwatch's own resources, by the attacker. */
const tamper = (record: Rec, n: number, hm: string): Rec => ({
  ...record,
  eventID: laterId(n),
  eventTime: t(hm),
});
const trailArn = `arn:aws:cloudtrail:${REGION}:${ACCOUNT}:trail/${OWN.trail}`;

const files: Record<string, Rec[]> = {
  '0900Z_3f2a': [
    createFunction('orders-api', {
      layers: [deps3],
      time: t('09:00'),
      identity: identities.deployRole(),
      userAgent: deployUa,
      sourceIp: 'cloudformation.amazonaws.com',
    }),
    otherService(),
    updateFunctionConfiguration('orders-api', {
      layers: [deps3],
      request: { memorySize: 512 },
      time: t('09:02'),
      identity: identities.deployRole(),
      userAgent: deployUa,
      sourceIp: 'cloudformation.amazonaws.com',
    }),
    failed(updateFunctionConfiguration('orders-api', { layers: [foreign], time: t('09:03') })),
    // The attacker first tries to delete layerwatch's function: denied, so nothing to report.
    tamper(failedCall(call('lambda', 'DeleteFunction20150331', { functionName: OWN.handler })), 1, '09:04'),
  ],
  '0905Z_9c1d': [
    publishLayerVersion('telemetry-helper', 1, { time: t('09:05') }),
    addLayerVersionPermission('telemetry-helper', 1, '*', { time: t('09:06'), statementId: 'anyone' }),
    updateFunctionConfiguration('orders-api', {
      layers: [deps3, foreign],
      time: t('09:07'),
      sourceIp: '198.51.100.77',
    }),
    // Then switches off the detector's rule, so that what follows raises no alert in the account.
    tamper(call('events', 'DisableRule', { name: OWN.detectorRule }), 2, '09:08'),
  ],
  '0910Z_51be': [
    updateFunctionConfiguration('orders-api', {
      layers: [deps4],
      time: t('09:10'),
      identity: identities.deployRole(),
      userAgent: deployUa,
      sourceIp: 'cloudformation.amazonaws.com',
    }),
    updateFunctionConfiguration('billing-worker', {
      request: { timeout: 60 },
      responseLayers: [deps4, fonts],
      time: t('09:12'),
      identity: identities.ssoAdmin(),
      userAgent: 'console.amazonaws.com',
    }),
  ],
  '0915Z_c84e': [
    // The same two layers in the other order: which file wins in /opt is unknown to the scan.
    updateFunctionConfiguration('billing-worker', {
      layers: [fonts, deps4],
      time: t('09:15'),
      id: laterId(3),
      identity: identities.ssoAdmin(),
      userAgent: 'console.amazonaws.com',
    }),
    // Last, the attacker stops the trail: CloudTrail logs this call, then nothing more.
    tamper(call('cloudtrail', 'StopLogging', { name: trailArn }), 4, '09:18'),
  ],
};

rmSync(root, { recursive: true, force: true });
mkdirSync(day, { recursive: true });
for (const [suffix, records] of Object.entries(files)) {
  const name = `${ACCOUNT}_CloudTrail_us-east-1_20260314T${suffix}.json.gz`;
  writeFileSync(join(day, name), gzipSync(JSON.stringify({ Records: records })));
}
mkdirSync(join(root, 'eventbridge'), { recursive: true });
const events = [
  createFunction('payments', { time: t('10:00'), region: 'eu-west-1', identity: identities.deployRole() }),
  updateFunctionConfiguration('payments', {
    layers: [layerArn('debug-tools', 7, OTHER_ACCOUNT, 'eu-west-1')],
    time: t('10:30'),
    region: 'eu-west-1',
    identity: identities.ssoAdmin(),
    userAgent: 'console.amazonaws.com',
    sourceIp: '192.0.2.44',
  }),
];
writeFileSync(
  join(root, 'eventbridge', 'lambda-events.jsonl'),
  `${events.map((e) => JSON.stringify(envelope(e))).join('\n')}\n`,
);
mkdirSync(join(root, 'findings'), { recursive: true });
for (const [name, text] of Object.entries(exampleFindingFiles()))
  writeFileSync(join(root, 'findings', name), text);
mkdirSync(join(root, 'layers'), { recursive: true });
for (const [name, bytes] of Object.entries(exampleLayerZips()))
  writeFileSync(join(root, 'layers', name), bytes);
process.stdout.write(`wrote ${root}\n`);
