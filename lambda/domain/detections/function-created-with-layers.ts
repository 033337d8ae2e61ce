import { type Detection, NO_MATCH, NOT_APPLICABLE, shortLayer, T1648 } from './detection.js';

export const functionCreatedWithLayers: Detection = {
  id: 'lambda-function-created-with-layers',
  title: 'Lambda function created with layers',
  fires: 'CreateFunction whose request or response lists at least one layer.',
  baseScore: 25,
  baseReason: 'a new function runs layer code from the start (base 25)',
  falsePositives: ['Every deployment of a function that uses layers; suppress known deploy roles.'],
  references: ['https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html'],
  mitre: [T1648],
  scoring: { actor: true, provenance: true },
  evaluate({ event, change }) {
    if (event.kind !== 'CreateFunction' || !change || change.after === null) return NOT_APPLICABLE;
    const first = change.after[0];
    if (first === undefined) return NO_MATCH;
    const more = change.after.length > 1 ? ` (+${change.after.length - 1} more)` : '';
    return {
      status: 'match',
      evidence: {
        title: `Function ${event.fn.name} created with layer ${shortLayer(first)}${more}`,
        layerArn: first,
        subjects: change.after,
        signals: [],
      },
    };
  },
};
