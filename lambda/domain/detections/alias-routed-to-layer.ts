import { layerKey } from '../arn.js';
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
 * What a first-seen alias (created, re-created after a delete, or met for the first time) is held
 * against: the layers, by name, that `$LATEST` ran just before and that every other known version
 * runs; a layer of none of them is new to the function. Null when nothing is known of the function.
 */
function knownLayerNames(
  view: QualifierView,
  routed: ReadonlySet<string>,
): { has: (layer: string) => boolean } | null {
  const latest = view.latest.at(-1)?.layers ?? null;
  const others = view.state.versions.filter((v) => !routed.has(v.version));
  if (latest === null && others.length === 0) return null;
  const names = new Set([...(latest ?? []), ...others.flatMap((v) => v.layers)].map(layerKey));
  return { has: (layer) => names.has(layerKey(layer)) };
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
    'CreateAlias or UpdateAlias (its version, or `routingConfig.additionalVersionWeights`), or the drift sweep finding an alias routed otherwise than last known, after which the alias sends a share of its traffic to a version running a layer version that the alias did not run before. An alias not known before (created, re-created, or first met) is held against the layers, by name, that `$LATEST` ran just before and that the other known versions run. Quiet when the layer lists are the same, when nothing is known of the function, and when a routed version was never read (that version is named in no finding: see the README).',
  baseScore: 50,
  baseReason: "the alias's callers now run a layer they did not run before (base 50)",
  falsePositives: [
    'Deployments that move an alias to a version with a new layer on purpose (the attach and the publish were alerted before).',
    'Canary and linear deployments (CodeDeploy) weighting a share to a version with a new layer.',
    'An alias first met by the sweep on an old version whose layer has since left `$LATEST` and every other known version (the layer still runs there: check it).',
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
    const routes = routesOf(now).filter((r) => r.share > 0);
    const ranBefore = before ? layersOfRouting(qualifiers, before) : null;
    const known = before ? null : knownLayerNames(qualifiers, new Set(routes.map((r) => r.version)));
    if (before ? ranBefore === null : known === null) return NOT_APPLICABLE;
    const ran = (layer: string) => (ranBefore ? ranBefore.includes(layer) : (known?.has(layer) ?? true));
    const added: string[] = [];
    const carriers: { version: string; share: number }[] = [];
    for (const route of routes) {
      const layers = route.version === '$LATEST' ? null : versionLayers(qualifiers.state, route.version);
      const fresh = (layers ?? []).filter((l) => !ran(l) && !added.includes(l));
      if (fresh.length > 0) carriers.push(route);
      added.push(...fresh);
    }
    const first = added[0];
    const carrier = carriers[0];
    if (first === undefined || carrier === undefined) return NO_MATCH;
    const more = added.length > 1 ? ` (+${added.length - 1} more)` : '';
    const from = before ? `was ${before.version ?? 'an unknown version'}` : 'first seen';
    const share = carrier.share < 1 ? `${percent(carrier.share)} of ` : '';
    const related = carriers
      .map((r) => qualifiers.state.versions.find((v) => v.version === r.version)?.eventId)
      .filter((id): id is string => id !== undefined);
    return {
      status: 'match',
      evidence: {
        title: `Alias ${event.alias} of ${event.fn.name} sends ${share}its traffic to version ${carrier.version} (${from}), which runs layer ${shortLayer(first)}${more}`,
        layerArn: first,
        subjects: added,
        signals: [
          {
            id: 'alias-routing',
            points: 0,
            reason: `alias ${event.alias} ${
              before
                ? `was ${routesOf(before)
                    .map((r) => `version ${r.version} ${percent(r.share)}`)
                    .join(', ')}`
                : 'was not known before (held against the layers $LATEST and the other known versions run, by name)'
            }; now ${routes.map((r) => `version ${r.version} ${percent(r.share)}`).join(', ')}`,
          },
        ],
        related,
      },
    };
  },
};
