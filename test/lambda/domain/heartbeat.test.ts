import {
  CANARY_FUNCTION_NAME,
  type HeartbeatRecognition,
  heartbeatDescription,
  heartbeatOf,
  heartbeatTimeOf,
  memberHeartbeatRoleName,
} from '../../../lambda/domain/heartbeat.js';
import { heartbeatEvent, memberHeartbeatEvent } from '../../support/heartbeat-events.js';
import { ACCOUNT, type Rec } from '../../support/records.js';

const ROLE = `arn:aws:iam::${ACCOUNT}:role/LayerWatch-HeartbeatFunctionServiceRole-ABC`;
const SOURCE = { account: ACCOUNT, roleArn: ROLE };
const MEMBER = '222233334444';
const TIME = new Date('2026-12-01T10:00:07Z');
const NOW = TIME.getTime() + 95_000;
const REGION = 'eu-west-1';

const genuine = (): Rec => heartbeatEvent({ account: ACCOUNT, region: REGION, roleArn: ROLE, time: TIME });
const reasonsOf = (r: HeartbeatRecognition) => (r.status === 'rejected' ? r.reasons.join('; ') : r.status);

/** A copy of `event` with `change` applied to it (`change` mutates the copy). */
function changed(event: Rec, change: (e: Rec & { detail: Rec }) => void): Rec {
  const copy = structuredClone(event) as Rec & { detail: Rec };
  change(copy);
  return copy;
}

describe('heartbeatOf', () => {
  it("recognises the detector's heartbeat, with its latency", () => {
    const event = genuine();
    expect(heartbeatOf(event, SOURCE, NOW)).toEqual({
      status: 'heartbeat',
      heartbeat: { region: REGION, eventId: (event.detail as Rec).eventID, latencyMs: 95_000 },
    });
  });

  it('recognises the canary named by name as well as by ARN', () => {
    const byName = heartbeatEvent({
      account: ACCOUNT,
      region: REGION,
      roleArn: ROLE,
      time: TIME,
      functionName: CANARY_FUNCTION_NAME,
    });
    expect(heartbeatOf(byName, SOURCE, NOW).status).toBe('heartbeat');
  });

  it.each([
    ['on time', 4_000],
    ['after the schedule retried for 14 minutes', 14 * 60_000],
  ])("recognises a member account's scheduled heartbeat %s, with its account", (_case, delay) => {
    const event = memberHeartbeatEvent(MEMBER, REGION, new Date('2026-12-01T10:00:00Z'), delay);
    const r = heartbeatOf(event, SOURCE, NOW + delay);
    expect(r).toMatchObject({ status: 'heartbeat', heartbeat: { account: MEMBER, region: REGION } });
  });

  it('never reports a negative latency (clock skew)', () => {
    const r = heartbeatOf(genuine(), SOURCE, TIME.getTime() - 5000);
    expect(r.status === 'heartbeat' && r.heartbeat.latencyMs).toBe(0);
  });

  it.each<[string, (e: Rec & { detail: Rec }) => void, RegExp]>([
    ['a bare record (EventBridge always delivers an envelope)', () => {}, /not in an EventBridge envelope/],
    [
      'another envelope version',
      (e) => {
        e.version = '1';
      },
      /envelope version/,
    ],
    [
      'an envelope id that is not a UUID',
      (e) => {
        e.id = 'forged';
      },
      /envelope id/,
    ],
    [
      'another detail-type',
      (e) => {
        e['detail-type'] = 'Heartbeat';
      },
      /detail-type/,
    ],
    [
      'another source',
      (e) => {
        e.source = 'layerwatch';
      },
      /envelope source/,
    ],
    [
      'another envelope account',
      (e) => {
        e.account = '999988887777';
      },
      /envelope account/,
    ],
    [
      'another envelope region',
      (e) => {
        e.region = 'us-east-1';
      },
      /envelope region/,
    ],
    [
      'an envelope time off the eventTime',
      (e) => {
        e.time = '2026-12-01T10:01:07Z';
      },
      /envelope time/,
    ],
    [
      'no resources',
      (e) => {
        delete e.resources;
      },
      /envelope resources/,
    ],
    [
      'no eventVersion',
      (e) => {
        delete e.detail.eventVersion;
      },
      /eventVersion/,
    ],
    [
      'an eventID that is not a UUID',
      (e) => {
        e.detail.eventID = 'e-1';
      },
      /eventID/,
    ],
    [
      'another eventType',
      (e) => {
        e.detail.eventType = 'AwsServiceEvent';
      },
      /eventType/,
    ],
    [
      'a failed call',
      (e) => {
        e.detail.errorCode = 'ResourceConflictException';
      },
      /the call failed/,
    ],
    [
      'another userIdentity type',
      (e) => {
        (e.detail.userIdentity as Rec).type = 'IAMUser';
      },
      /assumed role/,
    ],
    [
      'a session of another role',
      (e) => {
        (e.detail.userIdentity as Rec).arn = `arn:aws:sts::${ACCOUNT}:assumed-role/admin/x`;
      },
      /session of the issuer's role/,
    ],
    [
      'an identity of another account',
      (e) => {
        (e.detail.userIdentity as Rec).accountId = '999988887777';
      },
      /userIdentity accountId/,
    ],
    [
      'a layer in the request',
      (e) => {
        (e.detail.requestParameters as Rec).layers = [];
      },
      /more than the description: layers/,
    ],
    [
      'a variable in the request',
      (e) => {
        (e.detail.requestParameters as Rec).environment = { variables: {} };
      },
      /more than the description: environment/,
    ],
    [
      "another region's canary",
      (e) => {
        (e.detail.requestParameters as Rec).functionName =
          `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${CANARY_FUNCTION_NAME}`;
      },
      /canary of another account or region/,
    ],
    [
      'a description that is not a heartbeat',
      (e) => {
        (e.detail.requestParameters as Rec).description = 'x';
      },
      /no heartbeat description/,
    ],
    [
      'a description of an hour before',
      (e) => {
        (e.detail.requestParameters as Rec).description = heartbeatDescription(
          new Date(TIME.getTime() - 3_600_000),
        );
      },
      /description's time is not the call's/,
    ],
    [
      'no response',
      (e) => {
        e.detail.responseElements = null;
      },
      /no responseElements/,
    ],
    [
      "another function's response",
      (e) => {
        (e.detail.responseElements as Rec).functionArn = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:x`;
      },
      /functionArn/,
    ],
    [
      'a response with another description',
      (e) => {
        (e.detail.responseElements as Rec).description = 'y';
      },
      /does not echo the description/,
    ],
    [
      'a canary with a layer',
      (e) => {
        (e.detail.responseElements as Rec).layers = [{ arn: 'arn:aws:lambda:eu-west-1:1:layer:x:1' }];
      },
      /the canary has layers/,
    ],
    [
      'a response without revisionId',
      (e) => {
        delete (e.detail.responseElements as Rec).revisionId;
      },
      /revisionId/,
    ],
  ])('rejects a heartbeat claim with %s, saying why', (_case, change, reason) => {
    const event = changed(genuine(), change);
    const input = /bare record/.test(_case) ? event.detail : event;
    const r = heartbeatOf(input, SOURCE, NOW);
    expect(r.status).toBe('rejected');
    expect(reasonsOf(r)).toMatch(reason);
  });

  it.each([
    ['more than an hour old', TIME.getTime() + 61 * 60_000, /more than an hour old/],
    ['from the future', TIME.getTime() - 10 * 60_000, /in the future/],
  ])('rejects a heartbeat %s', (_case, now, reason) => {
    expect(reasonsOf(heartbeatOf(genuine(), SOURCE, now))).toMatch(reason);
  });

  it.each<[string, (e: Rec & { detail: Rec }) => void]>([
    [
      'another role changing the canary',
      (e) => {
        const issuer = ((e.detail.userIdentity as Rec).sessionContext as Rec).sessionIssuer as Rec;
        issuer.arn = `arn:aws:iam::${ACCOUNT}:role/admin`;
      },
    ],
    [
      'the heartbeat role changing another function',
      (e) => {
        (e.detail.requestParameters as Rec).functionName = 'payments';
      },
    ],
    [
      'another operation',
      (e) => {
        e.detail.eventName = 'UpdateFunctionCode20150331v2';
      },
    ],
    [
      'another service',
      (e) => {
        e.detail.eventSource = 'sns.amazonaws.com';
      },
    ],
  ])('leaves %s to detection as an ordinary event', (_case, change) => {
    expect(heartbeatOf(changed(genuine(), change), SOURCE, NOW)).toEqual({ status: 'other' });
  });

  it.each([null, 'text', [], 42, { detail: 'x', 'detail-type': 'y' }])('is not a claim: %p', (input) => {
    expect(heartbeatOf(input, SOURCE, NOW)).toEqual({ status: 'other' });
  });
});

describe('heartbeatOf, member accounts', () => {
  const scheduled = new Date('2026-12-01T10:00:00Z');
  const withRole = (account: string, roleArn: string) =>
    changed(memberHeartbeatEvent(account, REGION, scheduled), (e) => {
      const identity = e.detail.userIdentity as Rec;
      const issuer = (identity.sessionContext as Rec).sessionIssuer as Rec;
      issuer.arn = roleArn;
      identity.arn = `arn:aws:sts::${account}:assumed-role/${roleArn.split('/').at(-1)}/a1b2c3`;
    });

  it.each([
    [
      "another region's schedule role",
      withRole(MEMBER, `arn:aws:iam::${MEMBER}:role/${memberHeartbeatRoleName('us-east-1')}`),
      /not this member account's heartbeat role of this region/,
    ],
    [
      "another account's schedule role",
      withRole(MEMBER, `arn:aws:iam::333344445555:role/${memberHeartbeatRoleName(REGION)}`),
      /not in the recipient account/,
    ],
    [
      "the detector's role in a member account",
      withRole(MEMBER, ROLE),
      /not in the recipient account|not this member account's heartbeat role/,
    ],
    [
      "a schedule role in the detector's own account",
      withRole(ACCOUNT, `arn:aws:iam::${ACCOUNT}:role/${memberHeartbeatRoleName(REGION)}`),
      /not the detector's heartbeat role/,
    ],
  ])('rejects %s', (_case, event, reason) => {
    expect(reasonsOf(heartbeatOf(event, SOURCE, scheduled.getTime() + 60_000))).toMatch(reason);
  });
});

describe('heartbeatTimeOf', () => {
  it.each([
    [heartbeatDescription(TIME), TIME.getTime()],
    [
      'layerwatch heartbeat 2026-12-01T10:00:00Z: this function only proves that layerwatch sees this region',
      Date.parse('2026-12-01T10:00:00Z'),
    ],
    ['layerwatch heartbeat yesterday: this function only proves that layerwatch sees this region', null],
    ['layerwatch heartbeat 2026-12-01T10:00:00Z', null],
    ['', null],
  ])('%s -> %p', (description, expected) => {
    expect(heartbeatTimeOf(description)).toBe(expected);
  });
});
