import { qualifierOf } from '../../../lambda/domain/cloudtrail-tamper.js';
import { hasDeny } from '../../../lambda/domain/cloudtrail-values.js';
import { analyze } from '../../../lambda/domain/engine.js';
import type { TamperEvent } from '../../../lambda/domain/model.js';
import { parseSettings } from '../../../lambda/domain/settings.js';
import type { Rec } from '../../support/records.js';
import { eventOf } from '../../support/run.js';
import { call, KEY_ARN, OWN } from '../../support/tamper-records.js';

const BUS = 'arn:aws:events:us-east-1:111122223333:event-bus/default';
const settings = parseSettings({ ownResources: { keys: [KEY_ARN], eventBuses: [BUS] } });
const HANDLER = `arn:aws:lambda:us-east-1:111122223333:function:${OWN.handler}`;
const QUEUE = `https://sqs.us-east-1.amazonaws.com/111122223333/${OWN.failureQueue}`;
const reasonsOf = (record: Rec) =>
  analyze(eventOf(record), { baseline: null, live: { status: 'not-read' }, settings }).finding?.reasons.join(
    ' | ',
  ) ?? null;

describe('detector-tampered: harm as the call was made', () => {
  it.each([
    [
      'PutTargets to its own function, no rewriting',
      call('events', 'PutTargets', { rule: OWN.detectorRule, targets: [{ id: 'Target0', arn: HANDLER }] }),
      /set again \(to layerwatch's own destinations\)/,
    ],
    [
      'PutTargets with Input',
      call('events', 'PutTargets', {
        rule: OWN.detectorRule,
        targets: [{ id: 'T', arn: HANDLER, input: '{}' }],
      }),
      /rewrite every event it delivers \(input\).*blind or silent/,
    ],
    [
      'PutTargets to the default bus of its own account',
      call('events', 'PutTargets', { rule: OWN.forwardRule, targets: [{ id: 'T', arn: BUS }] }),
      /set again/,
    ],
    [
      'PutPermission replacing the whole policy of its bus',
      call('events', 'PutPermission', { eventBusName: 'default', policy: '{"Statement":[]}' }),
      /replaced whole/,
    ],
    [
      'PutPermission adding a statement to its bus',
      call('events', 'PutPermission', {
        eventBusName: 'default',
        principal: '999988887777',
        statementId: 's',
      }),
      /another account may now put events/,
    ],
    [
      'PutMetricAlarm still paging its topic',
      call('cloudwatch', 'PutMetricAlarm', {
        alarmName: OWN.alarm,
        alarmActions: [OWN.topicArn],
        threshold: 5,
      }),
      /put again: its metric, threshold/,
    ],
    [
      'PutMetricAlarm paging nobody',
      call('cloudwatch', 'PutMetricAlarm', { alarmName: OWN.alarm }),
      /no alarm actions.*blind or silent/,
    ],
    [
      'SetSubscriptionAttributes RedrivePolicy',
      call('sns', 'SetSubscriptionAttributes', {
        subscriptionArn: `${OWN.topicArn}:5b5e6f70-1a2b-4c3d-9e8f-0a1b2c3d4e5f`,
        attributeName: 'RedrivePolicy',
      }),
      /RedrivePolicy was set/,
    ],
    [
      'SetQueueAttributes Policy',
      call('sqs', 'SetQueueAttributes', { queueUrl: QUEUE, attributes: { Policy: '{"Statement":[]}' } }),
      /attributes of a layerwatch queue were set \(Policy\)/,
    ],
    [
      'AttachRolePolicy of another managed policy',
      call('iam', 'AttachRolePolicy', {
        roleName: OWN.handlerRole,
        policyArn: 'arn:aws:iam::111122223333:policy/x',
      }),
      /its Deny statements, if any/,
    ],
    [
      'PutRolePolicy without a Deny',
      call('iam', 'PutRolePolicy', {
        roleName: OWN.handlerRole,
        policyName: 'p',
        policyDocument: '{"Statement":[]}',
      }),
      /gains those permissions/,
    ],
    [
      'UpdateFunctionCode of the canary',
      call('lambda', 'UpdateFunctionCode20150331v2', { functionName: OWN.canary }),
      /canary was replaced: it never runs/,
    ],
    [
      'PutFunctionEventInvokeConfig sending failures elsewhere',
      call('lambda', 'PutFunctionEventInvokeConfig20190925', {
        functionName: `${OWN.handler}:$LATEST`,
        destinationConfig: { onFailure: { destination: 'arn:aws:sqs:us-east-1:999988887777:sink' } },
      }),
      /failed events go to arn:aws:sqs:us-east-1:999988887777:sink/,
    ],
    [
      'UpdateSchedule still enabled',
      call('scheduler', 'UpdateSchedule', { name: OWN.schedule, state: 'ENABLED' }),
      /schedule was changed:/,
    ],
  ])('%s', (_label, record, reason) => {
    expect(reasonsOf(record)).toMatch(reason);
  });
});

describe('reading names as CloudTrail logs them', () => {
  it.each([
    [
      'https://queue.amazonaws.com/111122223333/LayerWatch-q',
      'arn:aws:sqs:us-east-1:111122223333:LayerWatch-q',
    ],
    [
      'https://eu-west-1.queue.amazonaws.com/111122223333/LayerWatch-q',
      'arn:aws:sqs:eu-west-1:111122223333:LayerWatch-q',
    ],
  ])('queue %s', (queueUrl, arn) => {
    expect((eventOf(call('sqs', 'DeleteQueue', { queueUrl })) as TamperEvent).target.arn).toBe(arn);
  });

  it('a StackSet by ARN and a stack by name', () => {
    const arn = 'arn:aws:cloudformation:us-east-1:111122223333:stackset/layerwatch-member-us-east-1:6b1e2c3d';
    expect(
      (eventOf(call('cloudformation', 'DeleteStackSet', { stackSetName: arn })) as TamperEvent).target,
    ).toEqual({
      service: 'cloudformation',
      type: 'stack-set',
      arn,
      name: 'layerwatch-member-us-east-1',
    });
    expect(
      (eventOf(call('cloudformation', 'DeleteStack', { stackName: 'LayerWatch' })) as TamperEvent).target,
    ).toMatchObject({
      type: 'stack',
      arn: null,
      name: 'LayerWatch',
    });
  });

  it.each([
    ['name', null],
    ['name:live', 'live'],
    ['111122223333:function:name:3', '3'],
    ['arn:aws:lambda:us-east-1:111122223333:function:name:$LATEST', '$LATEST'],
    ['arn:aws:lambda:us-east-1:111122223333:function:name', null],
  ])('the qualifier of %s is %s', (name, qualifier) => {
    expect(qualifierOf(name)).toBe(qualifier);
  });

  it('reads a Deny in a policy, and says when a policy cannot be read', () => {
    expect(hasDeny('{"Statement":{"Effect":"Deny","Action":"*","Resource":"*"}}')).toBe(true);
    expect(hasDeny('{"Statement":[{"Effect":"Allow"}]}')).toBe(false);
    expect(hasDeny('not json')).toBeNull();
    expect(hasDeny(undefined)).toBeNull();
  });
});
