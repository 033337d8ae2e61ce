/** The handler and a refused attach: one alert naming who tried which layer, and nothing recorded. */
import { findingOf, handlerWith } from '../support/builders.js';
import {
  createFunction,
  denied,
  envelope,
  functionArn,
  identities,
  layerArn,
  OTHER_ACCOUNT,
  updateFunctionConfiguration,
} from '../support/records.js';
import { expectValidFinding } from '../support/schema.js';

const deps = layerArn('deps', 3);
const evil = layerArn('ext', 1, OTHER_ACCOUNT);

describe('handler, a refused attach', () => {
  it('publishes lambda-layer-attach-denied with its posture, and leaves the baseline as it was', async () => {
    const s = handlerWith({
      live: (fn) => ({ status: 'ok', layers: [deps], runtime: 'python3.12', role: `${fn.arn}-role` }),
    });
    await s.handler(
      envelope(createFunction('orders', { layers: [deps], identity: identities.deployRole() })),
    );
    s.publisher.published.length = 0;
    const result = await s.handler(
      envelope(
        denied(
          updateFunctionConfiguration('orders', { layers: [deps, evil], identity: identities.iamUser() }),
        ),
      ),
    );
    expect(result).toMatchObject({ outcome: 'published', detectionId: 'lambda-layer-attach-denied' });
    const finding = findingOf(s.publisher.published[0]);
    expectValidFinding(finding);
    expect(finding).toMatchObject({
      title: 'Attach of ext:1 to orders refused (explicit deny in a service control policy)',
      actor: { arn: 'arn:aws:iam::111122223333:user/mallory' },
      layer: { versionArn: evil },
      posture: { guardrail: { verdict: 'refused', refusedLayers: [evil] } },
    });
    expect(s.baselines.items.get(functionArn('orders'))?.states.map((st) => st.layers)).toEqual([[deps]]);
  });
});
