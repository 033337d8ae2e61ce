import { readConfig } from '../../lambda/config.js';
import { findingOf, handlerWith } from '../support/builders.js';
import { asEvent } from '../support/event-corpus.js';
import { expectValidFinding } from '../support/schema.js';
import {
  failedCall,
  harmlessCalls,
  KEY_ARN,
  OWN,
  ownFunctionChanges,
  tamperingCalls,
} from '../support/tamper-records.js';

/**
 * The handler as deployed: its settings name no resource (every kind emptied), so it knows its own
 * resources only from the list the stack passes in LAYERWATCH_OWN_RESOURCES.
 */
function deployed() {
  const config = readConfig({
    ALERT_TOPIC_ARN: OWN.topicArn,
    BASELINE_TABLE: OWN.table,
    HOME_ACCOUNT: '111122223333',
    LAYERWATCH_SETTINGS: JSON.stringify({
      minSeverity: 'critical',
      suppress: { principals: ['arn:aws:iam::111122223333:user/*'] },
      ownResources: {
        rules: [],
        eventBuses: [],
        topics: [],
        functions: [],
        keys: [],
        tables: [],
        alarms: [],
        queues: [],
        roles: [],
        stacks: [],
        schedules: [],
      },
    }),
    LAYERWATCH_OWN_RESOURCES: JSON.stringify({
      rules: [OWN.detectorRule, OWN.tamperRule, 'layerwatch-forward-*'],
      eventBuses: ['arn:aws:events:us-east-1:111122223333:event-bus/default'],
      topics: [OWN.topicArn],
      functions: [OWN.handler, OWN.sweep, OWN.heartbeat, OWN.canary],
      keys: [KEY_ARN],
      tables: [OWN.table],
      alarms: ['LayerWatch-*'],
      queues: ['LayerWatch-*'],
      roles: ['LayerWatch-*', 'LayerWatchReadOnly'],
      stacks: ['LayerWatch', OWN.stackSet],
      schedules: [`default/${OWN.schedule}`],
    }),
  });
  return handlerWith({ settings: config.settings });
}

describe('handler: layerwatch tampered with', () => {
  it.each(tamperingCalls().map((c) => [c.label, c] as const))(
    'publishes detector-tampered for %s, whatever the suppressions and minSeverity say',
    async (_label, c) => {
      const s = deployed();
      const result = await s.handler(asEvent(c.record));
      expect(result).toMatchObject({ outcome: 'published', detectionId: 'detector-tampered' });
      expect(s.publisher.published).toHaveLength(1);
      const finding = findingOf(s.publisher.published[0]);
      expectValidFinding(finding);
      expect(finding.target).toMatchObject({ name: expect.any(String) });
      // No AWS read for a tamper event: no function configuration, no layer, no baseline.
      expect(s.reader.calls).toHaveLength(0);
      expect(s.baselines.items.size).toBe(0);
    },
  );

  it.each(harmlessCalls().map((c) => [c.label, c.record] as const))(
    'publishes nothing for %s',
    async (_label, record) => {
      const s = deployed();
      const result = await s.handler(asEvent(record));
      expect(['no-finding', 'ignored']).toContain(result.outcome);
      expect(s.publisher.published).toHaveLength(0);
    },
  );

  it.each(ownFunctionChanges().map((c) => [c.label, c] as const))(
    'publishes detector-tampered for a change of its own function: %s',
    async (_label, c) => {
      const s = deployed();
      const result = await s.handler(asEvent(c.record));
      expect(result).toMatchObject({ outcome: 'published', detectionId: 'detector-tampered' });
      const finding = findingOf(s.publisher.published[0]);
      expectValidFinding(finding);
      expect(finding.target).toMatchObject({
        type: 'function',
        name: (c.record.requestParameters as { functionName: string }).functionName,
      });
    },
  );

  it('drops failed calls, whether or not the rule filtered them', async () => {
    const s = deployed();
    for (const c of tamperingCalls()) {
      const result = await s.handler(asEvent(failedCall(c.record)));
      expect(result.outcome).toBe('ignored');
    }
    expect(s.publisher.published).toHaveLength(0);
  });

  it('handles a tampering event once, however often it is delivered', async () => {
    const s = deployed();
    const event = asEvent(tamperingCalls()[0]?.record ?? {});
    await s.handler(event);
    expect((await s.handler(event)).outcome).toBe('duplicate');
    expect(s.publisher.published).toHaveLength(1);
  });
});

describe('LAYERWATCH_OWN_RESOURCES', () => {
  const base = { ALERT_TOPIC_ARN: OWN.topicArn, BASELINE_TABLE: 'b', HOME_ACCOUNT: '111122223333' };

  it('adds the deployment list to the settings list', () => {
    const config = readConfig({ ...base, LAYERWATCH_OWN_RESOURCES: JSON.stringify({ keys: [KEY_ARN] }) });
    expect(config.settings.ownResources.keys).toEqual([KEY_ARN]);
    expect(config.settings.ownResources.rules).toContain('LayerWatch*');
  });

  it.each([
    ['not JSON', '{', /LAYERWATCH_OWN_RESOURCES: not valid JSON/],
    ['an unknown kind', '{"buckets":["b"]}', /LAYERWATCH_OWN_RESOURCES: unknown key\(s\) buckets/],
    [
      'a list of other things',
      '{"rules":[1]}',
      /LAYERWATCH_OWN_RESOURCES.rules must be a list of non-empty strings/,
    ],
  ])('refuses %s with a clear error', (_name, value, message) => {
    expect(() => readConfig({ ...base, LAYERWATCH_OWN_RESOURCES: value })).toThrow(message);
  });
});
