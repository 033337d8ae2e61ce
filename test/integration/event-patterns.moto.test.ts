/**
 * The EventBridge patterns of every synthesized stack, matched by a real EventBridge implementation
 * (moto, which evaluates patterns for rules with an SQS target): every rule with an EventPattern, in
 * every template of every deployment mode, at every place it is deployed, is a rule (one per distinct
 * pattern) with a queue of its own as target, on one bus, and a corpus of CloudTrail-built events is
 * put on that bus: every watched call (TAMPER_CALLS, by the names CloudTrail logs), every call that
 * disables, deletes, re-targets or re-patterns each deployed rule, failed ones and look-alikes. Then,
 * with what moto delivered: a rule for Lambda's layer calls delivers every successful one and
 * nothing else; every rule delivers what its pattern says (test/support/event-pattern.ts, which the
 * unit tests use); and following each event through the deployment's rules, bus to bus
 * (test/support/rule-routes.ts), every watched call made in any stack's account and region reaches a
 * person through a rule other than the one it touches, and no failed call or look-alike does.
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
import { TAMPER_CALLS, TAMPER_EVENT_SOURCES, TAMPER_SERVICES } from '../../lambda/domain/model.js';
import { GLOBAL_FORWARDED_SERVICES } from '../../lib/forwarder-stack.js';
import { allDeployments, type Placement } from '../support/deployments.js';
import { type CorpusEvent, eventCorpus } from '../support/event-corpus.js';
import { matchesPattern } from '../support/event-pattern.js';
import { clientConfig, type Moto, startMoto } from '../support/moto.js';
import type { Rec } from '../support/records.js';
import { type DeployedRule, deployedRules, reachesPerson, routesOf } from '../support/rule-routes.js';

const deployments = allDeployments().map((d) => ({ d, rules: deployedRules(d) }));

/** Every rule with an EventPattern, in every template of every mode, at every place it is deployed. */
const rules = deployments.flatMap(({ d, rules: placed }) =>
  placed
    .filter((r) => r.pattern !== undefined)
    .map((r) => ({ label: `${d.name} / ${r.label}`, pattern: r.pattern as Record<string, unknown> })),
);
const corpus = eventCorpus(
  process.cwd(),
  deployments.flatMap(({ rules: placed }) => placed.map((r) => r.name)),
);
/** Rules sharing a pattern share one rule on the test bus: the pattern is what is under test. */
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
  // One bus, one rule per pattern, each with a queue of its own: EventBridge matches every rule of a
  // bus against every event on its own, so the corpus is put once rather than once per pattern.
  const bus = 'layerwatch-patterns';
  await events.send(new CreateEventBusCommand({ Name: bus }));
  const queues = new Map<string, string>();
  for (const [i, pattern] of patterns.entries()) {
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
    queues.set(pattern, queueUrl);
  }
  await putCorpus(events, bus, corpus);
  for (const [pattern, queueUrl] of queues) delivered.set(pattern, await drain(sqs, queueUrl));
}, 600_000);

afterAll(async () => {
  await moto?.stop();
});

describe('the event corpus', () => {
  it('holds successful layer-relevant calls, refused attaches, other failed calls and unrelated Lambda calls', () => {
    const names = (relevant: boolean) => corpus.filter((e) => e.relevant === relevant).map((e) => e.label);
    expect(names(true).length).toBeGreaterThanOrEqual(8);
    expect(names(true)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^UpdateFunctionConfiguration20150331v2 \(AccessDenied\)/),
        expect.stringMatching(/^CreateFunction20150331 \(AccessDeniedException\)/),
        expect.stringMatching(/^CreateFunction \(AccessDenied\)/),
      ]),
    );
    expect(names(false)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^CreateFunctionUrlConfig20211031 \(AccessDenied\)/),
        expect.stringMatching(/^PublishLayerVersion20181031 \(AccessDenied\)/),
        expect.stringMatching(/^CreateFunction20150331 \(InvalidParameterValueException\)/),
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

/** Whether a rule's pattern is for Lambda's layer calls (source aws.lambda). */
function isLayerRule(pattern: Record<string, unknown>): boolean {
  return JSON.stringify(pattern.source) === '["aws.lambda"]';
}

describe.each(rules.map((r) => [r.label, r] as const))('rule %s', (_, rule) => {
  const got = () => delivered.get(JSON.stringify(rule.pattern)) ?? new Set<string>();

  it("delivers what its pattern says (the unit tests' matcher agrees with EventBridge)", () => {
    const expected = corpus.filter((e) => matchesPattern(rule.pattern, e.event)).map((e) => e.label);
    const actual = corpus.filter((e) => got().has(e.id)).map((e) => e.label);
    expect(actual.sort()).toEqual(expected.sort());
  });

  if (isLayerRule(rule.pattern))
    it('delivers every successful layer-relevant call and every refused attach, and no other failed or unrelated call', () => {
      const missed = corpus.filter((e) => e.relevant && !got().has(e.id)).map((e) => e.label);
      const extra = corpus.filter((e) => !e.relevant && got().has(e.id)).map((e) => e.label);
      expect({ missed, extra }).toEqual({ missed: [], extra: [] });
    });
});

/** What moto delivered: whether a deployed rule matched an event of the corpus. */
function deliveredBy(rule: DeployedRule, event: Rec): boolean {
  const id = String((event.detail as { eventID?: string }).eventID);
  return rule.pattern !== undefined && (delivered.get(JSON.stringify(rule.pattern))?.has(id) ?? false);
}

const serviceOf = (e: CorpusEvent) =>
  TAMPER_SERVICES.find((s) => TAMPER_EVENT_SOURCES[s] === (e.event.detail as Rec).eventSource);
const names = (e: CorpusEvent) => JSON.stringify((e.event.detail as Rec).requestParameters ?? {});

describe.each(deployments.map((x) => [x.d.name, x] as const))('mode %s', (_, { rules: placed }) => {
  const stacks = [...new Set(placed.map((r) => r.stack))];
  it.each(stacks.map((s) => [s.name, s] as const))(
    'every watched call made where %s is deployed reaches a person, through a rule other than the one it touches',
    (_name, stack) => {
      const at = stack.placements[0] as Placement;
      const global = stack.name.includes('global services');
      const watched = corpus.filter(
        (e) => e.tamper && (!global || GLOBAL_FORWARDED_SERVICES.some((s) => s === serviceOf(e))),
      );
      expect(watched.length).toBeGreaterThan(global ? 20 : 60);
      const touched = (e: CorpusEvent) => (r: DeployedRule) =>
        r.name === e.touches && r.placement.account === at.account && r.placement.region === at.region;
      const missed = watched
        .filter(
          (e) =>
            !routesOf(placed, e.event, at, deliveredBy).some(
              (route) => reachesPerson(route) && !route.via.some(touched(e)),
            ),
        )
        .map((e) => e.label);
      expect(missed).toEqual([]);
    },
  );

  it.each(stacks.map((s) => [s.name, s] as const))(
    "no failed call (a refused attach aside) or look-alike made where %s is deployed reaches the handler; the direct rule tells only writes on layerwatch's resources",
    (_name, stack) => {
      const at = stack.placements[0] as Placement;
      const told = (e: CorpusEvent) => routesOf(placed, e.event, at, deliveredBy).filter(reachesPerson);
      const failedTold = corpus
        .filter((e) => (e.event.detail as Rec).errorCode !== undefined && !e.relevant && told(e).length > 0)
        .map((e) => e.label);
      expect(failedTold).toEqual([]);
      // Where a layer call reaches the handler (not the stack of global services), a refused attach does too.
      const toHandler = (e: CorpusEvent) => told(e).some((r) => r.end.kind === 'function');
      const failed = (e: CorpusEvent) => (e.event.detail as Rec).errorCode !== undefined;
      const refused = corpus.filter((e) => failed(e) && e.relevant);
      expect(refused.length).toBeGreaterThanOrEqual(3);
      if (corpus.some((e) => e.relevant && !failed(e) && toHandler(e)))
        expect(refused.filter((e) => !toHandler(e)).map((e) => e.label)).toEqual([]);
      const others = corpus.filter((e) => !e.tamper && !e.relevant);
      expect(
        others.filter((e) => told(e).some((r) => r.end.kind === 'function')).map((e) => e.label),
      ).toEqual([]);
      expect(
        others
          .filter((e) => told(e).length > 0 && !/LayerWatch-|layerwatch-forward-/.test(names(e)))
          .map((e) => e.label),
      ).toEqual([]);
    },
  );
});

describe('the tamper rules', () => {
  const tamperRules = rules.filter((r) => JSON.stringify(r.pattern).includes('"cloudtrail.amazonaws.com"'));

  it('exist in the detector, forwarder and member templates', () => {
    expect(tamperRules.map((r) => r.label)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/detector/),
        expect.stringMatching(/forwarder/),
        expect.stringMatching(/member/),
      ]),
    );
  });

  it('are tested on every watched call, every rule call, failed ones and look-alikes', () => {
    const tamper = corpus.filter((e) => e.tamper);
    const calls = Object.values(TAMPER_CALLS).flat().length;
    expect(tamper.length).toBeGreaterThanOrEqual(calls + 30);
    expect(corpus.filter((e) => e.touches && e.tamper).length).toBeGreaterThanOrEqual(50);
    const failedTamper = corpus.filter(
      (e) =>
        (e.event.detail as { errorCode?: string }).errorCode &&
        /cloudtrail|events|sns|kms|dynamodb|cloudwatch|sqs|iam|cloudformation|scheduler/.test(
          String(e.event.source),
        ),
    );
    expect(failedTamper.length).toBeGreaterThanOrEqual(calls);
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
