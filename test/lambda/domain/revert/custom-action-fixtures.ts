/** The containment's custom action event and a layerwatch finding in it, as Security Hub sends them. */
import { CUSTOM_ACTION_DETAIL_TYPE } from '../../../../lambda/domain/revert/custom-action.js';
import { ARN, DEPS, EVIL } from './fixtures.js';

export const ACTION_ARN = 'arn:aws:securityhub:eu-west-1:111122223333:action/custom/LayerwatchRevert';
const PRODUCT = 'arn:aws:securityhub:eu-west-1:111122223333:product/111122223333/default';

/** A layerwatch finding as Security Hub hands it to the custom action (ASFF, as renderAsff writes it). */
export function asffFinding(change: Record<string, unknown> = {}, fields: Record<string, string> = {}) {
  return {
    Id: 'layerwatch/lambda-layer-added/f1',
    ProductArn: PRODUCT,
    GeneratorId: 'layerwatch/lambda-layer-added',
    Resources: [
      { Type: 'AwsLambdaFunction', Id: ARN, Partition: 'aws', Region: 'eu-west-1' },
      { Type: 'AwsLambdaLayerVersion', Id: EVIL, Partition: 'aws', Region: 'eu-west-1' },
    ],
    ProductFields: {
      'layerwatch/FindingId': 'f1',
      'layerwatch/EventTime': '2026-03-14T09:00:00Z',
      'layerwatch/LayersBefore': DEPS,
      'layerwatch/LayersAfter': `${DEPS} ${EVIL}`,
      'layerwatch/LayersAdded': EVIL,
      ...fields,
    },
    ...change,
  };
}

export function customActionEvent(findings: unknown[], change: Record<string, unknown> = {}) {
  return {
    version: '0',
    id: 'e-1',
    'detail-type': CUSTOM_ACTION_DETAIL_TYPE,
    source: 'aws.securityhub',
    account: '111122223333',
    time: '2026-03-14T10:00:00Z',
    region: 'eu-west-1',
    resources: [ACTION_ARN],
    detail: { actionName: 'layerwatch revert', actionDescription: 'x', findings },
    ...change,
  };
}
