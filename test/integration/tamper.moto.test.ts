/**
 * detector-tampered against real AWS APIs (moto over HTTP): a layerwatch function is created and
 * deleted through the Lambda API, and the CloudTrail record of the deletion goes through the handler
 * with SDK clients on moto. The alert is read back from the SQS queue subscribed to the real topic;
 * the handler reads nothing from Lambda for it (no enrichment), and writes only its idempotency
 * records.
 */
import { DeleteFunctionCommand } from '@aws-sdk/client-lambda';
import type { HandlerResult } from '../../lambda/app.js';
import { recordActions } from '../support/builders-iam.js';
import { observability } from '../support/fakes.js';
import { type Moto, startMoto } from '../support/moto.js';
import { expectValidFinding } from '../support/schema.js';
import { call, failedCall } from '../support/tamper-records.js';
import { A, createWorld, type World } from '../support/world.js';

let moto: Moto;
let w: World;
let handler: (event: unknown) => Promise<HandlerResult>;
const log = { sent: new Set<string>(), denied: new Set<string>() };

beforeAll(async () => {
  moto = await startMoto();
  w = await createWorld(moto.endpoint, observability());
  handler = w.makeHandler({ onClient: recordActions(log) });
}, 60_000);

afterAll(async () => {
  await moto?.stop();
});

const HANDLER = 'LayerWatch-LayerWatchDetectorHandler68A81D79-Ab12Cd34Ef56';

function envelope(record: Record<string, unknown>) {
  return {
    version: '0',
    id: `e-${String(record.eventID)}`,
    'detail-type': 'AWS API Call via CloudTrail',
    source: `aws.${String(record.eventSource).split('.')[0]}`,
    account: A,
    time: record.eventTime,
    region: 'us-east-1',
    resources: [],
    detail: record,
  };
}

describe('detector-tampered against moto', () => {
  it('publishes the alert through the real topic when a layerwatch function is deleted', async () => {
    await w.createFn(HANDLER);
    await w.lambdaA.send(new DeleteFunctionCommand({ FunctionName: HANDLER }));
    const deletion = call('lambda', 'DeleteFunction20150331', { functionName: HANDLER }, null, {
      recipientAccountId: A,
      userIdentity: {
        type: 'IAMUser',
        principalId: 'AIDAEXAMPLEUSERID0002',
        arn: `arn:aws:iam::${A}:user/mallory`,
        accountId: A,
        accessKeyId: 'AKIAEXAMPLEKEY000002',
        userName: 'mallory',
      },
    });
    log.sent.clear();
    await expect(handler(envelope(deletion))).resolves.toMatchObject({
      outcome: 'published',
      detectionId: 'detector-tampered',
    });
    const [alert] = await w.delivered();
    expect(alert?.subject).toMatch(
      /^\[CRITICAL\] layerwatch tampered with: DeleteFunction on function LayerWatch-/,
    );
    expectValidFinding(alert?.finding);
    expect(alert?.finding.target).toEqual({
      service: 'lambda',
      type: 'function',
      arn: `arn:aws:lambda:us-east-1:${A}:function:${HANDLER}`,
      name: HANDLER,
    });
    // No Lambda read: the idempotency record and the publish only.
    expect([...log.sent].filter((action) => action.startsWith('lambda:'))).toEqual([]);
    expect([...log.sent]).toContain('sns:Publish');
  });

  it('publishes nothing for the same call when it failed', async () => {
    const failed = failedCall(
      call('lambda', 'DeleteFunction20150331', { functionName: HANDLER }, null, { recipientAccountId: A }),
    );
    await expect(handler(envelope(failed))).resolves.toMatchObject({ outcome: 'ignored' });
    expect(await w.delivered()).toEqual([]);
  });
});
