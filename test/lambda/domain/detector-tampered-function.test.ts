import { normalize } from '../../../lambda/domain/cloudtrail.js';
import { analyze } from '../../../lambda/domain/engine.js';
import type { TamperEvent } from '../../../lambda/domain/model.js';
import { parseSettings } from '../../../lambda/domain/settings.js';
import { identities, type Rec, updateFunctionConfiguration } from '../../support/records.js';
import { eventOf } from '../../support/run.js';
import { expectValidFinding } from '../../support/schema.js';
import { call, KEY_ARN, OWN, ownFunctionChanges, tamperingCalls } from '../../support/tamper-records.js';

const settings = parseSettings({ ownResources: { keys: [KEY_ARN] } });
const findingOf = (record: Rec) =>
  analyze(eventOf(record), { baseline: null, live: { status: 'not-read' }, settings }).finding;
const recordOf = (label: string) => tamperingCalls().find((c) => c.label === label)?.record as Rec;

describe('detector-tampered: UpdateFunctionConfiguration of an own function', () => {
  it.each(ownFunctionChanges().map((c) => [c.label, c] as const))(
    'fires on %s, naming the function',
    (_l, c) => {
      const finding = findingOf(c.record);
      expect(finding?.detectionId).toBe('detector-tampered');
      expect(['high', 'critical']).toContain(finding?.severity);
      if (c.critical) expect(finding?.severity).toBe('critical');
      // Blinding adds its points; a weakening call ranks by its caller only.
      expect(finding?.reasons.join(' ')).toMatch(
        c.critical ? /layerwatch is blind or silent/ : /^(?!.*blind or silent)/s,
      );
      const name = (c.record.requestParameters as Rec).functionName;
      expect(finding?.target).toMatchObject({ service: 'lambda', type: 'function', name });
      expect(finding?.function?.name).toBe(name);
      expectValidFinding(finding);
      // The layer story is kept: the same finding names the layer the call attached.
      if (c.layer) {
        expect(finding?.layer?.versionArn ?? finding?.layers?.after).toBeTruthy();
        expect(finding?.reasons.join(' ')).toContain('quiet:3');
      }
    },
  );

  it('stays quiet for a description change (the heartbeat writes one) and for other teams’ functions', () => {
    expect(findingOf(updateFunctionConfiguration(OWN.handler, { request: { description: 'x' } }))).toBeNull();
    const other = findingOf(updateFunctionConfiguration('payments-api', { request: { environment: {} } }));
    expect(other).toBeNull();
  });

  it('names the variables CloudTrail lists, never their values', () => {
    const record = updateFunctionConfiguration(OWN.handler, {
      request: { environment: { variables: { LAYERWATCH_SETTINGS: 'secret-value' } } },
    });
    const finding = findingOf(record);
    expect(finding?.reasons.join(' ')).toContain('LAYERWATCH_SETTINGS');
    expect(JSON.stringify(finding)).not.toContain('secret-value');
  });

  it('says when CloudFormation made the call, and stays high', () => {
    const record = { ...ownFunctionChanges()[0]?.record, userIdentity: identities.deployRole() };
    const finding = findingOf(record);
    expect(finding?.severity).toBe('high');
    expect(finding?.reasons.join(' ')).toMatch(/CloudFormation made this call/);
  });
});

describe('reading the calls of the new services', () => {
  it('names each alarm of DeleteAlarms and targets the own one', () => {
    const record = recordOf('DeleteAlarms (one of them layerwatch)');
    const event = eventOf(record) as TamperEvent;
    expect(event.target.name).toBe('payments-latency');
    expect(event.others.map((t) => t.name)).toEqual([OWN.alarm]);
    expect(findingOf(record)?.target).toMatchObject({ type: 'alarm', name: OWN.alarm });
  });

  it.each([
    [
      'DeleteQueue',
      {
        type: 'queue',
        name: OWN.failureQueue,
        arn: `arn:aws:sqs:us-east-1:111122223333:${OWN.failureQueue}`,
      },
    ],
    ['DeleteStackInstances', { type: 'stack-set', name: OWN.stackSet, arn: null }],
    ['DeleteStack', { type: 'stack', name: OWN.stack }],
    ['DeleteSchedule', { type: 'schedule', name: `default/${OWN.schedule}` }],
    [
      'DeleteRole',
      { type: 'role', name: 'LayerWatchReadOnly', arn: 'arn:aws:iam::111122223333:role/LayerWatchReadOnly' },
    ],
    ['UpdateFunctionEventInvokeConfig (heartbeat, partial ARN)', { type: 'function', name: OWN.heartbeat }],
    ['PutResourcePolicy (table)', { type: 'table', name: OWN.table }],
    ['SetSubscriptionAttributes (FilterPolicy)', { type: 'subscription' }],
  ])('%s names its resource', (label, target) => {
    expect((eventOf(recordOf(label)) as TamperEvent).target).toMatchObject(target);
  });

  it('keeps parameters small: names and flags, never a policy or an input', () => {
    for (const { record } of tamperingCalls()) {
      const event = eventOf(record) as TamperEvent;
      for (const value of Object.values(event.parameters))
        expect(
          typeof value === 'string' ? value.includes('Statement') || value.includes('inputTemplate') : false,
        ).toBe(false);
    }
    const put = eventOf(recordOf('PutTargets (InputTransformer)')) as TamperEvent;
    expect(put.parameters).toMatchObject({ inputTransformer: true, targetIds: 'Target0' });
  });

  it('calls a record malformed when it names no resource', () => {
    for (const [service, name] of [
      ['cloudwatch', 'DeleteAlarms'],
      ['sqs', 'DeleteQueue'],
      ['iam', 'DeleteRole'],
      ['cloudformation', 'UpdateStackSet'],
      ['scheduler', 'DeleteSchedule'],
    ] as const)
      expect(normalize(call(service, name, {})).status).toBe('malformed');
  });
});
