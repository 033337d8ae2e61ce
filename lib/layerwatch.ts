import { type RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as events from 'aws-cdk-lib/aws-events';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct, type IConstruct } from 'constructs';
import { CANARY_FUNCTION_NAME, memberHeartbeatRoleName } from '../lambda/domain/heartbeat.js';
import type { OwnResources } from '../lambda/domain/settings.js';
import { Alerting, type SlackChannel } from './constructs/alerting.js';
import { Containment } from './constructs/containment.js';
import { OperationsDashboard } from './constructs/dashboard.js';
import { Detector } from './constructs/detector.js';
import { Heartbeat } from './constructs/heartbeat.js';
import { deadLetterQueuesOf, Operations } from './constructs/operations.js';
import { StateTable } from './constructs/state-table.js';
import { Sweep, type SweepProps as SweepConstructProps } from './constructs/sweep.js';
import { TamperWatch } from './constructs/tamper-watch.js';
import type { AlertPathResources } from './event-patterns.js';
import { forwardingPatternDigests } from './forwarder-stack.js';
import {
  checkEnvironmentSize,
  FORWARDER_STACKS,
  FORWARDING_RULES,
  MEMBER_HEARTBEAT_SCHEDULE_NAME,
  MEMBER_STACK_INSTANCES,
  memberStackSetName,
  ownResourcesJson,
  patternDigests,
  REMOTE_ALARMS,
} from './own-resources.js';
import type { CallTargets } from './permissions.js';
import { callTargets, runtimeEnvironment } from './runtime-settings.js';

export type { SlackChannel } from './constructs/alerting.js';
export { DETECTOR_ROLE_TAG } from './constructs/runtime-function.js';

export interface SweepProps {
  /** @default - the stack's account */
  readonly accounts?: readonly string[];
  /** @default - the covered regions (`regions`) */
  readonly regions?: readonly string[];
  /** @default events.Schedule.rate(Duration.days(1)) */
  readonly schedule?: events.Schedule;
  /**
   * Account/region pairs swept at once, across all accounts (each account one pair at a time).
   * @default 20
   */
  readonly concurrency?: number;
  /** What must exist before the sweep that runs at deployment, besides the state table. */
  readonly runAfter?: readonly IConstruct[];
}

export interface LayerWatchProps {
  /** @default - no email subscription */
  readonly alertEmails?: readonly string[];
  /** @default - `alertEmails`, unless `operationsTopic` is given (see AlertingProps) */
  readonly operationsEmails?: readonly string[];
  /** @default - a new topic encrypted with a new customer-managed KMS key */
  readonly alertTopic?: sns.ITopic;
  /** @default - the existing topic is not encrypted with a customer-managed key */
  readonly alertTopicKey?: kms.IKey;
  /** @default - no Slack channel */
  readonly slack?: SlackChannel;
  /** Where alarms about the detector itself go. @default - a topic and key of its own */
  readonly operationsTopic?: sns.ITopic;
  /** @default - the operations topic is not encrypted with a customer-managed key */
  readonly operationsTopicKey?: kms.IKey;
  /** @default logs.RetentionDays.ONE_YEAR */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Reserved concurrency of the handler (the sweep then reserves 1). `'none'` reserves nothing, for
   * accounts whose concurrency quota cannot keep 100 unreserved after the reservation.
   * @default 10
   */
  readonly reservedConcurrency?: number | 'none';
  /** Memory of the handler, in MiB. @default 256 */
  readonly memorySize?: number;
  /**
   * Detection settings, as the JSON document described in README.md. Validated at synthesis.
   * @default - no suppression, publish from `low`, 60-minute correlation window
   */
  readonly settings?: Record<string, unknown>;
  /**
   * Regions whose events reach the detector (its own, and those of forwarder or member stacks):
   * the handler reads the detector account's functions there.
   * @default - the stack's region
   */
  readonly regions?: readonly string[];
  /** Name of the read-only role of member accounts. @default - only the detector's account is read */
  readonly memberRoleName?: string;
  /** Assuming member roles is limited to accounts of this organization. @default - no condition */
  readonly organizationId?: string;
  /** @default - the stack's account and the covered regions, daily */
  readonly sweep?: SweepProps;
  /** @default RemovalPolicy.RETAIN */
  readonly baselineRemovalPolicy?: RemovalPolicy;
  /**
   * Imports every finding into AWS Security Hub (ASFF, BatchImportFindings in this account and
   * region; Security Hub must be enabled). A failed import is retried, never blocks the alert.
   * @default false
   */
  readonly securityHub?: boolean;
  /**
   * Puts every finding on the default event bus (source `layerwatch`, detail-type
   * `Lambda Layer Finding`), for any routing a team needs.
   * @default false
   */
  readonly findingEvents?: boolean;
  /**
   * Regions with a heartbeat canary: this one, and those whose stacks create one (forwarders).
   * @default - the stack's region
   */
  readonly heartbeatRegions?: readonly string[];
  /**
   * The hourly heartbeat through every covered region, with a blind-region alarm each (the canaries
   * of other regions are created by their forwarder stacks).
   * @default true
   */
  readonly heartbeat?: boolean;
  /**
   * The one-click containment: a Security Hub custom action on a layerwatch finding that reverts it
   * (README: Respond). Needs `securityHub` (the findings it acts on are there).
   * @default false
   */
  readonly containment?: boolean;
}

/**
 * Detects Lambda layer changes. Composes one construct per concern: the state table, alerting
 * (topics, key, Slack), the detector (rule and handler), the drift sweep, and the operations alarms.
 * Nothing is dropped silently: undeliverable events land in dead-letter queues that raise alarms.
 */
export class LayerWatch extends Construct {
  public readonly alertTopic: sns.ITopic;
  public readonly handler: lambda.Function;
  public readonly baselineTable: dynamodb.TableV2;
  public readonly rule: events.Rule;
  /** The rule on calls that can blind or disarm layerwatch (detector-tampered). */
  public readonly tamperRule: events.Rule;
  /** What EventBridge could not deliver from the tamper rule to the handler. */
  public readonly tamperDeadLetterQueue: sqs.Queue;
  public readonly ruleDeadLetterQueue: sqs.Queue;
  public readonly failureQueue: sqs.Queue;
  public readonly alarms: cloudwatch.Alarm[];
  /** The sweep's plan (scheduled); its workers are `sweepWorkerFunction`. */
  public readonly sweepFunction: lambda.Function;
  public readonly sweepWorkerFunction: lambda.Function;
  /** Every rule of the detector (detection, schedules, remote alarm relay): verify checks each. */
  public readonly rules: events.Rule[];
  /** Regions whose events reach the detector. */
  public readonly regions: readonly string[];
  /** Where alarms and reports go. */
  public readonly operationsTopic: sns.ITopic;
  /** Regions whose heartbeat is watched (none when the heartbeat is off). */
  public readonly heartbeatRegions: readonly string[];
  /** The hourly heartbeat, unless turned off. */
  public readonly heartbeatFunction?: lambda.Function;

  constructor(scope: Construct, id: string, props: LayerWatchProps = {}) {
    super(scope, id);
    const stack = Stack.of(this);
    const state = new StateTable(this, 'State', { removalPolicy: props.baselineRemovalPolicy });
    const alerting = new Alerting(this, 'Alerting', props);
    const environment = runtimeEnvironment(props, state, alerting, stack.account);
    const regions = [...new Set([stack.region, ...(props.regions ?? [])])];
    const canaryRegions = [...new Set([stack.region, ...(props.heartbeatRegions ?? [])])];
    const targets = callTargets(props, state, alerting, regions, canaryRegions, stack);
    const logRetention = props.logRetention ?? logs.RetentionDays.ONE_YEAR;
    const reserved = props.reservedConcurrency ?? 10;
    const detector = new Detector(this, 'Detector', {
      targets,
      environment,
      logRetention,
      memorySize: props.memorySize,
      reservedConcurrency: reserved === 'none' ? undefined : reserved,
    });
    const sweep = sweepOf(this, props, { targets, environment, regions, logRetention, state });
    const tamper = new TamperWatch(this, 'TamperWatch', {
      handler: detector.handler,
      operationsTopic: alerting.operations.topic,
      alertPath: alertPathOf(stack, props, alerting),
    });
    const containment = containmentOf(this, props, { targets, state, alerting, logRetention });
    const operations = new Operations(this, 'Operations', {
      topic: alerting.operations.topic,
      handler: detector.handler,
      sweep: sweep.fn,
      sweepDeadLetterQueue: sweep.deadLetterQueue,
      containment: containment?.fn,
      deadLetterQueues: deadLetterQueuesOf(detector, tamper),
    });
    const heartbeat =
      props.heartbeat === false
        ? undefined
        : new Heartbeat(this, 'Heartbeat', {
            targets,
            regions: canaryRegions,
            handler: detector.handler,
            operationsTopic: alerting.operations.topic,
            logRetention,
          });
    new OperationsDashboard(this, 'Dashboard', { detector, sweep, tamper });
    this.alertTopic = alerting.alert.topic;
    this.handler = detector.handler;
    this.baselineTable = state.table;
    this.rule = detector.rule;
    this.ruleDeadLetterQueue = detector.ruleDeadLetterQueue;
    this.failureQueue = detector.failureQueue;
    this.alarms = [...operations.alarms, ...(heartbeat?.alarms ?? [])];
    this.heartbeatFunction = heartbeat?.fn;
    const parts = { state, alerting, detector, tamper, sweep, operations, heartbeat, containment };
    passOwnResources(props, environment, parts);
    this.tamperRule = tamper.rule;
    this.tamperDeadLetterQueue = tamper.deadLetterQueue;
    this.rules = [
      detector.rule,
      tamper.rule,
      tamper.directRule,
      sweep.schedule,
      operations.remoteAlarmRule,
      ...(heartbeat ? [heartbeat.schedule] : []),
      ...(containment ? [containment.rule] : []),
    ];
    this.regions = regions;
    this.heartbeatRegions = heartbeat ? canaryRegions : [];
    this.operationsTopic = alerting.operations.topic;
    this.sweepFunction = sweep.fn;
    this.sweepWorkerFunction = sweep.worker;
  }
}

/** The drift sweep: its plan, its queue of account/region pairs and its workers. */
function sweepOf(
  scope: Construct,
  props: LayerWatchProps,
  o: Pick<SweepConstructProps, 'targets' | 'environment' | 'logRetention'> & {
    regions: readonly string[];
    state: StateTable;
  },
): Sweep {
  return new Sweep(scope, 'Sweep', {
    targets: o.targets,
    environment: o.environment,
    accounts: props.sweep?.accounts ?? [Stack.of(scope).account],
    // `sweep.accounts` is an override: without it, organization mode sweeps every active account.
    discoverAccounts: props.organizationId !== undefined && props.sweep?.accounts === undefined,
    regions: props.sweep?.regions ?? o.regions,
    schedule: props.sweep?.schedule,
    concurrency: props.sweep?.concurrency,
    logRetention: o.logRetention,
    reserveConcurrency: (props.reservedConcurrency ?? 10) !== 'none',
    runAfter: [o.state.table, ...(props.sweep?.runAfter ?? [])],
  });
}

/** The one-click containment, when turned on: it acts on the findings in Security Hub. */
function containmentOf(
  scope: Construct,
  props: LayerWatchProps,
  parts: { targets: CallTargets; state: StateTable; alerting: Alerting; logRetention: logs.RetentionDays },
): Containment | undefined {
  if (!props.containment) return undefined;
  if (props.securityHub !== true)
    throw new Error('layerwatch: containment acts on the findings in Security Hub: turn securityHub on too');
  return new Containment(scope, 'Containment', {
    targets: parts.targets,
    alertTopicArn: parts.alerting.alert.topic.topicArn,
    tableName: parts.state.table.tableName,
    logRetention: parts.logRetention,
  });
}

/**
 * The alert path as the direct tamper rule knows it: the stack's generated names by their prefix,
 * the topics it was given by ARN, and the topics' keys by id.
 */
function alertPathOf(stack: Stack, props: LayerWatchProps, alerting: Alerting): AlertPathResources {
  if (Token.isUnresolved(stack.stackName))
    throw new Error('layerwatch: the detector stack needs a literal name (its resources are known by it)');
  const imported = [props.alertTopic, props.operationsTopic].filter((t) => t !== undefined);
  const keys = [alerting.alert.key, alerting.operations.key].filter((k) => k !== undefined);
  return {
    stackName: stack.stackName,
    importedTopicArns: [...new Set(imported.map((t) => t.topicArn))],
    keyIds: [...new Set(keys.map((k) => k.keyId))],
  };
}

/**
 * What detector-tampered must know as this deployment's own (see lib/own-resources.ts). The rules
 * that target the handler cannot be named in its environment (each would reference the other): they
 * are the stack's rules of this account and region, by the name prefix CloudFormation gives them.
 * The handler adds its own name (AWS_LAMBDA_FUNCTION_NAME).
 */
type OwnParts = Parameters<typeof ownResourcesOf>[2];

/** Tells the handler its own resources (LAYERWATCH_OWN_RESOURCES), within Lambda's 4 KB of environment. */
function passOwnResources(
  props: LayerWatchProps,
  environment: Record<string, string>,
  parts: OwnParts,
): void {
  const own = ownResourcesOf(Stack.of(parts.detector), props, parts);
  checkEnvironmentSize(environment, own);
  parts.detector.handler.addEnvironment('LAYERWATCH_OWN_RESOURCES', ownResourcesJson(parts.detector, own));
}

function ownResourcesOf(
  stack: Stack,
  props: LayerWatchProps,
  parts: {
    state: StateTable;
    alerting: Alerting;
    sweep: Sweep;
    operations: Operations;
    heartbeat?: Heartbeat;
    containment?: Containment;
    detector: Detector;
    tamper: TamperWatch;
  },
): OwnResources {
  const { state, alerting, sweep, operations, heartbeat, containment } = parts;
  // Generated names (alarms, queues, roles) start with the stack's name: one pattern, not a list
  // that could outgrow Lambda's 4 KB of environment.
  const generated = `${stack.stackName}-*`;
  const stackSet = props.organizationId ? memberStackSetName(stack.region) : null;
  // Forwarder stacks in other regions, and member stack instances, name theirs after themselves.
  const forwarders = (props.regions ?? []).some((r) => r !== stack.region);
  const others = [...(forwarders ? [FORWARDER_STACKS] : []), ...(stackSet ? [MEMBER_STACK_INSTANCES] : [])];
  return {
    rules: [
      `arn:${stack.partition}:events:${stack.region}:${stack.account}:rule/${stack.stackName}-*`,
      sweep.schedule.ruleName,
      operations.remoteAlarmRule.ruleName,
      ...(heartbeat ? [heartbeat.schedule.ruleName] : []),
      FORWARDING_RULES,
    ],
    rulePatterns: [
      ...patternDigests(
        [parts.detector.rule, parts.tamper.rule, parts.tamper.directRule, operations.remoteAlarmRule].filter(
          literalPattern,
        ),
      ),
      ...forwardingPatternDigests(),
    ],
    eventBuses: props.organizationId
      ? [`arn:${stack.partition}:events:${stack.region}:${stack.account}:event-bus/default`]
      : [],
    topics: [alerting.alert.topic.topicArn, alerting.operations.topic.topicArn],
    functions: [
      sweep.fn.functionName,
      sweep.worker.functionName,
      ...(heartbeat ? [heartbeat.fn.functionName, CANARY_FUNCTION_NAME] : []),
      ...(stackSet ? [CANARY_FUNCTION_NAME] : []),
      ...(containment ? [containment.fn.functionName] : []),
    ],
    keys: [alerting.alert.key?.keyArn, alerting.operations.key?.keyArn].filter((k): k is string => !!k),
    tables: [state.table.tableName],
    // The forwarders' and members' dead-letter alarms have a fixed prefix.
    alarms: [generated, REMOTE_ALARMS],
    queues: [generated, ...others],
    roles: [
      generated,
      ...others,
      ...(props.memberRoleName ? [props.memberRoleName] : []),
      ...(stackSet ? [memberHeartbeatRoleName('*')] : []),
    ],
    stacks: [stack.stackName, ...others, ...(stackSet ? [stackSet] : [])],
    schedules: stackSet ? [`default/${MEMBER_HEARTBEAT_SCHEDULE_NAME}`] : [],
  };
}

/**
 * Whether a rule's pattern is known at synthesis: the direct rule's names the topics' keys by
 * id, which CloudFormation resolves, so its digest cannot be computed here (a deployment that
 * changes that pattern is reported as tampering: README, Watching itself).
 */
function literalPattern(rule: events.Rule): boolean {
  const pattern = Stack.of(rule).resolve((rule.node.defaultChild as events.CfnRule).eventPattern);
  return !/"(Ref|Fn::[A-Za-z]+)"/.test(JSON.stringify(pattern));
}
