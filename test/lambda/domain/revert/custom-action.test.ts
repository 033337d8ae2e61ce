import type { Baseline } from '../../../../lambda/domain/baseline.js';
import { confirmRequest, requestsOfCustomAction } from '../../../../lambda/domain/revert/custom-action.js';
import { ACTION_ARN, asffFinding, customActionEvent } from './custom-action-fixtures.js';
import { ARN, DEPS, EVIL, layer, request } from './fixtures.js';

describe('requestsOfCustomAction', () => {
  it('takes the function, the layers added and the time from a layerwatch finding, and says who asked', () => {
    const out = requestsOfCustomAction(customActionEvent([asffFinding()]), ACTION_ARN, 'aws');
    expect(out).toEqual({
      asker: expect.objectContaining({
        eventId: 'e-1',
        actionArn: ACTION_ARN,
        actionName: 'layerwatch revert',
      }),
      requests: [
        { functionArn: ARN, subjects: [EVIL], before: null, since: '2026-03-14T09:00:00Z', findingId: 'f1' },
      ],
      skipped: [],
    });
  });

  it.each([
    [
      'another detail type',
      { 'detail-type': 'Security Hub Findings - Imported' },
      /not a Security Hub custom action/,
    ],
    ['another source', { source: 'layerwatch' }, /not a Security Hub custom action/],
    ['another custom action', { resources: [`${ACTION_ARN}x`] }, /not the containment's custom action/],
  ])('refuses %s', (_, change, why) => {
    expect(requestsOfCustomAction(customActionEvent([asffFinding()], change), ACTION_ARN, 'aws')).toMatch(
      why,
    );
  });

  it.each([
    [
      'of another product',
      asffFinding({ ProductArn: 'arn:aws:securityhub:eu-west-1::product/aws/guardduty' }),
      /not a layerwatch finding/,
    ],
    ['of another generator', asffFinding({ GeneratorId: 'someone-else' }), /not a layerwatch finding/],
    ['naming no function', asffFinding({ Resources: [] }), /names no function/],
    [
      'naming no layer added',
      asffFinding({}, { 'layerwatch/LayersAdded': '', 'layerwatch/LayersAfter': DEPS }),
      /no layer version added/,
    ],
    [
      'cut short in Security Hub',
      asffFinding({}, { 'layerwatch/Truncated': 'ProductFields.layerwatch/LayersAdded' }),
      /shortened copy/,
    ],
    ['without a time', asffFinding({}, { 'layerwatch/EventTime': 'soon' }), /no event time/],
  ])('skips a finding %s, with why', (_, finding, why) => {
    const out = requestsOfCustomAction(customActionEvent([finding]), ACTION_ARN, 'aws');
    if (typeof out === 'string') throw new Error(out);
    expect(out.requests).toEqual([]);
    expect(out.skipped).toEqual([expect.stringMatching(why)]);
  });

  it('takes a version change (a layer of LayersAfter not in LayersBefore) as a layer to take off', () => {
    const newer = layer('deps', 4);
    const f = asffFinding({}, { 'layerwatch/LayersAdded': '', 'layerwatch/LayersAfter': `${newer} ${EVIL}` });
    const out = requestsOfCustomAction(customActionEvent([f]), ACTION_ARN, 'aws');
    if (typeof out === 'string') throw new Error(out);
    expect(out.requests[0]?.subjects).toEqual([newer, EVIL]);
  });
});

describe('confirmRequest', () => {
  const state = (eventTime: string, layers: string[]) => ({
    eventTime,
    eventId: eventTime,
    layers,
    source: 'event' as const,
  });
  const baseline = (states: Baseline['states']): Baseline => ({ functionArn: ARN, states, truncated: false });
  const attacked = baseline([
    state('2026-03-01T00:00:00Z', [DEPS]),
    state('2026-03-14T09:00:00Z', [DEPS, EVIL]),
  ]);

  it("keeps the layers the baseline shows added at the finding's time, and the baseline's layers before", () => {
    expect(confirmRequest(request({ before: null }), attacked)).toEqual(request({ before: [DEPS] }));
  });

  it('takes off only what both the finding and the baseline name', () => {
    const other = layer('other', 1);
    expect(confirmRequest(request({ subjects: [EVIL, other] }), attacked)).toEqual(
      request({ subjects: [EVIL] }),
    );
  });

  it.each([
    ['no baseline', null, /holds no baseline/],
    [
      'a baseline without the layer',
      baseline([state('2026-03-01T00:00:00Z', [DEPS])]),
      /shows no layer added/,
    ],
    [
      'a baseline with the layer added by another',
      baseline([state('2026-03-01T00:00:00Z', [DEPS]), state('2026-03-14T09:00:00Z', [DEPS, layer('x', 1)])]),
      /does not show/,
    ],
  ])('confirms nothing with %s', (_, b, why) => {
    expect(confirmRequest(request(), b)).toMatch(why);
  });
});
