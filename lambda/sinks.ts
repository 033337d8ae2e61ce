/** What both runtimes build the same way once per cold start: finding sinks, the organization's accounts. */
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { SecurityHubClient } from '@aws-sdk/client-securityhub';
import type { SNSClient } from '@aws-sdk/client-sns';
import { type CallBudget, type Deferred, sdkClient } from './adapters/client-options.js';
import { EventBridgeFindingSink } from './adapters/eventbridge-finding-sink.js';
import { OrganizationsAccountLister } from './adapters/organizations-account-lister.js';
import type { FindingSink, OrganizationAccounts } from './adapters/ports.js';
import { SecurityHubFindingSink } from './adapters/securityhub-finding-sink.js';
import { SnsAlertPublisher } from './adapters/sns-alert-publisher.js';
import type { HandlerConfig } from './config.js';
import { AlertTopicSink } from './pipeline/alert-topic-sink.js';
import { FindingEventSink, SecurityHubSink } from './pipeline/security-tool-sinks.js';

/**
 * A deployment option whose client this bundle was built without. The construct bundles each
 * runtime for its deployment's options (lib/constructs/runtime-function.ts): esbuild replaces each
 * `process.env.LAYERWATCH_BUNDLE_*` read below with "true" or "false" and leaves out the clients of
 * the options that are off. Unbundled (tests, scripts) nothing replaces them: every client is there.
 * Turning an option on in the environment alone, without deploying, stops the cold start here.
 */
export class OptionNotBundledError extends Error {
  constructor(option: string) {
    super(`${option} is on, but this function was bundled without it: deploy with the option on`);
    this.name = 'OptionNotBundledError';
  }
}

/**
 * The alert topic first, then Security Hub and the event bus when the deployment turned them on;
 * their clients within `budget` (adapters/client-options.ts). `sns` may be deferred: built at the
 * first alert.
 */
export function findingSinks(
  config: HandlerConfig,
  sns: Deferred<SNSClient>,
  budget: CallBudget,
): FindingSink[] {
  const sinks: FindingSink[] = [new AlertTopicSink(new SnsAlertPublisher(sns, config.topicArn))];
  // Each test of a bundling constant is an `if` of its own: esbuild drops the branch it rules out.
  if (config.securityHub) {
    if (process.env.LAYERWATCH_BUNDLE_SECURITY_HUB !== 'false') sinks.push(securityHubSink(config, budget));
    else throw new OptionNotBundledError('securityHub');
  }
  if (config.findingEvents) {
    if (process.env.LAYERWATCH_BUNDLE_FINDING_EVENTS !== 'false')
      sinks.push(new FindingEventSink(new EventBridgeFindingSink(sdkClient(EventBridgeClient, budget))));
    else throw new OptionNotBundledError('findingEvents');
  }
  return sinks;
}

function securityHubSink(config: HandlerConfig, budget: CallBudget): FindingSink {
  return new SecurityHubSink(
    new SecurityHubFindingSink(sdkClient(SecurityHubClient, budget), config.homeAccount),
    {
      account: config.homeAccount,
      region: config.region,
      productVersion: config.version,
    },
  );
}

/** The organization's live account list, when the deployment discovers it (organization mode). */
export function organizationAccounts(
  config: HandlerConfig,
  budget: CallBudget,
): OrganizationAccounts | undefined {
  if (!config.organizationDiscovery) return undefined;
  if (process.env.LAYERWATCH_BUNDLE_ORGANIZATION_DISCOVERY !== 'false') {
    const lister = new OrganizationsAccountLister(sdkClient(OrganizationsClient, budget));
    return { accounts: async () => (await lister.activeAccounts()).accounts };
  }
  throw new OptionNotBundledError('organizationDiscovery');
}
