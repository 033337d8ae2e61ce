/**
 * What the detector's runtimes are told by the stack: the environment every runtime reads at cold
 * start, and where each kind of declared call goes (lib/permissions.ts grants from it).
 */
import type { Stack } from 'aws-cdk-lib';
import { parseSettings } from '../lambda/domain/settings.js';
import type { Alerting } from './constructs/alerting.js';
import type { StateTable } from './constructs/state-table.js';
import type { CallTargets } from './permissions.js';

/** The options of LayerWatchProps that reach the runtimes. */
export interface RuntimeOptions {
  readonly settings?: Record<string, unknown>;
  readonly memberRoleName?: string;
  readonly organizationId?: string;
  readonly securityHub?: boolean;
  readonly findingEvents?: boolean;
}

/** What every runtime reads at cold start (lambda/config.ts). */
export function runtimeEnvironment(
  props: RuntimeOptions,
  state: StateTable,
  alerting: Alerting,
  account: string,
): Record<string, string> {
  return {
    ALERT_TOPIC_ARN: alerting.alert.topic.topicArn,
    OPERATIONS_TOPIC_ARN: alerting.operations.topic.topicArn,
    BASELINE_TABLE: state.table.tableName,
    LAYERWATCH_SETTINGS: settingsJson(props.settings),
    HOME_ACCOUNT: account,
    MEMBER_ROLE_NAME: props.memberRoleName ?? '',
    ORGANIZATION_DISCOVERY: String(props.organizationId !== undefined),
    SECURITY_HUB: String(props.securityHub === true),
    FINDING_EVENTS: String(props.findingEvents === true),
  };
}

/** Where each kind of declared call goes in this deployment (lib/permissions.ts grants from it). */
export function callTargets(
  props: RuntimeOptions,
  state: StateTable,
  alerting: Alerting,
  regions: readonly string[],
  canaryRegions: readonly string[],
  stack: Stack,
): CallTargets {
  return {
    partition: stack.partition,
    account: stack.account,
    regions,
    canaryRegions,
    tableArn: state.table.tableArn,
    topics: { alert: alerting.alert, operations: alerting.operations },
    homeRegion: stack.region,
    options: {
      securityHub: props.securityHub === true,
      findingEvents: props.findingEvents === true,
      organizationDiscovery: props.organizationId !== undefined,
    },
    memberRole: props.memberRoleName
      ? { name: props.memberRoleName, organizationId: props.organizationId }
      : undefined,
  };
}

/** The settings as the runtimes receive them, validated: a wrong setting stops synthesis, not a cold start. */
function settingsJson(settings: Record<string, unknown> | undefined): string {
  parseSettings(settings);
  const json = settings ? JSON.stringify(settings) : '';
  if (json.length > 3000) {
    throw new Error(
      `layerwatch: settings are ${json.length} characters; Lambda environment variables allow about 3000 here`,
    );
  }
  return json;
}
