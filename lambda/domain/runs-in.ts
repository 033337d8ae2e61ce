/**
 * Where the layers of a finding run: `$LATEST`, each alias that routes traffic to a version running
 * them (with its share), each published version known to run them. And what undoing it takes per
 * qualifier: `$LATEST` is edited, an alias is repointed to the last clean version, a published
 * version cannot be edited (callers move off it, then it can be deleted).
 */
import type { LayerState } from './baseline.js';
import type { RunsIn } from './finding-model.js';
import type { FunctionRef } from './model.js';
import { aliasRoutes, LATEST_PUBLISHED, type QualifierView, routesRunning } from './qualifier-view.js';
import { recordQualifiers } from './qualifiers.js';
import { shellQuote } from './remediation.js';

export type { RunsIn } from './finding-model.js';

/** Routes after the event: the view's, with what the event establishes applied. */
function after(view: QualifierView): QualifierView {
  if (!view.update) return view;
  const state = recordQualifiers(view.state, view.update);
  const aliases = new Map(view.aliases);
  const alias = view.update.alias;
  if (alias) {
    if (alias.deleted) aliases.delete(alias.alias);
    else aliases.set(alias.alias, alias);
  }
  return { ...view, state, aliases };
}

export function runsInOf(
  view: QualifierView | undefined,
  subjects: readonly string[],
  latestAfter: readonly string[] | null,
): RunsIn[] | null {
  if (!view || subjects.length === 0) return null;
  const v = after(view);
  const runs = (layers: readonly string[]) => subjects.some((s) => layers.includes(s));
  const out: RunsIn[] = [];
  const latest = latestAfter ?? (v.latest.at(-1) as LayerState | undefined)?.layers ?? null;
  if (latest && runs(latest)) out.push({ qualifier: '$LATEST', version: null, share: 1 });
  for (const r of routesRunning(v, aliasRoutes(v), runs))
    out.push({ qualifier: r.qualifier, version: r.version, share: r.share });
  // `$LATEST.PUBLISHED` is named once, as the route above (it is called by that name, not a number).
  for (const version of v.state.versions)
    if (version.version !== LATEST_PUBLISHED && runs(version.layers))
      out.push({ qualifier: version.version, version: version.version, share: 1 });
  return out;
}

/** Per qualifier, what removes the layers there. */
export function runsInSteps(
  fn: FunctionRef | null,
  runsIn: readonly RunsIn[] | null,
  view: QualifierView | undefined,
  subjects: readonly string[],
): string[] {
  if (!fn || !runsIn || !view) return [];
  const v = after(view);
  const clean = [...v.state.versions]
    .reverse()
    .find((x) => x.version !== LATEST_PUBLISHED && !subjects.some((s) => x.layers.includes(s)));
  const steps: string[] = [];
  for (const r of runsIn) {
    if (r.qualifier === '$LATEST') continue;
    if (r.qualifier === LATEST_PUBLISHED) {
      steps.push(
        `$LATEST.PUBLISHED (Managed Instances) runs ${r.version === LATEST_PUBLISHED ? 'the layer' : `version ${r.version}, which runs the layer`}: remove the layer from $LATEST, then publish again with PublishTo LATEST_PUBLISHED: aws lambda publish-version --function-name ${shellQuote(fn.arn)} --publish-to LATEST_PUBLISHED --region ${shellQuote(fn.region)}`,
      );
    } else if (r.qualifier !== r.version) {
      steps.push(
        clean
          ? `Alias ${r.qualifier} sends ${Math.round(r.share * 1000) / 10} % of its traffic to version ${r.version}, which runs the layer: repoint it to version ${clean.version}, the last version known without it: aws lambda update-alias --function-name ${shellQuote(fn.arn)} --name ${shellQuote(r.qualifier)} --function-version ${clean.version} --routing-config '{"AdditionalVersionWeights":{}}' --region ${shellQuote(fn.region)}`
          : `Alias ${r.qualifier} sends ${Math.round(r.share * 1000) / 10} % of its traffic to version ${r.version}, which runs the layer, and no version without it is known: publish one from a clean $LATEST and repoint the alias to it.`,
      );
    } else {
      steps.push(
        `Version ${r.version} runs the layer and cannot be edited (a published version is immutable): move every alias, event source mapping and caller off it, then delete it: aws lambda delete-function --function-name ${shellQuote(fn.arn)} --qualifier ${r.version} --region ${shellQuote(fn.region)}`,
      );
    }
  }
  return steps;
}
