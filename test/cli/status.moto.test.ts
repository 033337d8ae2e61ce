/**
 * `layerwatch status` against moto, seeded as a deployment looks: the stack's outputs, its alarms
 * (PutMetricAlarm, SetAlarmState) and the metrics its runtimes emit (PutMetricData). A healthy
 * deployment answers exit 0; a blind region (its heartbeat missing, its alarm firing) and a queue
 * holding messages each answer exit 1 with the line that names them; an unreadable part exit 2.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CloudFormationClient, CreateStackCommand } from '@aws-sdk/client-cloudformation';
import {
  CloudWatchClient,
  DeleteAlarmsCommand,
  type MetricDatum,
  PutMetricAlarmCommand,
  PutMetricDataCommand,
  SetAlarmStateCommand,
} from '@aws-sdk/client-cloudwatch';
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { DeploymentReader, regionalClients } from '../../lambda/adapters/deployment-reader.js';
import { OperationsReader } from '../../lambda/adapters/operations-reader.js';
import { runStatus } from '../../lambda/cli/command-status.js';
import type { StatusView } from '../../lambda/cli/status.js';
import { clientConfig, type Moto, startMoto } from '../support/moto.js';

const REGION = 'us-east-1';
const NOW = new Date();
let moto: Moto;
let cfg: ReturnType<typeof clientConfig>;
const queues = { failure: '', rule: '' };

function viewOf(endpoint: string): StatusView {
  const clients = regionalClients({ endpoint, credentials: cfg.credentials, maxAttempts: 1 });
  const deployment = new DeploymentReader(clients);
  const operations = new OperationsReader(clients);
  return {
    stack: (n, r) => deployment.stack(n, r),
    queueDepth: (u, r) => deployment.queueDepth(u, r),
    alarms: (p, r) => operations.alarms(p, r),
    metrics: (ns, n, r) => operations.metrics(ns, n, r),
    series: (r, q, w) => operations.series(r, q, w),
  };
}

async function status(view = viewOf(cfg.endpoint)): Promise<{ code: number; lines: string[] }> {
  const lines: string[] = [];
  const code = await runStatus(['--region', REGION], {}, { view, now: () => NOW, out: (l) => lines.push(l) });
  return { code, lines };
}

const minutesAgo = (m: number) => new Date(NOW.getTime() - m * 60_000);
const dims = (d: Record<string, string>) => Object.entries(d).map(([Name, Value]) => ({ Name, Value }));
const datum = (name: string, d: Record<string, string>, value: number, ago = 10): MetricDatum => ({
  MetricName: name,
  Dimensions: dims(d),
  Timestamp: minutesAgo(ago),
  Value: value,
  Unit: name === 'DetectionLatency' ? 'Milliseconds' : 'Count',
});

async function alarm(
  name: string,
  metric: string,
  namespace: string,
  d: Record<string, string>,
  state: 'OK' | 'ALARM',
) {
  const cw = new CloudWatchClient(cfg);
  await cw.send(
    new PutMetricAlarmCommand({
      AlarmName: name,
      Namespace: namespace,
      MetricName: metric,
      Dimensions: dims(d),
      Statistic: 'Sum',
      Period: 3600,
      EvaluationPeriods: 2,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
    }),
  );
  await cw.send(
    new SetAlarmStateCommand({ AlarmName: name, StateValue: state, StateReason: `seeded ${state}` }),
  );
}

const lw = { service: 'layerwatch' };

/** Empties a queue (PurgeQueue allows one call a minute). */
async function drain(sqs: SQSClient, url: string) {
  for (;;) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10 }),
    );
    if (Messages.length === 0) return;
    for (const m of Messages)
      await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle }));
  }
}

beforeAll(async () => {
  moto = await startMoto();
  cfg = clientConfig(moto.endpoint, REGION);
  const sqs = new SQSClient(cfg);
  queues.failure = (await sqs.send(new CreateQueueCommand({ QueueName: 'failure' }))).QueueUrl as string;
  queues.rule = (await sqs.send(new CreateQueueCommand({ QueueName: 'rule-dlq' }))).QueueUrl as string;
  await new CloudFormationClient(cfg).send(
    new CreateStackCommand({
      StackName: 'LayerWatch',
      TemplateBody: JSON.stringify({
        Resources: { Marker: { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'stack-marker' } } },
        Outputs: {
          HandlerName: { Value: 'LayerWatch-Handler' },
          FailureQueueUrl: { Value: queues.failure },
          RuleDeadLetterQueueUrl: { Value: queues.rule },
        },
      }),
    }),
  );
  for (const region of [REGION, 'eu-west-1'])
    await alarm(
      `LayerWatch-Blind-${region}-A1B2`,
      'Heartbeat',
      'LayerWatch',
      { ...lw, Region: region },
      'OK',
    );
  await alarm(
    'LayerWatch-HandlerErrorsAlarm-C3D4',
    'Errors',
    'AWS/Lambda',
    { FunctionName: 'LayerWatch-Handler' },
    'OK',
  );
  await new CloudWatchClient(cfg).send(
    new PutMetricDataCommand({
      Namespace: 'LayerWatch',
      MetricData: [
        datum('Heartbeat', { ...lw, Region: REGION }, 1),
        datum('Heartbeat', { ...lw, Region: 'eu-west-1' }, 1, 30),
        datum('DetectionLatency', { ...lw, Region: REGION }, 850),
        datum('FindingsPublished', { ...lw, detectionId: 'layer-added', severity: 'high' }, 2),
        datum('FindingsPublished', { ...lw, detectionId: 'detector-tampered', severity: 'critical' }, 1),
        datum('SweepFunctions', { service: 'layerwatch-sweep' }, 40, 300),
        datum('SweepDrifted', { service: 'layerwatch-sweep' }, 1, 300),
        datum('LayerInspections', lw, 4),
        datum('InspectionCacheHits', lw, 1),
      ],
    }),
  );
}, 90_000);

afterAll(async () => moto?.stop());

describe('layerwatch status', () => {
  it('answers a healthy deployment region by region, with the findings and queues (exit 0)', async () => {
    const { code, lines } = await status();
    const text = lines.join('\n');
    expect(text).toMatch(
      /OK {6}heartbeat us-east-1: last heartbeat 10 min ago, latency at most 850 ms; alarm OK/,
    );
    expect(text).toMatch(/OK {6}heartbeat eu-west-1: last heartbeat 30 min ago/);
    expect(text).toMatch(
      /OK {6}sweep: last run 300 min ago; in 24 h: 40 function\(s\) seen, 0 seeded, 1 drifted/,
    );
    expect(text).toMatch(
      /findings: in 24 h: 3 \(layer-added high: 2, detector-tampered critical: 1\) published, 0 suppressed/,
    );
    expect(text).toMatch(/OK {6}queue FailureQueue: empty/);
    expect(text).toMatch(/cache hit rate 25 %/);
    expect(text).toMatch(/alarms: 3 alarm\(s\) of the stack: 3 OK, 0 ALARM/);
    expect(lines.at(-1)).toMatch(
      /0 blind, 0 queue\(s\) holding messages, 0 other alarm\(s\) firing; \d+ parts: \d+ done, 0 failed, 0 skipped/,
    );
    expect(code).toBe(0);
  });

  it('names a blind region: no heartbeat, its alarm firing (exit 1)', async () => {
    const name = 'LayerWatch-Blind-ap-southeast-2-E5F6';
    await alarm(name, 'Heartbeat', 'LayerWatch', { ...lw, Region: 'ap-southeast-2' }, 'ALARM');
    const { code, lines } = await status();
    await new CloudWatchClient(cfg).send(new DeleteAlarmsCommand({ AlarmNames: [name] }));
    expect(lines.filter((l) => /^\s+BLIND/.test(l))).toEqual([
      expect.stringMatching(
        /BLIND {3}heartbeat ap-southeast-2: no heartbeat in the window, .*alarm ALARM: layerwatch is blind there/,
      ),
    ]);
    expect(lines.at(-1)).toMatch(/1 blind/);
    expect(code).toBe(1);
  });

  it('names a queue that holds messages (exit 1)', async () => {
    const sqs = new SQSClient(cfg);
    await sqs.send(
      new SendMessageCommand({ QueueUrl: queues.failure, MessageBody: '{"requestPayload":{}}' }),
    );
    const { code, lines } = await status();
    await drain(sqs, queues.failure);
    expect(lines.filter((l) => /^\s+WAITING/.test(l))).toEqual([
      expect.stringMatching(/WAITING queue FailureQueue: 1 message\(s\) waiting/),
    ]);
    expect(lines.join('\n')).toMatch(/OK {6}queue RuleDeadLetterQueue: empty/);
    expect(code).toBe(1);
  });

  it('reports a part it cannot read with the error and still answers the others (exit 2)', async () => {
    const view = viewOf(cfg.endpoint);
    const broken: StatusView = {
      ...view,
      series: (r, q, w) =>
        q.some((x) => x.name.startsWith('Sweep'))
          ? Promise.reject(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }))
          : view.series(r, q, w),
    };
    const { code, lines } = await status(broken);
    expect(lines.join('\n')).toMatch(
      /ERROR {3}sweep: could not be read in us-east-1: AccessDeniedException: denied/,
    );
    expect(lines.join('\n')).toMatch(/OK {6}heartbeat us-east-1/);
    expect(lines.at(-1)).toMatch(/1 failed \(AccessDeniedException: 1\)/);
    expect(code).toBe(2);
  });

  it("is README's sample: a blind region and a queue holding messages at once", async () => {
    const name = 'LayerWatch-Blind-ap-southeast-2-E5F6';
    const sqs = new SQSClient(cfg);
    await alarm(name, 'Heartbeat', 'LayerWatch', { ...lw, Region: 'ap-southeast-2' }, 'ALARM');
    await sqs.send(new SendMessageCommand({ QueueUrl: queues.failure, MessageBody: '{}' }));
    const { code, lines } = await status();
    await new CloudWatchClient(cfg).send(new DeleteAlarmsCommand({ AlarmNames: [name] }));
    await drain(sqs, queues.failure);
    const readme = readFileSync(join(process.cwd(), 'README.md'), 'utf8');
    const sample = /<!-- status-sample:start -->\n```text\n([\s\S]*?)\n```\n<!-- status-sample:end -->/.exec(
      readme,
    );
    expect(lines.join('\n')).toBe(sample?.[1]);
    expect(code).toBe(1);
  });
});
