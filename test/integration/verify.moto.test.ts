/**
 * `layerwatch verify` against a deployment set up in moto: every check passes on a healthy one, and
 * each part the test breaks (a disabled rule, a stopped trail, an unconfirmed topic, a key pending
 * deletion, a dead letter, a missing heartbeat, handler errors, a missing stack) fails with the line
 * that names it. moto serves CloudFormation, EventBridge, SNS, KMS, CloudTrail, SQS and CloudWatch.
 */
import { CloudFormationClient, CreateStackCommand } from '@aws-sdk/client-cloudformation';
import {
  CloudTrailClient,
  CreateTrailCommand,
  PutEventSelectorsCommand,
  StartLoggingCommand,
  StopLoggingCommand,
} from '@aws-sdk/client-cloudtrail';
import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import {
  DisableRuleCommand,
  EnableRuleCommand,
  EventBridgeClient,
  PutRuleCommand,
  PutTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import {
  CancelKeyDeletionCommand,
  CreateKeyCommand,
  EnableKeyCommand,
  KMSClient,
  ScheduleKeyDeletionCommand,
} from '@aws-sdk/client-kms';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import {
  CreateTopicCommand,
  PublishCommand,
  SNSClient,
  SubscribeCommand,
  UnsubscribeCommand,
} from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  PurgeQueueCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { DeploymentReader, regionalClients } from '../../lambda/adapters/deployment-reader.js';
import { runVerify } from '../../lambda/cli/verify.js';
import { resourcesOfType, TemplateResolver } from '../support/cfn-resolver.js';
import { HOME, MODES, type ModeCase, synthesizeDeployment } from '../support/deployments.js';
import { clientConfig, type Moto, startMoto } from '../support/moto.js';

const REGION = 'us-east-1';
const NOW = new Date();
let moto: Moto;
let cfg: ReturnType<typeof clientConfig>;
const ids = {
  topic: '',
  keyId: '',
  rule: 'layerwatch-detector',
  dlq: '',
  failure: '',
  subscription: '',
  probe: '',
};

async function run(extra: string[] = []): Promise<{ code: number; lines: string[]; published: string[] }> {
  const lines: string[] = [];
  const published: string[] = [];
  const sns = new SNSClient(cfg);
  const code = await runVerify(
    ['--stack', 'LayerWatch', '--region', REGION, ...extra],
    {},
    {
      view: new DeploymentReader(
        regionalClients({ endpoint: cfg.endpoint, credentials: cfg.credentials, maxAttempts: 2 }),
      ),
      publish: async (topic, alert) => {
        const out = await sns.send(
          new PublishCommand({
            TopicArn: topic,
            Subject: alert.subject,
            Message: alert.message,
            MessageStructure: 'json',
          }),
        );
        published.push(alert.subject);
        return out.MessageId ?? '';
      },
      now: () => NOW,
      out: (line) => lines.push(line),
    },
  );
  return { code, lines, published };
}

const failing = (lines: string[]) => lines.filter((l) => l.startsWith('FAIL'));

beforeAll(async () => {
  moto = await startMoto();
  cfg = clientConfig(moto.endpoint, REGION);
  const kms = new KMSClient(cfg);
  ids.keyId = (await kms.send(new CreateKeyCommand({ Description: 'alerts' }))).KeyMetadata?.KeyId as string;
  const sns = new SNSClient(cfg);
  ids.topic = (
    await sns.send(new CreateTopicCommand({ Name: 'alerts', Attributes: { KmsMasterKeyId: ids.keyId } }))
  ).TopicArn as string;
  const sqs = new SQSClient(cfg);
  const queue = async (name: string) =>
    (await sqs.send(new CreateQueueCommand({ QueueName: name }))).QueueUrl as string;
  ids.dlq = await queue('rule-dlq');
  ids.failure = await queue('failure');
  const inbox = await queue('inbox');
  const inboxArn = (
    await sqs.send(new GetQueueAttributesCommand({ QueueUrl: inbox, AttributeNames: ['QueueArn'] }))
  ).Attributes?.QueueArn;
  ids.subscription = (
    await sns.send(new SubscribeCommand({ TopicArn: ids.topic, Protocol: 'sqs', Endpoint: inboxArn }))
  ).SubscriptionArn as string;
  const events = new EventBridgeClient(cfg);
  await events.send(
    new PutRuleCommand({ Name: ids.rule, EventPattern: JSON.stringify({ source: ['aws.lambda'] }) }),
  );
  await events.send(new PutTargetsCommand({ Rule: ids.rule, Targets: [{ Id: 'handler', Arn: inboxArn }] }));
  await new S3Client({ ...cfg, forcePathStyle: true }).send(
    new CreateBucketCommand({ Bucket: 'trail-logs' }),
  );
  const ct = new CloudTrailClient(cfg);
  await ct.send(
    new CreateTrailCommand({ Name: 'org', S3BucketName: 'trail-logs', IsMultiRegionTrail: true }),
  );
  await ct.send(
    new PutEventSelectorsCommand({
      TrailName: 'org',
      EventSelectors: [{ IncludeManagementEvents: true, ReadWriteType: 'All' }],
    }),
  );
  await ct.send(new StartLoggingCommand({ Name: 'org' }));
  await heartbeat(REGION);
  const outputs = {
    AlertTopicArn: ids.topic,
    RuleNames: ids.rule,
    CoveredRegions: REGION,
    HeartbeatRegions: REGION,
    HandlerName: 'LayerWatch-Handler',
    RuleDeadLetterQueueUrl: ids.dlq,
    FailureQueueUrl: ids.failure,
  };
  await new CloudFormationClient(cfg).send(
    new CreateStackCommand({
      StackName: 'LayerWatch',
      TemplateBody: JSON.stringify({
        Resources: { Marker: { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'stack-marker' } } },
        Outputs: Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, { Value: v }])),
      }),
    }),
  );
}, 90_000);

afterAll(async () => moto?.stop());

async function heartbeat(region: string, ageMinutes = 10) {
  await new CloudWatchClient(cfg).send(
    new PutMetricDataCommand({
      Namespace: 'LayerWatch',
      MetricData: [
        {
          MetricName: 'Heartbeat',
          Dimensions: [
            { Name: 'service', Value: 'layerwatch' },
            { Name: 'Region', Value: region },
          ],
          Timestamp: new Date(NOW.getTime() - ageMinutes * 60_000),
          Value: 1,
          Unit: 'Count',
        },
      ],
    }),
  );
}

describe('layerwatch verify', () => {
  it('passes every check on a healthy deployment, and sends a marked test alert on request', async () => {
    const { code, lines, published } = await run(['--send-test-alert']);
    expect(failing(lines)).toEqual([]);
    expect(code).toBe(0);
    expect(lines.join('\n')).toMatch(/PASS {2}stack LayerWatch: CREATE_COMPLETE/);
    expect(lines.join('\n')).toMatch(/PASS {2}trail in us-east-1: org logs write management events/);
    expect(lines.join('\n')).toMatch(/PASS {2}heartbeat us-east-1: last one 10 min ago/);
    expect(published).toHaveLength(1);
    expect(published[0]).toMatch(/^\[[A-Z]+\] \[TEST\]/);
  });

  it('fails on a disabled rule, naming it and its fix', async () => {
    const events = new EventBridgeClient(cfg);
    await events.send(new DisableRuleCommand({ Name: ids.rule }));
    const { code, lines } = await run();
    await events.send(new EnableRuleCommand({ Name: ids.rule }));
    expect(code).toBe(1);
    expect(failing(lines).join('\n')).toMatch(
      /FAIL {2}rule layerwatch-detector: DISABLED\n\s+fix: aws events enable-rule --name layerwatch-detector/,
    );
  });

  it('fails on a stopped trail', async () => {
    const ct = new CloudTrailClient(cfg);
    await ct.send(new StopLoggingCommand({ Name: 'org' }));
    const { code, lines } = await run();
    await ct.send(new StartLoggingCommand({ Name: 'org' }));
    expect(code).toBe(1);
    expect(failing(lines).join('\n')).toMatch(/FAIL {2}trail in us-east-1: org: stopped/);
  });

  it('fails on a topic without a confirmed subscription', async () => {
    const sns = new SNSClient(cfg);
    await sns.send(new UnsubscribeCommand({ SubscriptionArn: ids.subscription }));
    const { code, lines } = await run();
    expect(code).toBe(1);
    expect(failing(lines).join('\n')).toMatch(
      /FAIL {2}topic arn:aws:sns:us-east-1:\d+:alerts: no confirmed subscription/,
    );
    const queueArn = `arn:aws:sqs:${REGION}:123456789012:inbox`;
    ids.subscription = (
      await sns.send(new SubscribeCommand({ TopicArn: ids.topic, Protocol: 'sqs', Endpoint: queueArn }))
    ).SubscriptionArn as string;
  });

  it('fails on a topic key pending deletion', async () => {
    const kms = new KMSClient(cfg);
    await kms.send(new ScheduleKeyDeletionCommand({ KeyId: ids.keyId, PendingWindowInDays: 7 }));
    const { code, lines } = await run();
    await kms.send(new CancelKeyDeletionCommand({ KeyId: ids.keyId }));
    await kms.send(new EnableKeyCommand({ KeyId: ids.keyId }));
    expect(code).toBe(1);
    expect(failing(lines).join('\n')).toMatch(
      /FAIL {2}key of arn:aws:sns:us-east-1:\d+:alerts: PendingDeletion/,
    );
  });

  it('fails on a message in the failure queue', async () => {
    const sqs = new SQSClient(cfg);
    await sqs.send(new SendMessageCommand({ QueueUrl: ids.failure, MessageBody: '{}' }));
    const { code, lines } = await run();
    await sqs.send(new PurgeQueueCommand({ QueueUrl: ids.failure }));
    expect(code).toBe(1);
    expect(failing(lines).join('\n')).toMatch(/FAIL {2}queue FailureQueueUrl: 1 message\(s\)/);
  });

  it('fails on handler errors', async () => {
    await new CloudWatchClient(cfg).send(
      new PutMetricDataCommand({
        Namespace: 'AWS/Lambda',
        MetricData: [
          {
            MetricName: 'Errors',
            Dimensions: [{ Name: 'FunctionName', Value: 'LayerWatch-Handler' }],
            Timestamp: new Date(NOW.getTime() - 3_600_000),
            Value: 3,
          },
        ],
      }),
    );
    const { code, lines } = await run();
    expect(code).toBe(1);
    expect(failing(lines).join('\n')).toMatch(/FAIL {2}handler errors: 3 in the last 24 hours/);
  });

  it('fails on a region without a heartbeat: blind', async () => {
    const { lines } = await run(['--stack', 'LayerWatch']);
    expect(lines.join('\n')).not.toMatch(/FAIL {2}heartbeat/);
    const stale = await runAt(new Date(NOW.getTime() + 5 * 3_600_000));
    expect(stale.join('\n')).toMatch(
      /FAIL {2}heartbeat us-east-1: (last one \d+ min ago|none in the last 24 hours)/,
    );
  });

  it('fails on a stack that does not exist, and cannot run without a region (exit 2)', async () => {
    const { code, lines } = await run(['--stack', 'Missing']);
    expect(code).toBe(1);
    expect(lines[0]).toMatch(/FAIL {2}stack Missing: not found in us-east-1/);
    const noRegion: string[] = [];
    expect(
      await runVerify(
        [],
        {},
        { view: {} as never, publish: async () => '', now: () => NOW, out: (l) => noRegion.push(l) },
      ),
    ).toBe(2);
    expect(noRegion[0]).toMatch(/--region/);
  });

  it('reports a stack that cannot be read (AWS unreachable) with the reason, the checks that need it skipped (exit 2)', async () => {
    const lines: string[] = [];
    const code = await runVerify(
      ['--region', REGION],
      {},
      {
        view: new DeploymentReader(
          regionalClients({ endpoint: 'http://127.0.0.1:9', credentials: cfg.credentials, maxAttempts: 1 }),
        ),
        publish: async () => '',
        now: () => NOW,
        out: (l) => lines.push(l),
      },
    );
    expect(code).toBe(2);
    expect(lines[0]).toMatch(
      /^ERROR {2}stack LayerWatch: could not be read in us-east-1: .*describing stack LayerWatch/,
    );
    expect(lines).toContainEqual(expect.stringMatching(/^SKIP {2}rules: the stack could not be read/));
  });
});

describe('layerwatch verify: the tamper watch', () => {
  /** The rule names the detector stack's RuleNames output gives, resolved as CloudFormation would. */
  function deployedRuleNames(): { all: string[]; tamper: string } {
    const detector = synthesizeDeployment(MODES[0] as ModeCase).detector;
    const resolver = new TemplateResolver(detector.template, detector.placements[0] ?? HOME);
    const outputs = detector.template.Outputs as Record<string, { Value: unknown }>;
    const all = String(resolver.resolve(outputs.RuleNames?.Value)).split(',');
    const tamperIds = resourcesOfType(detector.template, 'AWS::Events::Rule')
      .map(([id]) => id)
      .filter((id) => /TamperWatchRule/.test(id));
    if (tamperIds.length !== 1) throw new Error(`expected one tamper rule, found ${tamperIds.length}`);
    return { all, tamper: resolver.ref(tamperIds[0] as string) };
  }

  it("checks every rule the stack's RuleNames output names, the tamper rule included, and fails naming it when disabled", async () => {
    const { all, tamper } = deployedRuleNames();
    expect(all).toContain(tamper);
    const events = new EventBridgeClient(cfg);
    const inbox = `arn:aws:sqs:${REGION}:123456789012:inbox`;
    for (const name of all) {
      await events.send(
        new PutRuleCommand({ Name: name, EventPattern: JSON.stringify({ source: ['aws.lambda'] }) }),
      );
      await events.send(new PutTargetsCommand({ Rule: name, Targets: [{ Id: 'target', Arn: inbox }] }));
    }
    const outputs = {
      AlertTopicArn: ids.topic,
      RuleNames: all.join(','),
      // A handler of its own: the errors an earlier test put on LayerWatch-Handler are not this stack's.
      HandlerName: 'LayerWatchTamper-Handler',
      HeartbeatRegions: REGION,
    };
    await new CloudFormationClient(cfg).send(
      new CreateStackCommand({
        StackName: 'LayerWatchTamper',
        TemplateBody: JSON.stringify({
          Resources: { Marker: { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'tamper-marker' } } },
          Outputs: Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, { Value: v }])),
        }),
      }),
    );
    const healthy = await run(['--stack', 'LayerWatchTamper']);
    expect(failing(healthy.lines)).toEqual([]);
    for (const name of all) expect(healthy.lines).toContain(`PASS  rule ${name}: enabled, 1 target(s)`);

    await events.send(new DisableRuleCommand({ Name: tamper }));
    const disabled = await run(['--stack', 'LayerWatchTamper']);
    await events.send(new EnableRuleCommand({ Name: tamper }));
    expect(disabled.code).toBe(1);
    // One failure, the tamper rule's, with its fix.
    expect(failing(disabled.lines)).toEqual([
      `FAIL  rule ${tamper}: DISABLED\n      fix: aws events enable-rule --name ${tamper} --region ${REGION}`,
    ]);
  });
});

async function runAt(now: Date): Promise<string[]> {
  const lines: string[] = [];
  await runVerify(
    ['--region', REGION],
    {},
    {
      view: new DeploymentReader(
        regionalClients({ endpoint: cfg.endpoint, credentials: cfg.credentials, maxAttempts: 2 }),
      ),
      publish: async () => '',
      now: () => now,
      out: (l) => lines.push(l),
    },
  );
  return lines;
}
