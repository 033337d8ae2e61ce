/** The EventBridge patterns of the deployment, shared by the detector, forwarder and member stacks. */
import * as events from 'aws-cdk-lib/aws-events';
import { TAMPER_CALLS, TAMPER_EVENT_SOURCES, TAMPER_SERVICES } from '../lambda/domain/model.js';

/**
 * The operations CloudTrail logs for layers. CloudTrail suffixes names with an API version
 * (`UpdateFunctionConfiguration20150331v2`, `PublishLayerVersion20181031`) and older records carry
 * bare names, so the rule matches by prefix and the handler checks the exact operation.
 * `CreateFunction` is matched bare or followed by its date, so that `CreateFunctionUrlConfig*`
 * (a function URL, not a layer) does not invoke the handler.
 */
export const WATCHED_EVENT_NAMES: readonly (string | { prefix: string })[] = [
  { prefix: 'UpdateFunctionConfiguration' },
  { prefix: 'PublishLayerVersion' },
  { prefix: 'AddLayerVersionPermission' },
  'CreateFunction',
  { prefix: 'CreateFunction20' },
];

/** CloudTrail's successful, layer-relevant Lambda calls: the detector's rule and every forwarder's. */
export function layerEventPattern(): events.EventPattern {
  return {
    source: ['aws.lambda'],
    detailType: ['AWS API Call via CloudTrail'],
    detail: {
      eventSource: ['lambda.amazonaws.com'],
      eventName: events.Match.anyOf(
        ...WATCHED_EVENT_NAMES.map((n) => (typeof n === 'string' ? n : events.Match.prefix(n.prefix))),
      ),
      errorCode: events.Match.doesNotExist(),
    },
  };
}

/**
 * CloudTrail's successful calls that can blind or disarm layerwatch (TAMPER_CALLS): the tamper
 * watch's rule and every forwarder's. Lambda versions its event names (`DeleteFunction20150331`),
 * so its calls match bare or followed by a date (`DeleteFunctionUrlConfig...` is another call);
 * the other services log bare names. The pattern admits every watched name of every watched
 * service; the handler checks the exact pair, the resource and the parameters.
 */
export function tamperEventPattern(): events.EventPattern {
  const names = new Set<string>();
  const prefixes = new Set<string>();
  for (const service of TAMPER_SERVICES) {
    for (const call of TAMPER_CALLS[service]) {
      names.add(call);
      if (service === 'lambda') prefixes.add(`${call}20`);
    }
  }
  return {
    source: TAMPER_SERVICES.map((s) => `aws.${s}`),
    detailType: ['AWS API Call via CloudTrail'],
    detail: {
      eventSource: TAMPER_SERVICES.map((s) => TAMPER_EVENT_SOURCES[s]),
      eventName: events.Match.anyOf(
        ...[...names].sort(),
        ...[...prefixes].sort().map((p) => events.Match.prefix(p)),
      ),
      errorCode: events.Match.doesNotExist(),
    },
  };
}

/**
 * Alarms in forwarder regions and member accounts are named with this prefix: their state changes
 * travel to the detector's bus, which publishes them to the operations topic (alarm actions are
 * regional and per account, so a remote alarm cannot notify the detector's topic directly).
 */
export const REMOTE_ALARM_PREFIX = 'layerwatch-remote-';

/** State changes of remote alarms (see REMOTE_ALARM_PREFIX). */
export function remoteAlarmPattern(alarmArns?: readonly string[]): events.EventPattern {
  return {
    source: ['aws.cloudwatch'],
    detailType: ['CloudWatch Alarm State Change'],
    ...(alarmArns ? { resources: [...alarmArns] } : {}),
    detail: { alarmName: events.Match.prefix(REMOTE_ALARM_PREFIX) },
  };
}
