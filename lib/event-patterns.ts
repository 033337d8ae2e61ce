/** The EventBridge patterns of the deployment, shared by the detector, forwarder and member stacks. */
import * as events from 'aws-cdk-lib/aws-events';
import { ACCESS_DENIED_CODES } from '../lambda/domain/cloudtrail-denied.js';
import {
  TAMPER_CALLS,
  TAMPER_EVENT_SOURCES,
  TAMPER_SERVICES,
  type TamperService,
} from '../lambda/domain/model.js';

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
  // Versions and aliases: what callers of a qualifier run (PublishVersion20150331, CreateAlias20150331,
  // UpdateAlias20150331, DeleteAlias20150331). UpdateFunctionCode with `publish` and deleting a
  // version (DeleteFunction with a qualifier) come through the tamper rule, which admits them.
  { prefix: 'PublishVersion' },
  { prefix: 'CreateAlias' },
  { prefix: 'UpdateAlias' },
  { prefix: 'DeleteAlias' },
];

/**
 * CloudTrail's access-denied error codes (lambda/domain/cloudtrail-denied.ts) and the calls whose
 * refusal is an attempted attach (their request carries `lambda:Layer`).
 */
const DENIED_LAYER_CALLS = [
  { prefix: 'UpdateFunctionConfiguration' },
  'CreateFunction',
  { prefix: 'CreateFunction20' },
];

/**
 * CloudTrail's successful, layer-relevant Lambda calls, and the refused attaches (an access denial
 * of UpdateFunctionConfiguration or CreateFunction: a `lambda:Layer` guardrail at work, or someone
 * trying): the detector's rule and every forwarder's. Every other failed call is left out.
 */
export function layerEventPattern(): events.EventPattern {
  return {
    source: ['aws.lambda'],
    detailType: ['AWS API Call via CloudTrail'],
    detail: {
      eventSource: ['lambda.amazonaws.com'],
      eventName: events.Match.anyOf(
        ...WATCHED_EVENT_NAMES.map((n) => (typeof n === 'string' ? n : events.Match.prefix(n.prefix))),
      ),
      $or: [
        { errorCode: [{ exists: false }] },
        { errorCode: [...ACCESS_DENIED_CODES], eventName: [...DENIED_LAYER_CALLS] },
      ],
    },
  };
}

/**
 * The forwarding rules of forwarder, member and us-east-1 stacks have fixed names starting with this
 * (one such stack per region and account): the detector cannot reference resources of other regions
 * or accounts, so it knows them by this prefix, and a call that disables or deletes one is its own.
 */
export const FORWARDING_RULE_PREFIX = 'layerwatch-forward-';

const API_CALL = 'AWS API Call via CloudTrail';
/**
 * Custom events (PutEvents) cannot use a source that starts with `aws.`: a rule that asks for it
 * cannot be fed a forged CloudTrail record. The exact service is pinned by `detail.eventSource`.
 */
const FROM_AWS = events.Match.prefix('aws.');
const EVENTS_SOURCE = TAMPER_EVENT_SOURCES.events;

export interface TamperPatternOptions {
  /** The services whose watched calls the rule matches. @default TAMPER_SERVICES */
  readonly services?: readonly TamperService[];
  /**
   * A rule of fixed name whose own calls this rule leaves to another (ruleGuardPattern): a rule
   * cannot see itself disabled or deleted, and two rules forwarding the same call would tell it twice.
   * @default - none left out
   */
  readonly exceptRule?: string;
}

/**
 * Lambda calls whose name begins another Lambda operation's (`DeleteFunction`: `DeleteFunctionUrlConfig`,
 * `DeleteFunctionConcurrency`...): matched bare or followed by the API date. Every other watched Lambda
 * call is matched by its name as a prefix, which admits both forms in one entry: EventBridge's quota on
 * a pattern's size (2,048 characters) leaves no room for each name twice.
 */
const LAMBDA_LOOK_ALIKES = new Set(['DeleteFunction']);

/**
 * A Lambda call the layer rule delivers already (UpdateFunctionConfiguration, wherever the layer rule
 * is deployed, forwarders included): the tamper rule leaves it out, so that each such call, made all
 * day by deploys, invokes the handler once, not twice.
 */
function layerRuleAdmits(call: string): boolean {
  return WATCHED_EVENT_NAMES.some((n) => (typeof n === 'string' ? n === call : call.startsWith(n.prefix)));
}

/**
 * CloudTrail's successful calls that can blind or disarm layerwatch (TAMPER_CALLS): the tamper
 * watch's rule and every forwarder's. Lambda versions its event names (`DeleteFunction20150331`),
 * so its calls match by prefix (LAMBDA_LOOK_ALIKES: bare or followed by a date); the other services
 * log bare names. The pattern admits every watched name of every watched
 * service; the handler checks the exact pair, the resource and the parameters.
 */
export function tamperEventPattern(options: TamperPatternOptions = {}): events.EventPattern {
  const services = options.services ?? TAMPER_SERVICES;
  const names = new Set<string>();
  const prefixes = new Set<string>();
  for (const service of services) {
    for (const call of TAMPER_CALLS[service]) {
      if (service === 'lambda' && layerRuleAdmits(call)) continue;
      if (service !== 'lambda') names.add(call);
      else if (LAMBDA_LOOK_ALIKES.has(call)) {
        names.add(call);
        prefixes.add(`${call}20`);
      } else prefixes.add(call);
    }
  }
  // A bare name that a prefix already admits is said once (the pattern has a size quota).
  for (const name of names) if ([...prefixes].some((p) => name.startsWith(p))) names.delete(name);
  const except = options.exceptRule;
  return {
    source: FROM_AWS,
    detailType: [API_CALL],
    detail: {
      eventSource: services.map((s) => TAMPER_EVENT_SOURCES[s]),
      eventName: events.Match.anyOf(
        ...[...names].sort(),
        ...[...prefixes].sort().map((p) => events.Match.prefix(p)),
      ),
      errorCode: events.Match.doesNotExist(),
      ...(except && services.includes('events')
        ? {
            // Rule calls name the rule in `name` (DisableRule, DeleteRule, PutRule) or `rule`
            // (PutTargets, RemoveTargets); the other calls name neither.
            $or: [
              { eventSource: [{ 'anything-but': EVENTS_SOURCE }] },
              { requestParameters: { name: [{ 'anything-but': except }] } },
              { requestParameters: { rule: [{ 'anything-but': except }] } },
              { requestParameters: { name: [{ exists: false }], rule: [{ exists: false }] } },
            ],
          }
        : {}),
    },
  };
}

/**
 * The calls on one rule of fixed name that its own pattern leaves out (TamperPatternOptions.exceptRule):
 * every watched EventBridge call naming it, disabled, deleted, re-targeted or re-patterned.
 */
export function ruleGuardPattern(ruleName: string): events.EventPattern {
  return {
    source: FROM_AWS,
    detailType: [API_CALL],
    detail: {
      eventSource: [EVENTS_SOURCE],
      eventName: [...TAMPER_CALLS.events],
      errorCode: events.Match.doesNotExist(),
      $or: [{ requestParameters: { name: [ruleName] } }, { requestParameters: { rule: [ruleName] } }],
    },
  };
}

/** What the direct tamper rule knows as the alert path's own (names and ARNs, tokens allowed). */
export interface AlertPathResources {
  /**
   * The detector stack's name: CloudFormation names what it creates `<stack name>-<logical id>-<suffix>`
   * (topics, functions, rules, roles, queues, alarms, the table), so that a prefix covers them without
   * naming any (a rule cannot name itself, nor the resources whose policies name it).
   */
  readonly stackName: string;
  /** Topics whose names the stack did not generate (an existing alert or operations topic). */
  readonly importedTopicArns: readonly string[];
  /** The topics' customer-managed key ids (callers pass the id or the ARN, which ends with it). */
  readonly keyIds: readonly string[];
}

/**
 * Every successful management write on the resources of layerwatch's alert path (its topics,
 * subscriptions, keys, functions, roles, rules, queues, alarms, table and stack, and the forwarding
 * rules of other regions and accounts, which arrive on this bus), and StopLogging or DeleteTrail on
 * any trail. Behaviour, not a list of names: whatever changes the watcher is told. Data events (a
 * Publish, an Invoke) are left out: the direct rule's own messages must never feed it. Each branch
 * asks for a parameter that carries one of the deployment's names, so that the service is implied
 * (the default quota for a pattern is 2048 characters).
 */
export function alertPathPattern(own: AlertPathResources): events.EventPattern {
  const name = `${own.stackName}-`;
  const prefix = (p: string) => ({ prefix: p });
  // An ARN, a partial ARN or a URL that ends with a generated name: `...:function:LayerWatch-...`.
  const named = (separator: string) => ({ wildcard: `*${separator}${name}*` });
  const rules = [prefix(name), prefix(FORWARDING_RULE_PREFIX)];
  const parameter = (field: string, values: unknown[]) => ({ requestParameters: { [field]: values } });
  return {
    source: FROM_AWS,
    detailType: [API_CALL],
    detail: {
      errorCode: events.Match.doesNotExist(),
      managementEvent: [true],
      $or: [
        { eventSource: [TAMPER_EVENT_SOURCES.cloudtrail], eventName: ['StopLogging', 'DeleteTrail'] },
        parameter('name', rules),
        parameter('rule', rules),
        parameter('topicArn', [named(':'), ...own.importedTopicArns]),
        parameter('subscriptionArn', [named(':'), ...own.importedTopicArns.map((t) => prefix(`${t}:`))]),
        ...(own.keyIds.length > 0
          ? [
              parameter(
                'keyId',
                own.keyIds.map((k) => ({ suffix: k })),
              ),
            ]
          : []),
        parameter('functionName', [prefix(name), named(':')]),
        parameter('tableName', [prefix(name), named('/')]),
        parameter('resourceArn', [named('/'), named(':')]),
        parameter('alarmNames', [prefix(name)]),
        { requestParameters: { muteTargets: { alarmNames: [prefix(name)] } } },
        parameter('alarmName', [prefix(name)]),
        parameter('queueUrl', [named('/')]),
        parameter('roleName', [prefix(name)]),
        parameter('stackName', [own.stackName, { wildcard: `*:stack/${own.stackName}/*` }]),
        parameter('stackSetName', [prefix('layerwatch-member-')]),
      ],
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
