import { App, CfnOutput, Fn, Stack, type StackProps, Token } from 'aws-cdk-lib';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { GLOBAL_TAMPER_SERVICES, type TamperService } from '../lambda/domain/model.js';
import { Canary } from './constructs/heartbeat.js';
import { ForwardingRule } from './forwarding-rule.js';
import { patternDigests } from './own-resources.js';

/** Where CloudTrail delivers the events of global services (IAM) to EventBridge. */
export const GLOBAL_EVENTS_REGION = 'us-east-1';

/**
 * What the stack of global services forwards from us-east-1: the global services' watched calls,
 * which reach EventBridge there only; CloudTrail's (a trail homed in us-east-1 logs its StopLogging
 * there only); and the calls on its own rules, queue, alarm and stack.
 */
export const GLOBAL_FORWARDED_SERVICES: readonly TamperService[] = [
  ...GLOBAL_TAMPER_SERVICES,
  'cloudtrail',
  'events',
  'sqs',
  'cloudwatch',
  'cloudformation',
];

/** The forwarding of the stack of global services (rule names qualified, beside a member stack's). */
const GLOBAL_FORWARDING = {
  layerEvents: false,
  tamperServices: GLOBAL_FORWARDED_SERVICES,
  nameQualifier: 'global-',
} as const;

/**
 * The digests of the forwarding rules' patterns, in every coverage (forwarder, member, global
 * services), rendered as CloudFormation receives them, so that the handler tells a redeployment
 * of a forwarding rule from a replaced pattern. The relay's pattern names its alarm, so it has none.
 */
export function forwardingPatternDigests(): string[] {
  // Never synthesized: under the CDK CLI an App writes its assembly when the process ends unless
  // told not to, and this one would replace the deployment's own manifest (`cdk ls` would list it
  // alone).
  const stack = new Stack(new App({ autoSynth: false }), 'ForwardingPatterns');
  const centralBus = events.EventBus.fromEventBusName(stack, 'Bus', 'default');
  return patternDigests(
    [
      new ForwardingRule(stack, 'Region', { centralBus, description: '' }),
      new ForwardingRule(stack, 'Global', { centralBus, description: '', ...GLOBAL_FORWARDING }),
    ].flatMap((f) => [...(f.rule ? [f.rule] : []), f.tamperRule, f.guardRule]),
  );
}

/**
 * The region that needs a stack of global services in the detector's account: us-east-1, unless the
 * detector lives there or a forwarder of every service does. Undefined when it is not needed, or when
 * the home region is not known (environment-agnostic synthesis: see composeDeployment).
 */
export function globalServicesRegion(
  homeRegion: string,
  forwarderRegions: readonly string[],
): string | undefined {
  if (Token.isUnresolved(homeRegion)) return undefined;
  return homeRegion === GLOBAL_EVENTS_REGION || forwarderRegions.includes(GLOBAL_EVENTS_REGION)
    ? undefined
    : GLOBAL_EVENTS_REGION;
}

export interface LayerWatchForwarderProps extends StackProps {
  /** The detector's account: its default bus, in its home region, receives the events. */
  readonly centralAccount: string;
  /** The detector's home region. */
  readonly centralRegion: string;
  /**
   * A topic in this region for the forwarder's dead-letter alarm (alarm actions are regional).
   * @default - the alarm is visible in this region's CloudWatch console only
   */
  readonly alarmTopicArn?: string;
  /**
   * Create this region's heartbeat canary (the detector's heartbeat changes it every hour).
   * @default true
   */
  readonly heartbeat?: boolean;
  /** @default logs.RetentionDays.ONE_YEAR */
  readonly logRetention?: logs.RetentionDays;
  /**
   * `region`: this region's Lambda layer events and every watched call. `global-services`: in
   * us-east-1 of the detector's account only, the calls of GLOBAL_FORWARDED_SERVICES (no layer
   * events, no canary), for a detector homed elsewhere.
   * @default 'region'
   */
  readonly coverage?: 'region' | 'global-services';
}

/**
 * One per extra region (or member account): CloudTrail delivers Lambda events to the default bus
 * of the region and account where the call happened, so each forwards the same pattern to the
 * detector's bus. What cannot be forwarded lands in a dead-letter queue that raises an alarm.
 */
export class LayerWatchForwarderStack extends Stack {
  public readonly forwarding: ForwardingRule;

  constructor(scope: Construct, id: string, props: LayerWatchForwarderProps) {
    super(scope, id, props);
    const global = props.coverage === 'global-services';
    this.forwarding = new ForwardingRule(this, 'Forward', {
      centralBus: events.EventBus.fromEventBusArn(
        this,
        'CentralBus',
        `arn:${this.partition}:events:${props.centralRegion}:${props.centralAccount}:event-bus/default`,
      ),
      description: 'layerwatch: forward Lambda layer events to the detector bus',
      ...(global ? GLOBAL_FORWARDING : {}),
    });
    new CfnOutput(this, 'RuleNames', {
      value: Fn.join(
        ',',
        this.forwarding.rules.map((r) => r.ruleName),
      ),
    });
    new CfnOutput(this, 'DeadLetterQueueUrl', { value: this.forwarding.deadLetterQueue.queueUrl });
    if (props.heartbeat !== false && !global) {
      new Canary(this, 'Canary', { logRetention: props.logRetention ?? logs.RetentionDays.ONE_YEAR });
    }
    if (props.alarmTopicArn) {
      this.forwarding.alarm.addAlarmAction(
        new cwActions.SnsAction(sns.Topic.fromTopicArn(this, 'AlarmTopic', props.alarmTopicArn)),
      );
    }
  }
}
