import type { Signal } from '../scoring.js';
import { type Detection, NOT_APPLICABLE, T1648 } from './detection.js';

export const layerShared: Detection = {
  id: 'lambda-layer-shared',
  title: 'Lambda layer version shared',
  fires:
    'A successful AddLayerVersionPermission: another account, an organization, or everyone (`*` without an organization id: public) may now use the layer version.',
  baseScore: 30,
  baseReason: 'a layer version was shared beyond its account (base 30)',
  falsePositives: ['Layers published on purpose for other accounts of the organization.'],
  references: ['https://docs.aws.amazon.com/lambda/latest/api/API_AddLayerVersionPermission.html'],
  mitre: [T1648],
  scoring: { actor: true, provenance: false },
  evaluate({ event }) {
    if (event.kind !== 'AddLayerVersionPermission') return NOT_APPLICABLE;
    const { permission, layer } = event;
    const signals: Signal[] = [];
    let audience: string;
    if (permission.public) {
      audience = 'everyone (public)';
      signals.push({
        id: 'share-public',
        points: 40,
        minScore: 60,
        reason: 'shared with every AWS account (principal *, no organization): at least high',
      });
    } else if (permission.principal === '*') {
      audience = `organization ${permission.organizationId}`;
      signals.push({
        id: 'share-organization',
        points: 0,
        reason: 'shared with the accounts of an organization',
      });
    } else if (permission.account !== layer.account) {
      audience = `account ${permission.principal}`;
      signals.push({
        id: 'share-external-account',
        points: 15,
        minScore: 40,
        reason: `shared with another account (${permission.principal}): at least medium`,
      });
    } else {
      audience = 'its own account';
      signals.push({ id: 'share-own-account', points: -20, reason: 'shared with its own account' });
    }
    return {
      status: 'match',
      evidence: {
        title: `Layer ${layer.name}:${layer.version ?? '?'} shared with ${audience}`,
        layerArn: layer.versionArn ?? layer.layerArn,
        subjects: [],
        signals,
      },
    };
  },
};
