import { normalize } from '../../../lambda/domain/cloudtrail.js';
import { droppedSources, patternDigest } from '../../../lambda/domain/detections/detector-tampered.js';
import { analyze } from '../../../lambda/domain/engine.js';
import { TAMPER_EVENT_SOURCES, type TamperEvent, type TamperService } from '../../../lambda/domain/model.js';
import { emailText, renderAlert } from '../../../lambda/domain/render/alert.js';
import { renderAsff } from '../../../lambda/domain/render/asff.js';
import { renderOcsf } from '../../../lambda/domain/render/ocsf.js';
import { DEFAULT_SETTINGS, type DetectionSettings, parseSettings } from '../../../lambda/domain/settings.js';
import { checkAsff } from '../../support/asff.js';
import { PY_OCSF_MODELS_VERSION, validateOcsf } from '../../support/ocsf.js';
import { identities, type Rec } from '../../support/records.js';
import { eventOf } from '../../support/run.js';
import { expectValidFinding } from '../../support/schema.js';
import {
  call,
  failedCall,
  harmlessCalls,
  KEY_ARN,
  OWN,
  tamperingCalls,
} from '../../support/tamper-records.js';

/** The scan's defaults (stack-named resources) plus the key, which has no name to go by. */
const settings: DetectionSettings = parseSettings({ ownResources: { keys: [KEY_ARN] } });

function findingOf(record: Rec, s: DetectionSettings = settings) {
  return analyze(eventOf(record), { baseline: null, live: { status: 'not-read' }, settings: s }).finding;
}

describe('normalize: tampering calls', () => {
  it.each(tamperingCalls().map((c) => [c.label, c.record] as const))(
    'reads %s as a Tamper event naming its target',
    (_label, record) => {
      const r = normalize(record);
      expect(r.status).toBe('relevant');
      const event = (r as { event: TamperEvent }).event;
      expect(event.kind).toBe('Tamper');
      expect(event.target.name.length).toBeGreaterThan(0);
      expect(event.meta.name).toBe(record.eventName);
    },
  );

  it('names the target by ARN as CloudTrail gives it or as the event places it', () => {
    const [stop, del] = tamperingCalls();
    expect((eventOf(stop?.record as Rec) as TamperEvent).target).toEqual({
      service: 'cloudtrail',
      type: 'trail',
      arn: 'arn:aws:cloudtrail:us-east-1:111122223333:trail/management-events',
      name: 'management-events',
    });
    expect((eventOf(del?.record as Rec) as TamperEvent).target.arn).toBe(
      'arn:aws:cloudtrail:us-east-1:111122223333:trail/management-events',
    );
    const unsubscribe = tamperingCalls().find((c) => c.label === 'Unsubscribe')?.record as Rec;
    const event = eventOf(unsubscribe) as TamperEvent;
    expect(event.target.type).toBe('subscription');
    expect(event.parameters.topicArn).toBe(OWN.topicArn);
    const alias = tamperingCalls().find((c) => c.label === 'ScheduleKeyDeletion')?.record as Rec;
    expect((eventOf(alias) as TamperEvent).target).toMatchObject({ arn: KEY_ARN, name: OWN.keyId });
    // Without `resources`, the alias is resolved from ScheduleKeyDeletion's answer.
    const { resources: _resources, ...bare } = alias;
    expect((eventOf(bare) as TamperEvent).target).toMatchObject({ arn: KEY_ARN, name: OWN.keyId });
  });

  it('ignores failed calls, unwatched calls and API-versioned names outside Lambda', () => {
    for (const c of tamperingCalls()) expect(normalize(failedCall(c.record)).status).toBe('ignored');
    expect(normalize(call('events', 'EnableRule', { name: OWN.detectorRule })).status).toBe('ignored');
    expect(normalize(call('lambda', 'DeleteFunctionUrlConfig20211031', { functionName: 'x' })).status).toBe(
      'ignored',
    );
    expect(normalize(call('sns', 'DeleteTopic20100331', { topicArn: OWN.topicArn })).status).toBe('ignored');
    expect(normalize(call('kms', 'Decrypt', { keyId: OWN.keyId })).status).toBe('ignored');
  });

  it('calls a record malformed when it names no resource', () => {
    expect(normalize(call('lambda', 'DeleteFunction20150331', {})).status).toBe('malformed');
    expect(normalize(call('sns', 'DeleteTopic', { topicArn: 'not-an-arn' })).status).toBe('malformed');
  });
});

describe('detector-tampered', () => {
  it.each(tamperingCalls().map((c) => [c.label, c] as const))('fires on %s', (_label, c) => {
    const finding = findingOf(c.record);
    expect(finding?.detectionId).toBe('detector-tampered');
    expect(['high', 'critical']).toContain(finding?.severity);
    if (c.critical) expect(finding?.severity).toBe('critical');
    expect(finding?.target).not.toBeNull();
    expect(finding?.suppression).toBeNull();
    expect(finding?.remediation.nextSteps.length).toBeGreaterThan(1);
    expectValidFinding(finding);
  });

  it.each(harmlessCalls().map((c) => [c.label, c.record] as const))(
    'does not fire on %s',
    (_label, record) => {
      expect(findingOf(record)).toBeNull();
    },
  );

  it('knows the key only when settings list it (a key has no name to go by)', () => {
    const disable = tamperingCalls().find((c) => c.label === 'DisableKey')?.record as Rec;
    expect(findingOf(disable, DEFAULT_SETTINGS)).toBeNull();
    expect(findingOf(disable)?.target).toEqual({
      service: 'kms',
      type: 'key',
      arn: KEY_ARN,
      name: OWN.keyId,
    });
  });

  it('is high at least even when CloudFormation makes the call (a teardown alerts)', () => {
    const record = { ...call('lambda', 'DeleteFunction20150331', { functionName: OWN.handler }) };
    record.userIdentity = identities.deployRole();
    const finding = findingOf(record);
    expect(finding?.riskScore).toBeGreaterThanOrEqual(60);
    expect(finding?.reasons.join(' ')).toContain('cloudformation.amazonaws.com');
  });

  it('cannot be silenced by suppressions or minSeverity', () => {
    const strict = parseSettings({
      minSeverity: 'critical',
      suppress: { principals: ['*'], userAgents: ['*'], functions: ['*'] },
      ownResources: { keys: [KEY_ARN] },
    });
    for (const c of tamperingCalls()) expect(findingOf(c.record, strict)?.suppression).toBeNull();
  });

  it('matches own resources from settings by ARN glob or name', () => {
    const custom = parseSettings({
      ownResources: { functions: ['arn:aws:lambda:us-east-1:111122223333:function:detector-*'], rules: [] },
    });
    const del = call('lambda', 'DeleteFunction20150331', { functionName: 'detector-handler' });
    expect(findingOf(del, custom)?.target?.name).toBe('detector-handler');
    expect(findingOf(call('events', 'DeleteRule', { name: OWN.detectorRule }), custom)).toBeNull();
  });

  it('judges a PutRule pattern against the digests of the patterns it deploys, when it knows them', () => {
    const deployed = { source: ['aws.lambda'], detail: { eventSource: ['lambda.amazonaws.com'] } };
    const known = parseSettings({ ownResources: { rulePatterns: [patternDigest(deployed) as string] } });
    const put = (pattern: unknown, s = known) =>
      findingOf(
        call('events', 'PutRule', {
          name: OWN.detectorRule,
          state: 'ENABLED',
          eventPattern: JSON.stringify(pattern),
        }),
        s,
      );
    expect(put({ detail: { eventSource: ['lambda.amazonaws.com'] }, source: ['aws.lambda'] })).toBeNull();
    expect(
      put({ source: ['aws.lambda'], detail: { eventSource: ['nothing'] } })?.reasons.join(' '),
    ).toContain('event pattern was replaced');
    // Without the list (the scan's defaults), only DISABLED is judged.
    expect(put({ source: ['aws.nothing'] }, settings)).toBeNull();
    expect(patternDigest('not json')).toBeNull();
  });

  it('gives the command that undoes what one command can undo', () => {
    const revert = (label: string) =>
      findingOf(tamperingCalls().find((c) => c.label === label)?.record as Rec)?.remediation.revertCommand;
    expect(revert('StopLogging')).toBe(
      'aws cloudtrail start-logging --region us-east-1 --name arn:aws:cloudtrail:us-east-1:111122223333:trail/management-events',
    );
    expect(revert('DisableRule')).toBe(
      `aws events enable-rule --region us-east-1 --name ${OWN.detectorRule}`,
    );
    expect(revert('DisableKey')).toBe(`aws kms enable-key --region us-east-1 --key-id ${KEY_ARN}`);
    expect(revert('ScheduleKeyDeletion')).toContain('aws kms cancel-key-deletion');
    expect(revert('DeleteTable')).toBeNull();
  });
});

describe('droppedSources (PutEventSelectors)', () => {
  const basic = (
    readWriteType: string | null,
    includeManagementEvents: boolean | null,
    exclude: string[] = [],
  ) => ({
    basic: [{ readWriteType, includeManagementEvents, excludeManagementEventSources: exclude }],
    advanced: [],
  });
  it.each([
    ['all management events', basic('All', true), []],
    ['write-only management events', basic('WriteOnly', null), []],
    ['read-only', basic('ReadOnly', true), ['lambda.amazonaws.com']],
    ['no management events', basic('All', false), ['lambda.amazonaws.com']],
    ['KMS excluded', basic('All', true, ['kms.amazonaws.com']), ['kms.amazonaws.com']],
    ['no selector at all', { basic: [], advanced: [] }, ['lambda.amazonaws.com']],
  ])('%s', (_name, selectors, lost) => {
    const dropped = droppedSources(selectors);
    for (const source of lost) expect(dropped).toContain(source);
    if (lost.length === 0) expect(dropped).toEqual([]);
  });

  it('reads advanced selectors: category, readOnly and eventSource conditions', () => {
    const advanced = (fieldSelectors: { field: string; equals?: string[]; notEquals?: string[] }[]) => ({
      basic: [],
      advanced: [
        {
          fieldSelectors: fieldSelectors.map((f) => ({
            field: f.field,
            equals: f.equals ?? [],
            notEquals: f.notEquals ?? [],
            startsWith: [],
            notStartsWith: [],
          })),
        },
      ],
    });
    expect(droppedSources(advanced([{ field: 'eventCategory', equals: ['Management'] }]))).toEqual([]);
    expect(
      droppedSources(
        advanced([
          { field: 'eventCategory', equals: ['Management'] },
          { field: 'readOnly', equals: ['true'] },
        ]),
      ),
    ).toContain('lambda.amazonaws.com');
    expect(droppedSources(advanced([{ field: 'eventCategory', equals: ['Data'] }]))).toContain(
      'lambda.amazonaws.com',
    );
  });
});

describe('detector-tampered rendered', () => {
  const findings = tamperingCalls().map((c) => findingOf(c.record));

  it('email and chat name the target; the alert fits SNS', () => {
    for (const f of findings) {
      if (!f) throw new Error('no finding');
      expect(emailText(f)).toContain(`Target:      ${f.target?.type}`);
      const alert = renderAlert(f);
      const chat = JSON.parse(JSON.parse(alert.message).default);
      expect(chat.content.description).toContain('*Target:*');
      expect(alert.subject).toMatch(/^\[(HIGH|CRITICAL)\] layerwatch tampered with: /);
    }
  });

  it('OCSF has the target as a resource and the call under its service', () => {
    for (const f of findings) {
      if (!f) throw new Error('no finding');
      const ocsf = renderOcsf(f, { productVersion: '0.1.0' });
      const resources = ocsf.resources as { uid: string; type: string }[];
      expect(resources.map((r) => r.uid)).toContain(f.target?.arn ?? f.target?.name);
      expect((ocsf.api as { service: { uid: string } }).service.uid).toBe(
        TAMPER_EVENT_SOURCES[f.target?.service as TamperService],
      );
    }
  });

  it('OCSF: py-ocsf-models accepts every tampering finding', () => {
    const rendered = findings.map((f) => renderOcsf(f as NonNullable<typeof f>, { productVersion: '0.1.0' }));
    const validation = validateOcsf(rendered);
    expect(validation.version).toBe(PY_OCSF_MODELS_VERSION);
    expect(validation.results).toHaveLength(findings.length);
    expect(validation.results.flat()).toEqual([]);
  });

  it('ASFF passes the checker, with the specific resource types where ASFF has them', () => {
    const types = new Set<string>();
    for (const f of findings) {
      if (!f) throw new Error('no finding');
      const asff = renderAsff(f, { productVersion: '0.1.0', updatedAt: '2026-03-14T10:00:05Z' });
      expect(checkAsff(asff)).toEqual([]);
      for (const r of asff.Resources) types.add(r.Type);
    }
    expect([...types].sort()).toEqual(
      [
        'AwsCloudFormationStack',
        'AwsCloudTrailTrail',
        'AwsCloudWatchAlarm',
        'AwsDynamoDbTable',
        'AwsEventsEventbus',
        'AwsIamRole',
        'AwsSqsQueue',
        'AwsKmsKey',
        'AwsLambdaFunction',
        'AwsSnsTopic',
        'Other',
      ].sort(),
    );
  });
});
