/**
 * The handler and the heartbeat: the real call counts and ends there; what an input transformer on a
 * layerwatch rule makes of the region's events is not counted, is counted as malformed (an alarm),
 * and goes through detection like any other event.
 */
import { CANARY_FUNCTION_NAME } from '../../lambda/domain/heartbeat.js';
import { handlerWith } from '../support/builders.js';
import { heartbeatEvent, transform } from '../support/heartbeat-events.js';
import {
  envelope,
  identities,
  layerArn,
  OTHER_ACCOUNT,
  type Rec,
  updateFunctionConfiguration,
} from '../support/records.js';

const ACCOUNT = '111122223333';
const ROLE = `arn:aws:iam::${ACCOUNT}:role/LayerWatch-Heartbeat`;
const evil = layerArn('ext', 1, OTHER_ACCOUNT);
const ago = (ms: number) => new Date(Math.floor((Date.now() - ms) / 1000) * 1000);
const beat = (time: Date) => heartbeatEvent({ account: ACCOUNT, region: 'us-east-1', roleArn: ROLE, time });
const setup = () => handlerWith({ heartbeat: { account: ACCOUNT, roleArn: ROLE } });

describe('handler and the heartbeat', () => {
  it('answers the heartbeat without a finding, a baseline or an idempotency record', async () => {
    const h = setup();
    await expect(h.handler(beat(ago(30_000)))).resolves.toMatchObject({
      outcome: 'heartbeat',
      region: 'us-east-1',
    });
    expect(h.publisher.published).toHaveLength(0);
    expect(h.baselines.items.size).toBe(0);
    expect(h.counted).toEqual(['Heartbeat', 'DetectionLatency']);
  });

  it('detects a layer put on the canary, even by the heartbeat role: no quiet function for an attacker (tampering, naming the layer)', async () => {
    const h = setup();
    const identity = (beat(ago(0)).detail as Rec).userIdentity as Rec;
    const result = await h.handler(
      envelope(updateFunctionConfiguration(CANARY_FUNCTION_NAME, { layers: [evil], identity })),
    );
    expect(result).toMatchObject({ outcome: 'published', detectionId: 'detector-tampered' });
    expect(JSON.stringify(h.publisher.published[0])).toContain(evil);
    expect(h.counted).toContain('MalformedEvents');
    expect(h.counted).not.toContain('Heartbeat');
  });

  it('does not count a recorded heartbeat pasted over every event, and still sees the attack', async () => {
    const h = setup();
    const recorded = beat(ago(2 * 3600_000));
    const attack = envelope(updateFunctionConfiguration('payments', { layers: [evil] }));
    const pasted = transform(attack, { InputTemplate: JSON.stringify(recorded) });
    await expect(h.handler(pasted)).resolves.not.toMatchObject({ outcome: 'heartbeat' });
    expect(h.counted).toContain('MalformedEvents');
    expect(h.counted).not.toContain('Heartbeat');
  });

  it("puts the attack before detection when a template pastes the heartbeat's identity and canary over it", async () => {
    const h = setup();
    const attack = envelope(
      updateFunctionConfiguration('payments', { layers: [evil], identity: identities.iamUser() }),
    );
    const identity = JSON.stringify((beat(ago(0)).detail as Rec).userIdentity);
    const template = JSON.stringify({ ...attack, detail: '@@detail@@' }).replace(
      '"@@detail@@"',
      `{"eventVersion": <v>, "userIdentity": ${identity}, "eventTime": <t>, "eventSource": "lambda.amazonaws.com", "eventName": <n>, "awsRegion": <r>, "requestParameters": {"functionName": "${CANARY_FUNCTION_NAME}", "layers": <l>}, "responseElements": <resp>, "eventID": <id>, "eventType": "AwsApiCall", "recipientAccountId": <acct>}`,
    );
    const transformed = transform(attack, {
      InputPathsMap: {
        v: '$.detail.eventVersion',
        t: '$.detail.eventTime',
        n: '$.detail.eventName',
        r: '$.detail.awsRegion',
        l: '$.detail.requestParameters.layers',
        resp: '$.detail.responseElements',
        id: '$.detail.eventID',
        acct: '$.detail.recipientAccountId',
      },
      InputTemplate: template,
    });
    const result = await h.handler(transformed);
    expect(result).toMatchObject({ outcome: 'published', detectionId: 'lambda-layer-added' });
    expect(h.counted).toContain('MalformedEvents');
    expect(h.counted).not.toContain('Heartbeat');
  });
});
