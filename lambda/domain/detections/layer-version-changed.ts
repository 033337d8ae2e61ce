import { type Detection, NO_MATCH, NOT_APPLICABLE, shortLayer, T1648 } from './detection.js';

export const layerVersionChanged: Detection = {
  id: 'lambda-layer-version-changed',
  title: 'Lambda layer version changed on a function',
  fires:
    'UpdateFunctionConfiguration whose request keeps every layer the baseline had (by unversioned ARN) but points at least one of them to another version, and adds none.',
  baseScore: 15,
  baseReason: 'a layer the function already used now runs another version (base 15)',
  falsePositives: ['Routine dependency upgrades shipped as a new layer version by the layer owner.'],
  references: ['https://docs.aws.amazon.com/lambda/latest/dg/adding-layers.html'],
  mitre: [T1648],
  scoring: { actor: true, provenance: false },
  evaluate({ event, change }) {
    if (event.kind !== 'UpdateFunctionConfiguration' || !change?.requested || !change.diff)
      return NOT_APPLICABLE;
    const { added, versionChanged } = change.diff;
    const first = versionChanged[0];
    if (added.length > 0 || first === undefined) return NO_MATCH;
    return {
      status: 'match',
      evidence: {
        title: `Layer ${shortLayer(first.from)} -> ${shortLayer(first.to)} on ${event.fn.name}`,
        layerArn: first.to,
        subjects: versionChanged.map((v) => v.to),
        signals: [
          {
            id: 'same-layer-new-version',
            points: 0,
            maxScore: 39,
            reason:
              'same layer, same owner: at most low unless a recent publication by the same principal raises it',
          },
        ],
      },
    };
  },
};
