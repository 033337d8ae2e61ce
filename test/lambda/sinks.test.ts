/**
 * The optional sinks and organization discovery: built when their option is on; a bundle built
 * without an option's client (the bundling constants are set as esbuild would set them) stops the
 * cold start with a named error instead of running without the sink.
 */
import { SNSClient } from '@aws-sdk/client-sns';
import { ALERT_PATH_CALLS } from '../../lambda/adapters/client-options.js';
import { readConfig } from '../../lambda/config.js';
import { findingSinks, OptionNotBundledError, organizationAccounts } from '../../lambda/sinks.js';

const ENV = {
  ALERT_TOPIC_ARN: 'arn:aws:sns:us-east-1:111122223333:alerts',
  BASELINE_TABLE: 'table',
  HOME_ACCOUNT: '111122223333',
  AWS_REGION: 'us-east-1',
};
const BUNDLE_KEYS = [
  'LAYERWATCH_BUNDLE_SECURITY_HUB',
  'LAYERWATCH_BUNDLE_FINDING_EVENTS',
  'LAYERWATCH_BUNDLE_ORGANIZATION_DISCOVERY',
];

afterEach(() => {
  for (const key of BUNDLE_KEYS) delete process.env[key];
});

const config = (options: Record<string, string> = {}) => readConfig({ ...ENV, ...options });
const sinks = (options: Record<string, string> = {}) =>
  findingSinks(config(options), new SNSClient({ region: 'us-east-1' }), ALERT_PATH_CALLS).map((s) => s.name);

describe('finding sinks and discovery by deployment option', () => {
  it('builds the alert topic alone by default, and each optional sink when its option is on', () => {
    expect(sinks()).toEqual(['alert-topic']);
    expect(sinks({ SECURITY_HUB: 'true', FINDING_EVENTS: 'true' })).toEqual([
      'alert-topic',
      'security-hub',
      'finding-events',
    ]);
    expect(organizationAccounts(config(), ALERT_PATH_CALLS)).toBeUndefined();
    expect(organizationAccounts(config({ ORGANIZATION_DISCOVERY: 'true' }), ALERT_PATH_CALLS)).toBeDefined();
  });

  it.each([
    ['LAYERWATCH_BUNDLE_SECURITY_HUB', { SECURITY_HUB: 'true' }],
    ['LAYERWATCH_BUNDLE_FINDING_EVENTS', { FINDING_EVENTS: 'true' }],
  ])('names an option turned on without its client in the bundle (%s)', (key, options) => {
    process.env[key] = 'false';
    expect(() => sinks(options)).toThrow(OptionNotBundledError);
    expect(sinks()).toEqual(['alert-topic']);
  });

  it('names organization discovery turned on without its client in the bundle', () => {
    process.env.LAYERWATCH_BUNDLE_ORGANIZATION_DISCOVERY = 'false';
    expect(() => organizationAccounts(config({ ORGANIZATION_DISCOVERY: 'true' }), ALERT_PATH_CALLS)).toThrow(
      /organizationDiscovery is on, but this function was bundled without it/,
    );
  });
});
