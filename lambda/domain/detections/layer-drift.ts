import { hasChanges } from '../layers.js';
import { type Detection, NO_MATCH, NOT_APPLICABLE, T1648 } from './detection.js';

export const layerDrift: Detection = {
  id: 'lambda-layer-drift',
  title: 'Lambda layer list changed without a matching event',
  fires:
    'A function event whose request does not touch `layers`, while its response shows a layer list that differs from the known baseline: a change happened that no event seen so far explains.',
  baseScore: 45,
  baseReason: 'the layer list differs from the baseline although no event seen changed it (base 45)',
  falsePositives: [
    'A layer change whose CloudTrail event was not delivered to the detector (delivery is best effort) or arrived later.',
  ],
  references: ['https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-concepts.html'],
  mitre: [T1648],
  scoring: { actor: false, provenance: true },
  evaluate({ event, change }) {
    if (event.kind !== 'UpdateFunctionConfiguration' || !change || change.requested) return NOT_APPLICABLE;
    if (!change.diff || !hasChanges(change.diff)) return NO_MATCH;
    return {
      status: 'match',
      evidence: {
        title: `Layers of ${event.fn.name} changed outside any seen event`,
        layerArn: change.diff.added[0] ?? change.diff.versionChanged[0]?.to ?? null,
        subjects: [...change.diff.added, ...change.diff.versionChanged.map((v) => v.to)],
        signals: [],
      },
    };
  },
};
