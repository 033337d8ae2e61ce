/**
 * The rules watch each other: in every template of every mode, a call that disables, deletes,
 * re-targets or re-patterns a layerwatch rule, written as EventBridge delivers CloudTrail's record of
 * it, is matched by another rule of the same account and region, and reaches a person (the handler,
 * or a topic), directly or through the detector's bus. No path tells it twice.
 */
import { allDeployments } from '../support/deployments.js';
import { asEvent } from '../support/event-corpus.js';
import type { Rec } from '../support/records.js';
import {
  type DeployedRule,
  deployedRules,
  type Route,
  reachesPerson,
  routesOf,
} from '../support/rule-routes.js';
import { call } from '../support/tamper-records.js';
import { RULE_CALLS } from '../support/watched-calls.js';

function ruleCall(rule: DeployedRule, eventName: string, parameters: Rec) {
  return asEvent(
    call('events', eventName, parameters, null, {
      awsRegion: rule.placement.region,
      recipientAccountId: rule.placement.account,
    }),
  );
}

const describeRoute = (r: Route) => `${r.via.map((v) => v.label).join(' -> ')} => ${r.end.kind} ${r.end.arn}`;

describe.each(allDeployments().map((d) => [d.name, d] as const))('mode %s', (_name, d) => {
  const rules = deployedRules(d);
  // One place per template is enough: every instance of a template holds the same rules.
  const firstPlaced = rules.filter((r) => r.placement === r.stack.placements[0]);
  const cases = firstPlaced.flatMap((rule) =>
    RULE_CALLS.map(
      ([eventName, parameters]) => [`${rule.label}: ${eventName}`, rule, eventName, parameters] as const,
    ),
  );

  it.each(cases)('%s is told by another rule, once on each path', (_label, rule, eventName, parameters) => {
    const event = ruleCall(rule, eventName, parameters(rule.name));
    const routes = routesOf(rules, event, rule.placement);
    const told = routes.filter((r) => !r.via.includes(rule) && reachesPerson(r));
    expect(told.map(describeRoute)).not.toEqual([]);
    // Each place that reaches a person hears of the call once (the rule itself included, when it
    // still matches after the call: a rule re-targeted to a second target keeps its first).
    const ends = routes.filter(reachesPerson).map((r) => r.end.arn);
    expect(ends.filter((arn, i) => ends.indexOf(arn) !== i)).toEqual([]);
  });

  it("keeps every pattern within EventBridge's default quota (2048 characters)", () => {
    const long = rules
      .filter((r) => r.pattern !== undefined && JSON.stringify(r.pattern).length > 2048)
      .map((r) => `${r.label}: ${JSON.stringify(r.pattern).length}`);
    expect(long).toEqual([]);
  });

  it('has no rule whose only route to a person goes through itself', () => {
    // Every rule is in the cases above; this checks the cases cover every rule of every template.
    const labels = new Set(cases.map(([, rule]) => rule.label));
    expect(labels.size).toBe(firstPlaced.length);
    expect(firstPlaced.length).toBeGreaterThanOrEqual(5);
  });
});
