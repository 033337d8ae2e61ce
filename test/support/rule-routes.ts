/**
 * Where an EventBridge event goes in a deployment: every rule of every template, placed where it is
 * deployed, its pattern and targets resolved as CloudFormation would; an event put on the default bus
 * of an account and region is matched by the rules there, and a rule that targets another bus (a
 * forwarding rule) carries it on to the rules of that bus, unchanged, as EventBridge does. A route
 * ends at a function (the handler) or a topic: a place that reaches a person.
 */
import { resourcesOfType, TemplateResolver } from './cfn-resolver.js';
import type { Placement, SynthesizedDeployment, SynthesizedStack } from './deployments.js';
import { matchesPattern } from './event-pattern.js';
import type { Rec } from './records.js';

export type DestinationKind = 'function' | 'topic' | 'bus' | 'other';

export interface Destination {
  readonly kind: DestinationKind;
  readonly arn: string;
}

export interface DeployedRule {
  /** `<stack> <account>/<region> / <logical id>` */
  readonly label: string;
  readonly stack: SynthesizedStack;
  readonly logicalId: string;
  readonly placement: Placement;
  /** The rule's name, as CloudTrail records name it in DisableRule, PutTargets... */
  readonly name: string;
  readonly pattern?: Record<string, unknown>;
  readonly destinations: readonly Destination[];
}

export interface Route {
  /** The rules the event went through, first to last. */
  readonly via: readonly DeployedRule[];
  readonly end: Destination;
}

/** The name CloudFormation gives a stack of this template (generated resource names start with it). */
export function stackNameOf(stack: SynthesizedStack, placement: Placement): string {
  if (stack.role === 'detector') return 'LayerWatch';
  if (stack.role === 'forwarder') return `LayerWatchForwarder-${placement.region}`;
  return `StackSet-layerwatch-member-${placement.region}-0000`;
}

function kindOf(arn: string): DestinationKind {
  if (arn.includes(':event-bus/')) return 'bus';
  if (/^arn:[^:]+:lambda:/.test(arn)) return 'function';
  if (/^arn:[^:]+:sns:/.test(arn)) return 'topic';
  return 'other';
}

/** Every rule of every template, at every place the template is deployed. */
export function deployedRules(d: SynthesizedDeployment): DeployedRule[] {
  return d.stacks.flatMap((stack) =>
    stack.placements.flatMap((placement) => {
      const r = new TemplateResolver(stack.template, placement, stackNameOf(stack, placement));
      return resourcesOfType(stack.template, 'AWS::Events::Rule').map(([id, rule]): DeployedRule => {
        const p = rule.Properties ?? {};
        const targets = (p.Targets as { Arn: unknown }[] | undefined) ?? [];
        return {
          label: `${stack.name} ${placement.account}/${placement.region} / ${id}`,
          stack,
          logicalId: id,
          placement,
          name: r.ref(id),
          pattern:
            p.EventPattern === undefined ? undefined : (r.resolve(p.EventPattern) as Record<string, unknown>),
          destinations: targets.map((t) => {
            const arn = r.text(t.Arn);
            return { kind: kindOf(arn), arn };
          }),
        };
      });
    }),
  );
}

function busPlacement(arn: string): Placement {
  const [, , , region = '', account = ''] = arn.split(':');
  return { account, region };
}

/**
 * Every route of `event` put on the default bus at `at`. `matches` decides whether a rule matches
 * (the pattern matcher of the unit tests by default; the moto suite passes what EventBridge did).
 */
export function routesOf(
  rules: readonly DeployedRule[],
  event: Rec,
  at: Placement,
  matches: (rule: DeployedRule, event: Rec) => boolean = (rule, e) =>
    rule.pattern !== undefined && matchesPattern(rule.pattern, e),
  via: readonly DeployedRule[] = [],
): Route[] {
  const here = rules.filter(
    (r) => r.placement.account === at.account && r.placement.region === at.region && matches(r, event),
  );
  return here.flatMap((rule) =>
    rule.destinations.flatMap((end): Route[] => {
      if (end.kind !== 'bus') return [{ via: [...via, rule], end }];
      // A bus that carries an event back to a rule it went through would loop: EventBridge stops it.
      if (via.includes(rule)) return [];
      return routesOf(rules, event, busPlacement(end.arn), matches, [...via, rule]);
    }),
  );
}

/** Whether a route ends where a person hears of it: the detector's handler, or a topic. */
export function reachesPerson(route: Route): boolean {
  return (
    route.end.kind === 'topic' || (route.end.kind === 'function' && /DetectorHandler/.test(route.end.arn))
  );
}
