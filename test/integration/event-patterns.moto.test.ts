/**
 * The EventBridge patterns of every synthesized stack, matched by a real EventBridge implementation
 * (moto, which evaluates patterns for rules with an SQS target): every rule with an EventPattern, in
 * every template of every deployment mode, is created on a bus of its own with a queue as target,
 * and a corpus of CloudTrail-built events is put on every bus. A rule for Lambda's CloudTrail events
 * must deliver every successful layer-relevant call and nothing else; a tamper rule every successful
 * call that can blind layerwatch and nothing else; any other rule, none of them.
 */
import {
  CreateEventBusCommand,
  EventBridgeClient,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { resourcesOfType, TemplateResolver } from '../support/cfn-resolver.js';
import { allDeployments } from '../support/deployments.js';
import { type CorpusEvent, eventCorpus } from '../support/event-corpus.js';
import { clientConfig, type Moto, startMoto } from '../support/moto.js';

interface SynthesizedRule {
  /** mode / stack / logical id */
  readonly label: string;
  readonly pattern: Record<string, unknown>;
}

/** Every rule with an EventPattern, found by type in every template of every mode. */
function synthesizedRules(): SynthesizedRule[] {
  const rules: SynthesizedRule[] = [];
  for (const d of allDeployments()) {
    for (const stack of d.stacks) {
      const placement = stack.placements[0];
      if (!placement) continue;
      const resolver = new TemplateResolver(stack.template, placement);
      for (const [id, rule] of resourcesOfType(stack.template, 'AWS::Events::Rule')) {
        const pattern = rule.Properties?.EventPattern;
        if (pattern === undefined) continue;
        rules.push({
          label: `${d.name} / ${stack.name} / ${id}`,
          pattern: resolver.resolve(pattern) as Record<string, unknown>,
        });
      }
    }
  }
  return rules;
}

const rules = synthesizedRules();
const corpus = eventCorpus();
/** Rules sharing a pattern share one bus: the pattern is what is under test. */
const patterns = [...new Set(rules.map((r) => JSON.stringify(r.pattern)))];
/** Event ids delivered, per pattern. */
const delivered = new Map<string, Set<string>>();
let moto: Moto;

async function drain(sqs: SQSClient, queueUrl: string): Promise<Set<string>> {
  const ids = new Set<string>();
  for (let empty = 0; empty < 2; ) {
    const out = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
    );
    const messages = out.Messages ?? [];
    if (messages.length === 0) {
      empty += 1;
      continue;
    }
    for (const m of messages) {
      const body = JSON.parse(m.Body ?? '{}') as { detail?: { eventID?: string } };
      ids.add(String(body.detail?.eventID));
    }
    await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle ?? '' })),
      }),
    );
  }
  return ids;
}

async function putCorpus(events: EventBridgeClient, bus: string, all: readonly CorpusEvent[]): Promise<void> {
  for (let i = 0; i < all.length; i += 10) {
    const batch = all.slice(i, i + 10);
    const out = await events.send(
      new PutEventsCommand({
        Entries: batch.map(({ event }) => ({
          EventBusName: bus,
          Source: String(event.source),
          DetailType: String(event['detail-type']),
          Detail: JSON.stringify(event.detail),
          Resources: event.resources as string[],
          Time: new Date(String(event.time)),
        })),
      }),
    );
    if (out.FailedEntryCount) throw new Error(`PutEvents refused ${out.FailedEntryCount} entries on ${bus}`);
  }
}

beforeAll(async () => {
  moto = await startMoto();
  const events = new EventBridgeClient(clientConfig(moto.endpoint));
  const sqs = new SQSClient(clientConfig(moto.endpoint));
  for (const [i, pattern] of patterns.entries()) {
    const bus = `layerwatch-pattern-${i}`;
    await events.send(new CreateEventBusCommand({ Name: bus }));
    const queue = await sqs.send(new CreateQueueCommand({ QueueName: `pattern-${i}` }));
    const queueUrl = queue.QueueUrl ?? '';
    const attributes = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
    );
    await events.send(new PutRuleCommand({ Name: `rule-${i}`, EventBusName: bus, EventPattern: pattern }));
    await events.send(
      new PutTargetsCommand({
        Rule: `rule-${i}`,
        EventBusName: bus,
        Targets: [{ Id: 'queue', Arn: attributes.Attributes?.QueueArn }],
      }),
    );
    await putCorpus(events, bus, corpus);
    delivered.set(pattern, await drain(sqs, queueUrl));
  }
}, 120_000);

afterAll(async () => {
  await moto?.stop();
});

describe('the event corpus', () => {
  it('holds successful layer-relevant calls, failed ones and unrelated Lambda calls', () => {
    const names = (relevant: boolean) => corpus.filter((e) => e.relevant === relevant).map((e) => e.label);
    expect(names(true).length).toBeGreaterThanOrEqual(8);
    expect(names(false)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^UpdateFunctionConfiguration20150331v2 \(AccessDenied\)/),
        expect.stringMatching(/^CreateFunctionUrlConfig20211031 /),
        expect.stringMatching(/^Invoke /),
      ]),
    );
  });

  it('is matched for real: a pattern on one event name delivers exactly that event', async () => {
    const events = new EventBridgeClient(clientConfig(moto.endpoint));
    const sqs = new SQSClient(clientConfig(moto.endpoint));
    await events.send(new CreateEventBusCommand({ Name: 'control' }));
    const { QueueUrl = '' } = await sqs.send(new CreateQueueCommand({ QueueName: 'control' }));
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }),
    );
    const pattern = {
      source: ['aws.lambda'],
      detail: { eventName: ['PublishLayerVersion20181031'], errorCode: [{ exists: false }] },
    };
    await events.send(
      new PutRuleCommand({ Name: 'control', EventBusName: 'control', EventPattern: JSON.stringify(pattern) }),
    );
    await events.send(
      new PutTargetsCommand({
        Rule: 'control',
        EventBusName: 'control',
        Targets: [{ Id: 'q', Arn: Attributes?.QueueArn }],
      }),
    );
    await putCorpus(events, 'control', corpus);
    const expected = corpus
      .filter(
        (e) =>
          (e.event.detail as { eventName?: string; errorCode?: string }).eventName ===
          'PublishLayerVersion20181031',
      )
      .filter((e) => !(e.event.detail as { errorCode?: string }).errorCode)
      .map((e) => e.id);
    expect(expected.length).toBeGreaterThan(0);
    expect([...(await drain(sqs, QueueUrl))].sort()).toEqual(expected.sort());
  });
});

/** What a rule is for: Lambda's layer calls, the calls that can blind layerwatch, or neither. */
function purposeOf(pattern: Record<string, unknown>): 'layer' | 'tamper' | 'other' {
  const detail = (pattern.detail ?? {}) as { eventSource?: unknown };
  if ([detail.eventSource].flat().includes('cloudtrail.amazonaws.com')) return 'tamper';
  return [pattern.source].flat().includes('aws.lambda') ? 'layer' : 'other';
}

describe.each(rules.map((r) => [r.label, r] as const))('rule %s', (_, rule) => {
  const purpose = purposeOf(rule.pattern);
  const wanted = (e: CorpusEvent) =>
    purpose === 'layer' ? e.relevant : purpose === 'tamper' ? e.tamper : false;

  it(
    purpose === 'layer'
      ? 'delivers every successful layer-relevant call, and no failed or unrelated call'
      : purpose === 'tamper'
        ? 'delivers every successful call that can blind layerwatch, and no failed, layer or unrelated call'
        : 'delivers none of the CloudTrail events',
    () => {
      const got = delivered.get(JSON.stringify(rule.pattern)) ?? new Set<string>();
      const missed = corpus.filter((e) => wanted(e) && !got.has(e.id)).map((e) => e.label);
      const extra = corpus.filter((e) => !wanted(e) && got.has(e.id)).map((e) => e.label);
      expect({ missed, extra }).toEqual({ missed: [], extra: [] });
    },
  );
});

describe('the tamper rules', () => {
  it('exist in the detector, forwarder and member templates', () => {
    const tamperRules = rules.filter((r) => purposeOf(r.pattern) === 'tamper').map((r) => r.label);
    expect(tamperRules).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/detector/),
        expect.stringMatching(/forwarder/),
        expect.stringMatching(/member/),
      ]),
    );
  });

  it('are tested on every watched call, failed ones and look-alikes', () => {
    const tamper = corpus.filter((e) => e.tamper);
    expect(tamper.length).toBeGreaterThanOrEqual(30);
    const failedTamper = corpus.filter(
      (e) =>
        (e.event.detail as { errorCode?: string }).errorCode &&
        /cloudtrail|events|sns|kms|dynamodb/.test(String(e.event.source)),
    );
    expect(failedTamper.length).toBeGreaterThanOrEqual(15);
  });
});

/**
 * The remote alarm relay (forwarder and member stacks send their alarm's state changes to the
 * detector's bus, whose rule publishes them to the operations topic): every rule on CloudWatch alarm
 * state changes delivers its own remote alarm's change, and not another alarm's.
 */
describe('the remote alarm relay patterns', () => {
  const alarmRules = rules.filter((r) => [r.pattern.source].flat().includes('aws.cloudwatch'));
  const alarmPatterns = [...new Set(alarmRules.map((r) => JSON.stringify(r.pattern)))];

  const stateChange = (alarmArn: string, id: string) => ({
    Source: 'aws.cloudwatch',
    DetailType: 'CloudWatch Alarm State Change',
    Resources: [alarmArn],
    Detail: JSON.stringify({
      alarmName: alarmArn.split(':alarm:')[1],
      state: {
        value: 'ALARM',
        reason: `Threshold Crossed (${id})`,
        timestamp: '2026-12-01T10:00:00.000+0000',
      },
      previousState: { value: 'OK', reason: 'ok', timestamp: '2026-12-01T09:00:00.000+0000' },
      configuration: {
        description: 'layerwatch: Lambda layer events could not be forwarded to the detector',
      },
    }),
  });

  it('exist in the forwarder, member and detector templates', () => {
    expect(alarmRules.map((r) => r.label)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/forwarder/),
        expect.stringMatching(/member/),
        expect.stringMatching(/detector/),
      ]),
    );
  });

  it.each(alarmPatterns.map((p) => [p]))('deliver the remote alarm and no other: %s', async (pattern) => {
    const p = JSON.parse(pattern) as { resources?: string[] };
    const remote =
      p.resources?.[0] ??
      'arn:aws:cloudwatch:eu-west-1:111122223333:alarm:layerwatch-remote-LayerWatchForwarder-eu-west-1';
    const other = 'arn:aws:cloudwatch:us-east-1:111122223333:alarm:payments-errors';
    const events = new EventBridgeClient(clientConfig(moto.endpoint));
    const sqs = new SQSClient(clientConfig(moto.endpoint));
    const name = `alarm-${alarmPatterns.indexOf(pattern)}`;
    await events.send(new CreateEventBusCommand({ Name: name }));
    const { QueueUrl = '' } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }),
    );
    await events.send(new PutRuleCommand({ Name: name, EventBusName: name, EventPattern: pattern }));
    await events.send(
      new PutTargetsCommand({
        Rule: name,
        EventBusName: name,
        Targets: [{ Id: 'q', Arn: Attributes?.QueueArn }],
      }),
    );
    await events.send(
      new PutEventsCommand({
        Entries: [stateChange(remote, 'remote'), stateChange(other, 'other')].map((e) => ({
          ...e,
          EventBusName: name,
        })),
      }),
    );
    const out = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
    );
    const names = (out.Messages ?? []).map(
      (m) => (JSON.parse(m.Body ?? '{}') as { detail: { alarmName: string } }).detail.alarmName,
    );
    expect(names).toEqual([remote.split(':alarm:')[1]]);
  });
});
