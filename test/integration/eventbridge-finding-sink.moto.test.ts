/**
 * The EventBridge sink against moto: a rule on the default bus matching source `layerwatch` and
 * detail-type `Lambda Layer Finding` forwards to an SQS queue; every example finding put by the
 * sink arrives there whole, and nothing else matches the rule.
 */
import {
  EventBridgeClient,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import {
  DETAIL_TYPE,
  EVENT_SOURCE,
  EventBridgeFindingSink,
} from '../../lambda/adapters/eventbridge-finding-sink.js';
import { allFindings } from '../support/example-findings.js';
import { clientConfig, type Moto, startMoto } from '../support/moto.js';

let moto: Moto;
let events: EventBridgeClient;
let sqs: SQSClient;
let queueUrl: string;

beforeAll(async () => {
  moto = await startMoto();
  events = new EventBridgeClient(clientConfig(moto.endpoint));
  sqs = new SQSClient(clientConfig(moto.endpoint));
  queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'findings' }))).QueueUrl as string;
  const attrs = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
  );
  await events.send(
    new PutRuleCommand({
      Name: 'layerwatch-findings',
      EventPattern: JSON.stringify({ source: [EVENT_SOURCE], 'detail-type': [DETAIL_TYPE] }),
    }),
  );
  await events.send(
    new PutTargetsCommand({
      Rule: 'layerwatch-findings',
      Targets: [{ Id: 'queue', Arn: attrs.Attributes?.QueueArn as string }],
    }),
  );
}, 60_000);

afterAll(async () => {
  events?.destroy();
  sqs?.destroy();
  await moto?.stop();
});

async function drain(): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  for (;;) {
    const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10 }));
    if (!r.Messages?.length) return out;
    out.push(...r.Messages.map((m) => JSON.parse(m.Body as string) as Record<string, unknown>));
  }
}

describe('EventBridgeFindingSink against moto', () => {
  it('delivers every example finding through a rule on source and detail-type', async () => {
    const findings = allFindings();
    await expect(new EventBridgeFindingSink(events).put(findings)).resolves.toEqual({
      sent: findings.length,
    });
    // Another producer's event on the same bus does not match the rule.
    await events.send(
      new PutEventsCommand({ Entries: [{ Source: 'someone-else', DetailType: DETAIL_TYPE, Detail: '{}' }] }),
    );

    const delivered = await drain();
    expect(delivered).toHaveLength(findings.length);
    for (const e of delivered)
      expect(e).toMatchObject({ source: 'layerwatch', 'detail-type': 'Lambda Layer Finding' });
    const byId = new Map(delivered.map((e) => [(e.detail as { findingId: string }).findingId, e.detail]));
    for (const f of findings) expect(byId.get(f.findingId)).toEqual(f);
  });
});
