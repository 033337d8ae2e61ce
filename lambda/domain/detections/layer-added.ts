import type { Signal } from '../scoring.js';
import { type Detection, NO_MATCH, NOT_APPLICABLE, shortLayer, T1648 } from './detection.js';

export const layerAdded: Detection = {
  id: 'lambda-layer-added',
  title: 'Lambda layer added to an existing function',
  fires:
    'UpdateFunctionConfiguration whose request sets `layers` to a list containing a layer (by unversioned ARN) that the baseline did not have; with no baseline, every layer in the new list counts as added.',
  baseScore: 50,
  baseReason: 'a layer was attached to an existing function: its code runs with the function role (base 50)',
  falsePositives: [
    'Deployments that add a layer on purpose (CloudFormation, CDK, Terraform, SAM, Serverless Framework).',
    'The first configuration change of a function seen before any baseline exists (the finding says baseline unknown).',
  ],
  references: [
    'https://attack.mitre.org/techniques/T1648/',
    'https://stratus-red-team.cloud/attack-techniques/AWS/aws.persistence.lambda-layer-extension/',
    'https://docs.aws.amazon.com/lambda/latest/api/API_UpdateFunctionConfiguration.html',
  ],
  mitre: [T1648],
  scoring: { actor: true, provenance: true },
  evaluate({ event, change }) {
    if (
      event.kind !== 'UpdateFunctionConfiguration' ||
      !change ||
      !change.requested ||
      change.after === null
    ) {
      return NOT_APPLICABLE;
    }
    const added = change.diff ? change.diff.added : change.after;
    const first = added[0];
    if (first === undefined) return NO_MATCH;
    const signals: Signal[] = [];
    if (change.before === null) {
      signals.push({
        id: 'baseline-unknown',
        points: -5,
        reason: 'no baseline was known for this function: the layer may have been attached before',
      });
    }
    const more = added.length > 1 ? ` (+${added.length - 1} more)` : '';
    return {
      status: 'match',
      evidence: {
        title: `Layer ${shortLayer(first)}${more} added to ${event.fn.name}`,
        layerArn: first,
        subjects: added,
        signals,
      },
    };
  },
};
