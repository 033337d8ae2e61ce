/**
 * What an EventBridge input transformer on a layerwatch rule can make of the heartbeat: one template,
 * of constants and of fields copied from each event the rule matches, applied to every event. Each
 * attempt is fed the real heartbeat and the other events of the region (a team's deploy, an attack).
 */
import {
  CANARY_FUNCTION_NAME,
  type HeartbeatRecognition,
  heartbeatDescription,
  heartbeatOf,
} from '../../../lambda/domain/heartbeat.js';
import { heartbeatEvent, type InputTransformer, transform } from '../../support/heartbeat-events.js';
import { ACCOUNT, identities, type Rec } from '../../support/records.js';
import { trail } from '../../support/trail.js';

const REGION = 'us-east-1';
const ROLE = `arn:aws:iam::${ACCOUNT}:role/LayerWatch-HeartbeatFunctionServiceRole-ABC`;
const SOURCE = { account: ACCOUNT, roleArn: ROLE };
const RECORDED = new Date('2026-12-01T10:00:07Z');
const MINUTE = 60_000;

const beatAt = (time: Date) => heartbeatEvent({ account: ACCOUNT, region: REGION, roleArn: ROLE, time });
const recorded = beatAt(RECORDED);
const fnArn = (name: string) => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`;
const EVIL = `arn:aws:lambda:${REGION}:999988887777:layer:telemetry:3`;

/** A team's deploy: a new description on their function (the region's ordinary traffic). */
const deploy = (time: Date, description = 'release 42') =>
  trail(
    'UpdateFunctionConfiguration',
    { FunctionName: 'payments', Description: description },
    { FunctionName: 'payments', FunctionArn: fnArn('payments'), Description: description, RevisionId: 'r-1' },
    { account: ACCOUNT, time, identity: identities.deployRole() },
  );

/** The attack: a layer put on a function. */
const attack = (time: Date) =>
  trail(
    'UpdateFunctionConfiguration',
    { FunctionName: 'payments', Layers: [EVIL] },
    { FunctionName: 'payments', FunctionArn: fnArn('payments'), Layers: [{ Arn: EVIL, CodeSize: 9 }] },
    { account: ACCOUNT, time },
  );

/**
 * A template of `event` with the fields at `paths` replaced by variables copied from each event
 * (`<v0>`, `<v1>`...), everything else constant.
 */
function templateOf(event: Rec, paths: string[]): InputTransformer {
  const copy = structuredClone(event);
  const map: Record<string, string> = {};
  paths.forEach((path, i) => {
    const keys = path.replace(/^\$\./, '').split('.');
    let at = copy as Record<string, unknown>;
    for (const key of keys.slice(0, -1)) at = at[key] as Record<string, unknown>;
    at[keys.at(-1) as string] = `@@v${i}@@`;
    map[`v${i}`] = path;
  });
  return {
    InputPathsMap: map,
    InputTemplate: JSON.stringify(copy).replace(/"@@(v\d+)@@"/g, '<$1>'),
  };
}

const judged = (event: Rec, t: InputTransformer, now: Date): HeartbeatRecognition =>
  heartbeatOf(transform(event, t), SOURCE, now.getTime());
const reasons = (r: HeartbeatRecognition) => (r.status === 'rejected' ? r.reasons.join('; ') : r.status);

/** The fields a template must copy for its output to have each event's own ids and times. */
const FRESH = ['$.id', '$.time', '$.detail.eventTime', '$.detail.eventID', '$.detail.requestID'];

describe('the heartbeat through an input transformer', () => {
  it('the whole event, as is (<aws.events.event>): the real heartbeat is still one', () => {
    const r = judged(
      recorded,
      { InputTemplate: '<aws.events.event>' },
      new Date(RECORDED.getTime() + MINUTE),
    );
    expect(r.status).toBe('heartbeat');
  });

  describe('a recorded heartbeat pasted as a constant', () => {
    const constant: InputTransformer = { InputTemplate: JSON.stringify(recorded) };
    it('counts for at most an hour after the real one', () => {
      expect(
        judged(
          attack(new Date(RECORDED.getTime() + 30 * MINUTE)),
          constant,
          new Date(RECORDED.getTime() + 30 * MINUTE),
        ).status,
      ).toBe('heartbeat');
    });
    it('then turns every event, the attack included, into a rejected claim', () => {
      const later = new Date(RECORDED.getTime() + 90 * MINUTE);
      expect(reasons(judged(attack(later), constant, later))).toMatch(/more than an hour old/);
      expect(reasons(judged(beatAt(later), constant, later))).toMatch(/more than an hour old/);
    });
  });

  describe("a heartbeat template filled with each event's own ids and times", () => {
    const fresh = templateOf(recorded, FRESH);
    it('rejects even the next real heartbeat: the description it carries does not move', () => {
      const next = new Date(RECORDED.getTime() + 60 * MINUTE);
      expect(reasons(judged(beatAt(next), fresh, next))).toMatch(/description's time is not the call's/);
    });
    it.each([
      ['a deploy', deploy],
      ['the attack', attack],
    ])('rejects %s made into a heartbeat: its description is the recorded one', (_case, make) => {
      const later = new Date(RECORDED.getTime() + 45 * MINUTE);
      const r = judged(make(later), fresh, later);
      expect(r.status).toBe('rejected');
      expect(reasons(r)).toMatch(/description's time is not the call's/);
    });
  });

  describe('a heartbeat template that also copies the description', () => {
    const described = templateOf(recorded, [
      ...FRESH,
      '$.detail.requestParameters.description',
      '$.detail.responseElements.description',
    ]);
    it("rejects the region's ordinary calls, which carry no heartbeat description", () => {
      const later = new Date(RECORDED.getTime() + 20 * MINUTE);
      expect(reasons(judged(deploy(later), described, later))).toMatch(/no heartbeat description/);
      expect(reasons(judged(attack(later), described, later))).toMatch(/no heartbeat description/);
    });
    it("cannot tell an attacker's own call written to carry a fresh heartbeat description (the PutTargets is the alert)", () => {
      const later = new Date(RECORDED.getTime() + 20 * MINUTE);
      const own = deploy(later, heartbeatDescription(new Date(later.getTime() - 500)));
      expect(judged(own, described, later).status).toBe('heartbeat');
    });
  });

  it("rejects the heartbeat's identity and canary pasted over an otherwise copied attack", () => {
    const later = new Date(RECORDED.getTime() + 5 * MINUTE);
    // The envelope of the heartbeat, the attack's record with the heartbeat's identity and canary.
    const a = attack(later) as Rec & { detail: Rec };
    const forged = {
      ...structuredClone(recorded),
      id: a.id,
      time: a.time,
      detail: {
        ...a.detail,
        userIdentity: (recorded.detail as Rec).userIdentity,
        requestParameters: { ...(a.detail.requestParameters as Rec), functionName: CANARY_FUNCTION_NAME },
      },
    };
    const template = templateOf(forged, [
      '$.id',
      '$.time',
      '$.detail.eventTime',
      '$.detail.eventID',
      '$.detail.requestParameters.layers',
      '$.detail.responseElements',
    ]);
    const r = judged(a, template, later);
    expect(r.status).toBe('rejected');
    expect(reasons(r)).toMatch(/more than the description: layers/);
    expect(reasons(r)).toMatch(/the response is not the canary/);
  });
});
