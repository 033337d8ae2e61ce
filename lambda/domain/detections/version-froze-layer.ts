import { publicationOf, qualifierFunctionOf } from '../model.js';
import { attachOf } from '../qualifier-view.js';
import { previousVersion } from '../qualifiers.js';
import type { Signal } from '../scoring.js';
import { type Detection, NO_MATCH, NOT_APPLICABLE, shortLayer, T1648 } from './detection.js';

/**
 * A published version is immutable: the layers it freezes run for every caller of that version (an
 * alias, an event source mapping, a function URL on a qualifier) until nothing routes to it, whatever
 * happens to `$LATEST` afterwards. Compared with the previous published version, else with
 * `$LATEST` before the change that attached each layer.
 */
export const versionFrozeLayer: Detection = {
  id: 'lambda-version-published-with-layer',
  title: 'Lambda version published with a layer its predecessor did not run',
  fires:
    'PublishVersion (or CreateFunction / UpdateFunctionCode with `publish: true`) whose version runs a layer version that the previous published version did not run; with no previous version known, a layer that `$LATEST` did not have before the change that attached it; with nothing known of the function, every layer of the version.',
  baseScore: 50,
  baseReason:
    'a layer was frozen into a published version: its code runs for every caller of that version, and removing it from $LATEST does not remove it there (base 50)',
  falsePositives: [
    'Deployments that publish a version after adding a layer on purpose (SAM, CDK, Serverless Framework publish on every deploy).',
    'The first version of a function seen before any baseline exists (the finding says baseline unknown).',
  ],
  references: [
    'https://docs.aws.amazon.com/lambda/latest/dg/configuration-versions.html',
    'https://docs.aws.amazon.com/lambda/latest/api/API_PublishVersion.html',
  ],
  mitre: [T1648],
  scoring: { actor: true, provenance: true },
  evaluate({ event, qualifiers }) {
    const publication = publicationOf(event);
    const version = qualifiers?.update?.version;
    if (!publication || !qualifiers || !version) return NOT_APPLICABLE;
    const previous = previousVersion(qualifiers.state, version.version);
    const signals: Signal[] = [];
    const related: string[] = [];
    let frozen: string[];
    if (previous) frozen = version.layers.filter((l) => !previous.layers.includes(l));
    else if (qualifiers.latest.length > 0) {
      frozen = version.layers.filter((l) => {
        const attach = attachOf(qualifiers.latest, (layers) => layers.includes(l));
        return attach === null || attach.before !== null;
      });
    } else {
      frozen = [...version.layers];
      signals.push({
        id: 'baseline-unknown',
        points: -5,
        reason: 'nothing was known of this function before: the layer may have run in earlier versions',
      });
    }
    const first = frozen[0];
    if (first === undefined) return NO_MATCH;
    for (const layer of frozen) {
      const attach = attachOf(qualifiers.latest, (layers) => layers.includes(layer));
      if (!attach) continue;
      related.push(attach.state.eventId);
      signals.push({
        id: 'froze-attach',
        points: 0,
        reason: `${shortLayer(layer)} was attached to $LATEST by event ${attach.state.eventId} at ${attach.state.eventTime}${attach.state.actor ? ` (${attach.state.actor})` : ''}`,
      });
    }
    if (publication.publishTo === 'LATEST_PUBLISHED')
      signals.push({
        id: 'managed-instances-activation',
        points: 0,
        reason: `PublishTo LATEST_PUBLISHED (Lambda Managed Instances): ${version.version === '$LATEST.PUBLISHED' ? '$LATEST.PUBLISHED was republished' : `version ${version.version} is now $LATEST.PUBLISHED`}, what every unqualified invoke runs: this publish is when the layer starts to run`,
      });
    const fnName = qualifierFunctionOf(event)?.name ?? 'the function';
    const more = frozen.length > 1 ? ` (+${frozen.length - 1} more)` : '';
    return {
      status: 'match',
      evidence: {
        title: `Version ${version.version} of ${fnName} freezes layer ${shortLayer(first)}${more}${previous ? ` (version ${previous.version} did not run it)` : ''}`,
        layerArn: first,
        subjects: frozen,
        signals,
        related: [...new Set(related)],
      },
    };
  },
};
