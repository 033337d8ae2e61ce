import { type Detection, NO_MATCH, NOT_APPLICABLE, shortLayer, T1648 } from './detection.js';

export const layerRemoved: Detection = {
  id: 'lambda-layer-removed',
  title: 'Lambda layer removed from a function',
  fires:
    'UpdateFunctionConfiguration whose request drops a layer the baseline had, and neither adds a layer nor changes a version.',
  baseScore: 10,
  baseReason: 'a layer was detached: nothing new runs, but an attacker may be cleaning up (base 10)',
  falsePositives: ['Deployments that drop a dependency layer.'],
  references: ['https://docs.aws.amazon.com/lambda/latest/dg/adding-layers.html'],
  mitre: [T1648],
  scoring: { actor: false, provenance: false },
  evaluate({ event, change }) {
    if (event.kind !== 'UpdateFunctionConfiguration' || !change?.requested || !change.diff)
      return NOT_APPLICABLE;
    const { added, versionChanged, removed } = change.diff;
    const first = removed[0];
    if (added.length > 0 || versionChanged.length > 0 || first === undefined) return NO_MATCH;
    const more = removed.length > 1 ? ` (+${removed.length - 1} more)` : '';
    return {
      status: 'match',
      evidence: {
        title: `Layer ${shortLayer(first)}${more} removed from ${event.fn.name}`,
        layerArn: first,
        subjects: [],
        signals: [],
      },
    };
  },
};
