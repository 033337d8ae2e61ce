import { type Detection, NOT_APPLICABLE, T1648 } from './detection.js';

export const layerVersionPublished: Detection = {
  id: 'lambda-layer-version-published',
  title: 'Lambda layer version published',
  fires: 'A successful PublishLayerVersion.',
  baseScore: 10,
  baseReason: 'a layer version was published: it runs nowhere until a function attaches it (base 10)',
  falsePositives: ['Every release of an internal layer.'],
  references: ['https://docs.aws.amazon.com/lambda/latest/api/API_PublishLayerVersion.html'],
  mitre: [T1648],
  scoring: { actor: true, provenance: false },
  evaluate({ event }) {
    if (event.kind !== 'PublishLayerVersion') return NOT_APPLICABLE;
    return {
      status: 'match',
      evidence: {
        title: `Layer version ${event.layer.name}:${event.layer.version ?? '?'} published`,
        layerArn: event.layer.versionArn,
        subjects: [],
        signals: [],
      },
    };
  },
};
