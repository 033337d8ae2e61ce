/**
 * The containment's trigger, matched by a real EventBridge implementation (moto evaluates patterns
 * for rules with an SQS target): the rule as the containment mode's template deploys it (its
 * pattern resolved as CloudFormation would, the custom action's ARN included) delivers the custom
 * action event of its own action and nothing else: another custom action, another Security Hub event
 * of the same finding, another source. The unit tests' matcher agrees with what moto delivered.
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
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { CUSTOM_ACTION_DETAIL_TYPE } from '../../lambda/domain/revert/custom-action.js';
import { allDeployments, type SynthesizedDeployment } from '../support/deployments.js';
import { matchesPattern } from '../support/event-pattern.js';
import { clientConfig, type Moto, startMoto } from '../support/moto.js';
import { deployedRules } from '../support/rule-routes.js';
import { runtimesOf } from '../support/runtime-requests.js';

const d = allDeployments().find((x) => runtimesOf(x).includes('containment')) as SynthesizedDeployment;
const rule = deployedRules(d).find((r) =>
  JSON.stringify(r.pattern ?? {}).includes(CUSTOM_ACTION_DETAIL_TYPE),
);
const pattern = rule?.pattern as Record<string, unknown>;
const actionArn = (pattern?.resources as string[] | undefined)?.[0] ?? '';

const event = (id: string, change: Record<string, unknown> = {}) => ({
  id,
  source: 'aws.securityhub',
  'detail-type': CUSTOM_ACTION_DETAIL_TYPE,
  resources: [actionArn],
  detail: { actionName: 'layerwatch revert', findings: [{ Id: id }] },
  ...change,
});
const cases = [
  { event: event('own-action'), delivered: true },
  {
    event: event('other-action', { resources: [actionArn.replace('LayerwatchRevert', 'SendToTicket')] }),
    delivered: false,
  },
  { event: event('imported', { 'detail-type': 'Security Hub Findings - Imported' }), delivered: false },
  { event: event('other-source', { source: 'layerwatch' }), delivered: false },
  { event: event('no-resource', { resources: [] }), delivered: false },
];

let moto: Moto;
let got: Set<string>;

beforeAll(async () => {
  moto = await startMoto();
  const events = new EventBridgeClient(clientConfig(moto.endpoint));
  const sqs = new SQSClient(clientConfig(moto.endpoint));
  await events.send(new CreateEventBusCommand({ Name: 'containment' }));
  const { QueueUrl = '' } = await sqs.send(new CreateQueueCommand({ QueueName: 'containment' }));
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }),
  );
  await events.send(
    new PutRuleCommand({
      Name: 'containment',
      EventBusName: 'containment',
      EventPattern: JSON.stringify(pattern),
    }),
  );
  await events.send(
    new PutTargetsCommand({
      Rule: 'containment',
      EventBusName: 'containment',
      Targets: [{ Id: 'q', Arn: Attributes?.QueueArn }],
    }),
  );
  const out = await events.send(
    new PutEventsCommand({
      Entries: cases.map(({ event: e }) => ({
        EventBusName: 'containment',
        Source: e.source,
        DetailType: e['detail-type'],
        Detail: JSON.stringify(e.detail),
        Resources: e.resources,
      })),
    }),
  );
  if (out.FailedEntryCount) throw new Error(`PutEvents refused ${out.FailedEntryCount} entries`);
  got = new Set();
  for (let empty = 0; empty < 2; ) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }),
    );
    if (Messages.length === 0) empty += 1;
    for (const m of Messages) got.add(String(JSON.parse(m.Body ?? '{}').detail?.findings?.[0]?.Id));
  }
}, 120_000);

afterAll(async () => {
  await moto?.stop();
});

describe('the containment rule', () => {
  it("is on the containment's own custom action, by its ARN", () => {
    expect(actionArn).toBe(
      `arn:aws:securityhub:${d.coverage.homeRegion}:${d.coverage.homeAccount}:action/custom/LayerwatchRevert`,
    );
    expect(rule?.destinations.map((x) => x.kind)).toEqual(['function']);
  });

  it.each(cases.map((c) => [c.event.id, c] as const))(
    '%s: delivered as the pattern says, for real',
    (id, c) => {
      expect(got.has(id)).toBe(c.delivered);
      expect(matchesPattern(pattern, c.event)).toBe(c.delivered);
    },
  );
});
