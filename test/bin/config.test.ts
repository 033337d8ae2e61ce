import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as logs from 'aws-cdk-lib/aws-logs';
import { ContextError, readConfig } from '../../bin/config.js';

const from = (context: Record<string, unknown>) => (key: string) => context[key];

describe('readConfig', () => {
  it('has documented defaults', () => {
    expect(readConfig(from({}))).toEqual({
      alertEmails: [],
      alertTopicArn: undefined,
      alertTopicKmsKeyArn: undefined,
      operationsTopicArn: undefined,
      operationsTopicKmsKeyArn: undefined,
      reservedConcurrency: 10,
      slack: undefined,
      logRetention: logs.RetentionDays.ONE_YEAR,
      memorySize: 256,
      settings: undefined,
      mode: 'single',
      regions: [],
      organization: undefined,
      sweepAccounts: undefined,
      sweepRegions: undefined,
      sweepSchedule: undefined,
      createTrail: false,
      heartbeat: true,
      securityHub: false,
      findingEvents: false,
    });
  });

  it('reads organization mode', () => {
    expect(
      readConfig(
        from({
          mode: 'organization',
          organizationId: 'o-abcdef1234',
          organizationalUnitIds: 'ou-ab12-cdef3456,r-ab12',
          memberRegions: 'us-east-1,eu-west-1',
          sweepAccounts: '222233334444',
          sweepSchedule: 'rate(12 hours)',
          sweepConcurrency: '100',
          createTrail: 'true',
        }),
      ),
    ).toMatchObject({
      sweepConcurrency: 100,
      mode: 'organization',
      organization: {
        organizationId: 'o-abcdef1234',
        organizationalUnitIds: ['ou-ab12-cdef3456', 'r-ab12'],
        regions: ['us-east-1', 'eu-west-1'],
        memberRoleName: 'LayerWatchReadOnly',
        callAs: 'SELF',
      },
      sweepAccounts: ['222233334444'],
      sweepSchedule: 'rate(12 hours)',
      createTrail: true,
    });
  });

  it.each([
    ['none', 'none'],
    ['3', 3],
    [25, 25],
  ])('reads reservedConcurrency %p', (value, expected) => {
    expect(readConfig(from({ reservedConcurrency: value })).reservedConcurrency).toBe(expected);
  });

  it.each([
    [
      'a zero reservation (it would throttle every event)',
      { reservedConcurrency: '0' },
      /reservedConcurrency/,
    ],
    ['a fractional reservation', { reservedConcurrency: '2.5' }, /reservedConcurrency/],
    [
      'an operations key without its topic',
      { operationsTopicKmsKeyArn: 'arn:aws:kms:us-east-1:111122223333:key/abcd-1234' },
      /needs "operationsTopicArn"/,
    ],
    ['an unknown mode', { mode: 'galaxy' }, /context "mode"/],
    ['multi-region without regions', { mode: 'multi-region' }, /context "regions"/],
    ['a bad region', { mode: 'multi-region', regions: 'mars-1' }, /not a region/],
    ['organization without id', { mode: 'organization' }, /organizationId/],
    [
      'organization without OUs',
      { mode: 'organization', organizationId: 'o-abcdef1234' },
      /organizationalUnitIds/,
    ],
    [
      'organization without regions',
      { mode: 'organization', organizationId: 'o-abcdef1234', organizationalUnitIds: 'r-ab12' },
      /memberRegions/,
    ],
    ['a bad schedule', { sweepSchedule: 'daily' }, /sweepSchedule/],
    ["a sweep concurrency below the event source mapping's 2", { sweepConcurrency: '1' }, /sweepConcurrency/],
    ['a sweep concurrency that is no integer', { sweepConcurrency: 'many' }, /sweepConcurrency/],
    ['a bad sweep account', { sweepAccounts: '12' }, /sweepAccounts/],
  ])('rejects %s', (_n, context, message) => {
    expect(() => readConfig(from(context))).toThrow(message);
  });

  it('reads settings inline (object or JSON string) or from a file, validated', () => {
    const doc = { minSeverity: 'medium', suppress: { functions: ['arn:aws:lambda:*:*:function:sandbox-*'] } };
    expect(readConfig(from({ settings: doc })).settings).toEqual(doc);
    expect(readConfig(from({ settings: JSON.stringify(doc) })).settings).toEqual(doc);
    const dir = mkdtempSync(join(tmpdir(), 'lw-'));
    writeFileSync(join(dir, 's.json'), JSON.stringify(doc));
    expect(readConfig(from({ settingsFile: join(dir, 's.json') })).settings).toEqual(doc);
    expect(() => readConfig(from({ settings: { minSeverity: 'x' } }))).toThrow(
      /context "settings": minSeverity/,
    );
    expect(() => readConfig(from({ settings: { bogus: 1 } }))).toThrow(/unknown key\(s\) bogus/);
    expect(() => readConfig(from({ settingsFile: join(dir, 'missing.json') }))).toThrow(/settingsFile/);
    expect(() => readConfig(from({ settings: doc, settingsFile: join(dir, 's.json') }))).toThrow(
      /one or the other/,
    );
  });

  it.each([
    ['a comma-separated string', 'a@example.com, b@example.com'],
    ['a JSON list in a string', '["a@example.com","b@example.com"]'],
    ['a list', ['a@example.com', 'b@example.com']],
  ])('reads alertEmails from %s', (_n, value) => {
    expect(readConfig(from({ alertEmails: value })).alertEmails).toEqual(['a@example.com', 'b@example.com']);
  });

  it('reads Slack ids, topics, retention and memory', () => {
    const c = readConfig(
      from({
        slackWorkspaceId: 'T0123ABCD',
        slackChannelId: 'C0123ABCD',
        alertTopicArn: 'arn:aws:sns:eu-west-1:111122223333:sec',
        alertTopicKmsKeyArn: 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
        operationsTopicArn: 'arn:aws:sns:eu-west-1:111122223333:ops',
        logRetentionDays: '90',
        memorySize: '512',
      }),
    );
    expect(c).toMatchObject({
      slack: { workspaceId: 'T0123ABCD', channelId: 'C0123ABCD' },
      logRetention: 90,
      memorySize: 512,
    });
  });

  it.each([
    ['an invalid email', { alertEmails: 'not-an-email' }, /alertEmails/],
    ['only one Slack id', { slackWorkspaceId: 'T0123ABCD' }, /go together/],
    [
      'a lowercase Slack id',
      { slackWorkspaceId: 't0123abcd', slackChannelId: 'C0123ABCD' },
      /slackWorkspaceId/,
    ],
    [
      'a topic ARN that is not one',
      { alertTopicArn: 'arn:aws:sqs:us-east-1:111122223333:q' },
      /alertTopicArn/,
    ],
    [
      'a key without its topic',
      { alertTopicKmsKeyArn: 'arn:aws:kms:eu-west-1:111122223333:key/abc' },
      /needs "alertTopicArn"/,
    ],
    ['a retention CloudWatch does not offer', { logRetentionDays: 42 }, /logRetentionDays/],
    ['memory out of range', { memorySize: 64 }, /memorySize/],
    ['broken JSON', { alertEmails: '["a@example.com"' }, /does not parse/],
    ['an invalid operations email', { operationsEmails: 'ops@' }, /context "operationsEmails": "ops@"/],
    [
      'a region listed twice',
      { mode: 'multi-region', regions: 'eu-west-1,eu-west-1' },
      /"eu-west-1" is listed twice/,
    ],
    ['a containment it does not know', { containment: 'slack', securityHub: 'true' }, /off or security-hub/],
    ['the containment without Security Hub', { containment: 'security-hub' }, /set securityHub=true/],
  ])('rejects %s, naming the key', (_n, context, message) => {
    expect(() => readConfig(from(context))).toThrow(ContextError);
    expect(() => readConfig(from(context))).toThrow(message);
  });

  it('reads the containment, off unless asked for', () => {
    expect(readConfig(from({})).containment).toBeUndefined();
    expect(readConfig(from({ containment: 'off', securityHub: 'true' })).containment).toBeUndefined();
    expect(readConfig(from({ containment: 'security-hub', securityHub: 'true' })).containment).toBe(
      'security-hub',
    );
  });

  it('reads the operations emails, which are absent unless given', () => {
    expect(readConfig(from({ alertEmails: 'sec@example.com' })).operationsEmails).toBeUndefined();
    expect(
      readConfig(
        from({ alertEmails: 'sec@example.com', operationsEmails: 'ops@example.com,oncall@example.com' }),
      ).operationsEmails,
    ).toEqual(['ops@example.com', 'oncall@example.com']);
  });

  describe('regions of multi-region mode, where the detector is deployed', () => {
    const context = { mode: 'multi-region', regions: 'eu-west-1,us-east-1' };

    it('refuses the home region: its forwarder would be a second canary and rule set beside the detector', () => {
      expect(() => readConfig(from(context), { region: 'us-east-1' })).toThrow(ContextError);
      expect(() => readConfig(from(context), { region: 'us-east-1' })).toThrow(
        /context "regions": "us-east-1" is the home region/,
      );
    });

    it('accepts the other regions, and cannot judge without a known home region', () => {
      expect(readConfig(from(context), { region: 'ap-southeast-2' }).regions).toEqual([
        'eu-west-1',
        'us-east-1',
      ]);
      expect(readConfig(from(context)).regions).toEqual(['eu-west-1', 'us-east-1']);
    });
  });
});
