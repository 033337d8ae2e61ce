/** What both runtimes build the same way once per cold start: finding sinks, the organization's accounts. */
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { SecurityHubClient } from '@aws-sdk/client-securityhub';
import type { SNSClient } from '@aws-sdk/client-sns';
import { type CallBudget, sdkClient } from './adapters/client-options.js';
import { EventBridgeFindingSink } from './adapters/eventbridge-finding-sink.js';
import { OrganizationsAccountLister } from './adapters/organizations-account-lister.js';
import type { FindingSink, OrganizationAccounts } from './adapters/ports.js';
import { SecurityHubFindingSink } from './adapters/securityhub-finding-sink.js';
import { SnsAlertPublisher } from './adapters/sns-alert-publisher.js';
import type { HandlerConfig } from './config.js';
import { AlertTopicSink } from './pipeline/alert-topic-sink.js';
import { FindingEventSink, SecurityHubSink } from './pipeline/security-tool-sinks.js';

/**
 * The alert topic first, then Security Hub and the event bus when the deployment turned them on;
 * their clients within `budget` (adapters/client-options.ts).
 */
export function findingSinks(config: HandlerConfig, sns: SNSClient, budget: CallBudget): FindingSink[] {
  const sinks: FindingSink[] = [new AlertTopicSink(new SnsAlertPublisher(sns, config.topicArn))];
  if (config.securityHub) {
    sinks.push(
      new SecurityHubSink(
        new SecurityHubFindingSink(sdkClient(SecurityHubClient, budget), config.homeAccount),
        {
          account: config.homeAccount,
          region: config.region,
          productVersion: config.version,
        },
      ),
    );
  }
  if (config.findingEvents)
    sinks.push(new FindingEventSink(new EventBridgeFindingSink(sdkClient(EventBridgeClient, budget))));
  return sinks;
}

/** The organization's live account list, when the deployment discovers it (organization mode). */
export function organizationAccounts(
  config: HandlerConfig,
  budget: CallBudget,
): OrganizationAccounts | undefined {
  if (!config.organizationDiscovery) return undefined;
  const lister = new OrganizationsAccountLister(sdkClient(OrganizationsClient, budget));
  return { accounts: async () => (await lister.activeAccounts()).accounts };
}
