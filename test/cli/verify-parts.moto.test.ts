/**
 * `layerwatch verify` when something was deleted: the calls `detector-tampered` tells people to run
 * verify after (DeleteRule, DeleteTopic, DeleteQueue) make that check fail with its fix, and every
 * other check still runs and reports. Against moto, seeded as `npm run try-it` seeds it.
 */
import { DeleteRuleCommand, EventBridgeClient, RemoveTargetsCommand } from '@aws-sdk/client-eventbridge';
import { DeleteTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { DeleteQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DeploymentReader, regionalClients } from '../../lambda/adapters/deployment-reader.js';
import { runVerify } from '../../lambda/cli/verify.js';
import { type MotoConfig, motoConfig, type Seeded, seedDeployment } from '../../scripts/try-it.js';
import { type Moto, startMoto } from '../support/moto.js';

const NOW = new Date();
let moto: Moto;
let cfg: MotoConfig;
let seeded: Omit<Seeded, 'layer'>;

async function verify(): Promise<{ code: number; lines: string[] }> {
  const lines: string[] = [];
  const code = await runVerify(
    ['--region', 'us-east-1'],
    {},
    {
      view: new DeploymentReader(
        regionalClients({ endpoint: cfg.endpoint, credentials: cfg.credentials, maxAttempts: 1 }),
      ),
      publish: async () => '',
      now: () => NOW,
      out: (l) => lines.push(l),
    },
  );
  return { code, lines };
}

// One server for the file, emptied before each test (moto's reset drops every resource of every
// account and region), then seeded again: each test starts from the same fresh deployment.
beforeAll(async () => {
  moto = await startMoto();
  cfg = motoConfig(moto.endpoint);
}, 60_000);

beforeEach(async () => {
  await moto.reset();
  seeded = await seedDeployment(cfg, NOW);
}, 90_000);

afterAll(async () => moto?.stop());

/** The checks that must still report, whatever was deleted. */
const OTHERS = [
  /^PASS {2}stack LayerWatch: CREATE_COMPLETE/,
  /^PASS {2}trail in us-east-1: management-events logs write management events/,
  /^PASS {2}heartbeat us-east-1: last one 10 min ago/,
  /^PASS {2}handler errors: none/,
];

describe('verify after a deletion', () => {
  it('a healthy seed passes every check (exit 0)', async () => {
    const { code, lines } = await verify();
    expect(lines.filter((l) => !l.startsWith('PASS'))).toEqual(['layerwatch verify: all 8 checks passed']);
    expect(code).toBe(0);
  });

  it("DeleteRule on the detector's rule: the rule fails as not found, with the fix; the trail, queues and heartbeat still report (exit 1)", async () => {
    const events = new EventBridgeClient(cfg);
    await events.send(new RemoveTargetsCommand({ Rule: seeded.rule, Ids: ['handler'] }));
    await events.send(new DeleteRuleCommand({ Name: seeded.rule }));
    const { code, lines } = await verify();
    expect(code).toBe(1);
    expect(lines.join('\n')).not.toMatch(/cannot run the checks/);
    expect(lines).toContainEqual(
      expect.stringMatching(
        /^FAIL {2}rule LayerWatch-LayerEvents: not found in us-east-1 \(ResourceNotFoundException\): deleted\?\n\s+fix: deploy the stack again/,
      ),
    );
    for (const other of [...OTHERS, /^PASS {2}queue FailureQueueUrl: empty/])
      expect(lines).toContainEqual(expect.stringMatching(other));
    expect(lines.at(-1)).toBe(
      'layerwatch verify: 8 checks: 7 passed, 1 failed, 0 could not be read, 0 skipped, 0 info',
    );
  });

  it('DeleteTopic on the alert topic: the topic fails as not found; the other checks still report (exit 1)', async () => {
    await new SNSClient(cfg).send(new DeleteTopicCommand({ TopicArn: seeded.topic }));
    const { code, lines } = await verify();
    expect(code).toBe(1);
    expect(lines).toContainEqual(
      expect.stringMatching(
        /^FAIL {2}topic arn:aws:sns:us-east-1:\d+:LayerWatch-Alerts: not found in us-east-1 \(NotFound\w*\): deleted\?\n\s+fix: deploy the stack again/,
      ),
    );
    for (const other of [...OTHERS, /^PASS {2}rule LayerWatch-LayerEvents: enabled/])
      expect(lines).toContainEqual(expect.stringMatching(other));
  });

  it('DeleteQueue on the failure queue: that queue fails as not found; the others still report (exit 1)', async () => {
    await new SQSClient(cfg).send(new DeleteQueueCommand({ QueueUrl: seeded.queues.FailureQueueUrl }));
    const { code, lines } = await verify();
    expect(code).toBe(1);
    expect(lines).toContainEqual(
      expect.stringMatching(/^FAIL {2}queue FailureQueueUrl: not found in us-east-1 \(\w+\): deleted\?/),
    );
    for (const other of [...OTHERS, /^PASS {2}queue RuleDeadLetterQueueUrl: empty/])
      expect(lines).toContainEqual(expect.stringMatching(other));
  });
});
