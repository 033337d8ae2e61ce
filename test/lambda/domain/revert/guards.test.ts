import { CANARY_FUNCTION_NAME } from '../../../../lambda/domain/heartbeat.js';
import {
  capRefusal,
  guard,
  isOwnFunction,
  OWN_STACK_PREFIXES,
} from '../../../../lambda/domain/revert/guards.js';
import { planFunction } from '../../../../lambda/domain/revert/plan.js';
import { FORWARDER_STACKS, MEMBER_STACK_INSTANCES } from '../../../../lib/own-resources.js';
import { request, snapshot } from './fixtures.js';

describe('isOwnFunction', () => {
  it.each([
    ['the detector stack by its tag', 'pay', 'LayerWatch', true],
    ['a name CloudFormation generated from the detector stack', 'LayerWatch-Handler886CB40B-AbC', null, true],
    ['a forwarder stack', 'x', 'LayerWatchForwarder-eu-west-1', true],
    ['a member StackSet instance', 'x', 'StackSet-layerwatch-member-eu-west-1-1a2b', true],
    ['the canary', CANARY_FUNCTION_NAME, null, true],
    ['another stack', 'pay', 'payments-prod', false],
    ['a name that only starts like the stack', 'LayerWatchdog', 'LayerWatchdog', false],
    ['no stack', 'pay', null, false],
  ])('%s', (_name, name, stackName, own) => {
    expect(isOwnFunction({ name, stackName }, 'LayerWatch')).toBe(own);
  });

  it("knows another detector stack's name from --stack", () => {
    expect(isOwnFunction({ name: 'x', stackName: 'SecurityLayerWatch' }, 'SecurityLayerWatch')).toBe(true);
    expect(isOwnFunction({ name: 'x', stackName: 'SecurityLayerWatch' }, 'LayerWatch')).toBe(false);
  });

  it('holds the stack prefixes to the ones the deployment names its stacks with (lib/own-resources.ts)', () => {
    expect([...OWN_STACK_PREFIXES].sort()).toEqual(
      [FORWARDER_STACKS, MEMBER_STACK_INSTANCES].map((p) => p.replace(/\*$/, '')).sort(),
    );
  });
});

describe('guard', () => {
  const plan = (change = {}) =>
    planFunction(snapshot(change), request(), { throttle: false, qualifier: null });

  it.each([
    ['a function of no stack', {}, false, null],
    ['a stack-managed function', { stackName: 'payments-prod' }, false, 'stack-managed'],
    ['a stack-managed function, --force', { stackName: 'payments-prod' }, true, null],
    ["layerwatch's own function, --force", { stackName: 'LayerWatch' }, true, 'own-function'],
  ])('%s', (_name, change, force, refused) => {
    expect(guard(plan(change), { stack: 'LayerWatch', force }).refusal?.guard ?? null).toBe(refused);
  });

  it("gives a stack-managed function its stack's drift revert, forced or not", () => {
    const steps = guard(plan({ stackName: 'payments-prod' }), {
      stack: 'LayerWatch',
      force: true,
    }).stackSteps;
    expect(steps.join('\n')).toContain(
      'aws cloudformation create-change-set --stack-name payments-prod --change-set-name layerwatch-revert-drift --region eu-west-1 --use-previous-template --deployment-mode REVERT_DRIFT',
    );
    expect(steps.join('\n')).toContain('cdk deploy --revert-drift');
  });

  it('quotes a stack name that a shell would read otherwise', () => {
    const steps = guard(plan({ stackName: "a'b;rm" }), { stack: 'LayerWatch', force: false }).stackSteps;
    expect(steps[1]).toContain(`--stack-name 'a'\\''b;rm'`);
  });
});

describe('capRefusal', () => {
  const plans = (n: number) =>
    Array.from({ length: n }, () =>
      guard(planFunction(snapshot(), request(), { throttle: false, qualifier: null }), {
        stack: 'LayerWatch',
        force: false,
      }),
    );

  it.each([
    [5, 5, false],
    [6, 5, true],
    [2, 1, true],
  ])('%d functions against a cap of %d: refused %s', (n, max, refused) => {
    expect(capRefusal(plans(n), max) !== null).toBe(refused);
  });
});
