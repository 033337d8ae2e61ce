import { isAliasEvent } from '../model.js';
import type { QualifierView } from '../qualifier-view.js';
import { type AliasState, routesOf, versionLayers } from '../qualifiers.js';
import { type Detection, NO_MATCH, NOT_APPLICABLE, shortLayer, T1648 } from './detection.js';

/** Every layer the alias's routing runs (any share), or null when a routed version was never read. */
function layersOfRouting(
  view: QualifierView,
  alias: Pick<AliasState, 'version' | 'weights'>,
): string[] | null {
  const layers: string[] = [];
  for (const route of routesOf(alias)) {
    if (route.share <= 0) continue;
    const known = route.version === '$LATEST' ? null : versionLayers(view.state, route.version);
    if (known === null) return null;
    layers.push(...known);
  }
  return layers;
}

function percent(share: number): string {
  return `${Math.round(share * 1000) / 10} %`;
}

/**
 * Callers invoke aliases (API Gateway, event source mappings, function URLs, deploy tools): moving
 * an alias, or weighting a share of its traffic to a second version, changes what runs for them
 * without touching `$LATEST`. Only a move to other layers speaks: deploy tools move aliases on
 * every deploy, and the same layer list stays quiet.
 */
export const aliasRoutedToLayer: Detection = {
  id: 'lambda-alias-routes-to-layer',
  title: 'Lambda alias now sends traffic to a version running other layers',
  fires:
    'CreateAlias or UpdateAlias (its version, or `routingConfig.additionalVersionWeights`) after which the alias sends a share of its traffic to a version running a layer version that the alias did not run before. Quiet when the layer lists are the same, when the alias was not known before, and when a routed version was never read (that version is named in no finding: see the README).',
  baseScore: 50,
  baseReason: "the alias's callers now run a layer they did not run before (base 50)",
  falsePositives: [
    'Deployments that move an alias to a version with a new layer on purpose (the attach and the publish were alerted before).',
    'Canary and linear deployments (CodeDeploy) weighting a share to a version with a new layer.',
  ],
  references: [
    'https://docs.aws.amazon.com/lambda/latest/dg/configuration-aliases.html',
    'https://docs.aws.amazon.com/lambda/latest/api/API_UpdateAlias.html',
    'https://docs.aws.amazon.com/lambda/latest/api/API_AliasRoutingConfiguration.html',
  ],
  mitre: [T1648],
  scoring: { actor: true, provenance: true },
  evaluate({ event, qualifiers }) {
    if (!isAliasEvent(event) || event.kind === 'DeleteAlias' || !qualifiers?.update?.alias)
      return NOT_APPLICABLE;
    const now = qualifiers.update.alias;
    const before = qualifiers.aliases.get(event.alias);
    if (!before) return NOT_APPLICABLE;
    const ran = layersOfRouting(qualifiers, before);
    if (ran === null) return NOT_APPLICABLE;
    const routes = routesOf(now).filter((r) => r.share > 0);
    const added: string[] = [];
    const carriers: { version: string; share: number }[] = [];
    for (const route of routes) {
      const layers = route.version === '$LATEST' ? null : versionLayers(qualifiers.state, route.version);
      const fresh = (layers ?? []).filter((l) => !ran.includes(l) && !added.includes(l));
      if (fresh.length > 0) carriers.push(route);
      added.push(...fresh);
    }
    const first = added[0];
    const carrier = carriers[0];
    if (first === undefined || carrier === undefined) return NO_MATCH;
    const more = added.length > 1 ? ` (+${added.length - 1} more)` : '';
    const from = before.version ?? 'an unknown version';
    const share = carrier.share < 1 ? `${percent(carrier.share)} of ` : '';
    const related = carriers
      .map((r) => qualifiers.state.versions.find((v) => v.version === r.version)?.eventId)
      .filter((id): id is string => id !== undefined);
    return {
      status: 'match',
      evidence: {
        title: `Alias ${event.alias} of ${event.fn.name} sends ${share}its traffic to version ${carrier.version} (was ${from}), which runs layer ${shortLayer(first)}${more}`,
        layerArn: first,
        subjects: added,
        signals: [
          {
            id: 'alias-routing',
            points: 0,
            reason: `alias ${event.alias} was ${routesOf(before)
              .map((r) => `version ${r.version} ${percent(r.share)}`)
              .join(', ')}; now ${routes.map((r) => `version ${r.version} ${percent(r.share)}`).join(', ')}`,
          },
        ],
        related,
      },
    };
  },
};
