/**
 * The test finding `layerwatch verify --send-test-alert` sends through the real topic: an ordinary
 * finding of a made-up layer attach, analyzed by the same core and rendered the same way, marked
 * as a test in its title, so that the team sees a real alert arrive by email and in Slack.
 */
import { normalize } from './cloudtrail.js';
import { analyze } from './engine.js';
import type { Finding } from './finding.js';
import { DEFAULT_SETTINGS } from './settings.js';

export const TEST_FUNCTION_NAME = 'layerwatch-verify-test';

export function testFinding(account: string, region: string, partition: string, now: Date): Finding {
  const fn = `arn:${partition}:lambda:${region}:${account}:function:${TEST_FUNCTION_NAME}`;
  const layer = `arn:${partition}:lambda:${region}:${account}:layer:layerwatch-verify-test:1`;
  const normalized = normalize({
    eventVersion: '1.09',
    eventSource: 'lambda.amazonaws.com',
    eventName: 'UpdateFunctionConfiguration20150331v2',
    eventTime: now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    eventID: `layerwatch-verify-test-${now.getTime()}`,
    awsRegion: region,
    recipientAccountId: account,
    sourceIPAddress: 'layerwatch verify',
    userAgent: 'layerwatch verify --send-test-alert',
    userIdentity: {
      type: 'AssumedRole',
      accountId: account,
      arn: `arn:${partition}:sts::${account}:assumed-role/layerwatch-verify/test`,
    },
    requestParameters: { functionName: TEST_FUNCTION_NAME, layers: [layer] },
    responseElements: {
      functionName: TEST_FUNCTION_NAME,
      functionArn: fn,
      layers: [{ arn: layer, codeSize: 1 }],
    },
  });
  if (normalized.status !== 'relevant')
    throw new Error(`layerwatch: the test event did not normalize (${normalized.status})`);
  const { finding } = analyze(normalized.event, {
    baseline: { functionArn: fn, states: [], truncated: false },
    live: { status: 'not-read' },
    settings: DEFAULT_SETTINGS,
  });
  if (!finding) throw new Error('layerwatch: the test event raised no finding');
  return {
    ...finding,
    title: `[TEST] ${finding.title} (layerwatch verify: no action needed)`,
    reasons: [
      'This is a test alert sent by `layerwatch verify --send-test-alert`: nothing happened.',
      ...finding.reasons,
    ],
  };
}
