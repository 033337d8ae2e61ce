import { aliasRoutes, LATEST_PUBLISHED, routesRunning } from '../qualifier-view.js';
import { type Detection, NO_MATCH, NOT_APPLICABLE, shortLayer, T1648 } from './detection.js';

function percent(share: number): string {
  return `${Math.round(share * 1000) / 10} %`;
}

/**
 * Attach, publish, detach: removing a layer from `$LATEST` does not remove it from the published
 * versions that aliases route to. The detach is then no clean-up: the layer still runs for every
 * caller of those aliases, and the finding keeps the layer's severity.
 */
export const layerStillRuns: Detection = {
  id: 'lambda-layer-still-runs',
  title: 'Lambda layer removed from $LATEST still runs in a published version an alias reaches',
  fires:
    'UpdateFunctionConfiguration whose request drops a layer the baseline had (and neither adds a layer nor changes a version) while an alias, as routed at that time, sends traffic to a published version that runs the same layer version, or `$LATEST.PUBLISHED` (Managed Instances) runs it.',
  baseScore: 50,
  baseReason:
    'a layer was removed from $LATEST but still runs for the callers of an alias: the removal did not stop it (base 50, scored as the layer)',
  falsePositives: [
    'A deployment that drops a layer from $LATEST before it publishes and moves the alias (the alias leaves the old version on the next deploy).',
  ],
  references: [
    'https://docs.aws.amazon.com/lambda/latest/dg/configuration-aliases.html',
    'https://docs.aws.amazon.com/lambda/latest/dg/adding-layers.html',
  ],
  mitre: [T1648],
  scoring: { actor: true, provenance: true },
  evaluate({ event, change, qualifiers }) {
    if (event.kind !== 'UpdateFunctionConfiguration' || !change?.requested || !change.diff || !qualifiers)
      return NOT_APPLICABLE;
    const { added, versionChanged, removed } = change.diff;
    if (added.length > 0 || versionChanged.length > 0 || removed.length === 0) return NOT_APPLICABLE;
    const routes = aliasRoutes(qualifiers);
    const running = removed.filter(
      (layer) => routesRunning(qualifiers, routes, (layers) => layers.includes(layer)).length > 0,
    );
    const first = running[0];
    if (first === undefined) return NO_MATCH;
    const where = routesRunning(qualifiers, routes, (layers) => layers.includes(first));
    const named = where
      .map((r) =>
        r.qualifier === LATEST_PUBLISHED
          ? `${LATEST_PUBLISHED}${r.version === LATEST_PUBLISHED ? '' : ` (version ${r.version})`}`
          : `alias ${r.qualifier} (version ${r.version}, ${percent(r.share)})`,
      )
      .join(', ');
    const more = running.length > 1 ? ` (+${running.length - 1} more)` : '';
    return {
      status: 'match',
      evidence: {
        title: `Layer ${shortLayer(first)}${more} removed from $LATEST of ${event.fn.name} still runs in ${named}`,
        layerArn: first,
        subjects: running,
        signals: [],
      },
    };
  },
};
