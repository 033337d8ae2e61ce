/**
 * Step 3, enrich: what the detections need beyond the event, read from AWS. Enrichment never blocks
 * an alert: what cannot be read is logged, counted, and named in the finding's `gaps` by the engine.
 * The baseline is the exception: it decides what changed, so a failed read fails the invocation.
 */
import type {
  BaselineStore,
  CapacityProviderReader,
  CorrelationStore,
  FunctionReader,
  LayerReader,
  OrganizationAccounts,
} from '../adapters/ports.js';
import type { Baseline } from '../domain/baseline.js';
import { type CapacityProviderContext, capacityProviderOf } from '../domain/capacity-provider.js';
import type { PublishRecord } from '../domain/correlation.js';
import { type LiveConfiguration, layersToLookUp } from '../domain/engine.js';
import type { LayerInspection } from '../domain/layer-inspection.js';
import { isFunctionEvent, type LambdaEvent, qualifierFunctionOf } from '../domain/model.js';
import type { LayerLookup } from '../domain/provenance.js';
import { versionsToRead } from '../domain/qualifier-view.js';
import type { Telemetry } from './telemetry.js';

export interface EnrichPorts {
  readonly reader: FunctionReader;
  readonly layers: LayerReader;
  readonly baselines: BaselineStore;
  readonly correlations: CorrelationStore;
  /** The organization's live account list (organization mode), for layer provenance. */
  readonly organization?: OrganizationAccounts;
  /** Lambda Managed Instances: the function versions on a capacity provider. */
  readonly capacityProviders?: CapacityProviderReader;
}

/** Everything the engine's analysis takes besides the event and the settings. */
export interface Enrichment {
  baseline: Baseline | null;
  live: LiveConfiguration;
  layers: Record<string, LayerLookup>;
  /** Layers of the published versions an alias event routes to that the baseline did not know. */
  versions?: Record<string, string[]>;
  publishes: PublishRecord[];
  /** Accounts of the organization, listed live (empty when not in organization mode or not listed). */
  organizationAccounts: readonly string[];
  /** What the layers' zips hold, by version ARN (the inspect step, after this one). */
  inspections?: Record<string, LayerInspection>;
  /** File paths of each layer of the new list, when the event only reorders layers (inspect step). */
  layerPaths?: Record<string, string[]>;
  /** Lambda Managed Instances: the function's capacity provider and the function versions on it. */
  capacityProvider?: CapacityProviderContext;
}

export async function enrich(event: LambdaEvent, ports: EnrichPorts, t: Telemetry): Promise<Enrichment> {
  const { baseline, live } = await readFunction(event, ports, t);
  const versions = await readVersions(event, baseline, ports, t);
  const subjects = layersToLookUp(event, { baseline, live });
  const viaAccount = isFunctionEvent(event) ? event.fn.account : event.meta.account;
  const provider = ports.capacityProviders ? capacityProviderOf(event, live) : null;
  const [layers, publishes, organizationAccounts, capacityProvider] = await Promise.all([
    readLayers(subjects, viaAccount, ports.layers, t),
    readPublishes(subjects, ports.correlations, t),
    readOrganization(subjects.length > 0 ? ports.organization : undefined, t),
    provider ? readCapacityProvider(provider, ports.capacityProviders as CapacityProviderReader, t) : null,
  ]);
  // Every part named, absent ones undefined: one shape of enrichment on every event.
  return {
    baseline,
    live,
    layers,
    publishes,
    organizationAccounts,
    versions: versions ?? undefined,
    capacityProvider: capacityProvider ?? undefined,
    inspections: undefined,
    layerPaths: undefined,
  };
}

/** The function versions sharing a Managed Instances function's capacity provider; a failure is logged and counted. */
export async function readCapacityProvider(
  arn: string,
  reader: CapacityProviderReader,
  t: Telemetry,
): Promise<CapacityProviderContext> {
  const listed = await reader.functionsOn(arn);
  if ('error' in listed) {
    t.logger.warn('Capacity provider not listed', { capacityProviderArn: arn, detail: listed.error });
    t.count('EnrichmentFailures');
  }
  return listed;
}

/** The function's baseline and live configuration (function events only). */
export async function readFunction(
  event: LambdaEvent,
  ports: Pick<EnrichPorts, 'reader' | 'baselines'>,
  t: Telemetry,
): Promise<{ baseline: Baseline | null; live: LiveConfiguration }> {
  // A version published or an alias moved: judged against what the baseline knows of its qualifiers.
  const qualified = qualifierFunctionOf(event);
  if (!isFunctionEvent(event))
    return {
      baseline: qualified ? await ports.baselines.get(qualified.arn) : null,
      live: { status: 'not-read' },
    };
  const [baseline, live] = await Promise.all([
    ports.baselines.get(event.fn.arn),
    ports.reader.readConfiguration(event.fn),
  ]);
  if (live.status !== 'ok') {
    t.logger.warn('Function configuration not read', {
      status: live.status,
      detail: 'message' in live ? live.message : null,
    });
    t.count('EnrichmentFailures');
  }
  return { baseline, live };
}

/**
 * The published versions an alias event routes to whose layers were never seen, read once each
 * (GetFunctionConfiguration with the version as Qualifier, in the function's account). A version
 * that cannot be read is logged and counted: the alias move is then not judged.
 */
export async function readVersions(
  event: LambdaEvent,
  baseline: Baseline | null,
  ports: Pick<EnrichPorts, 'reader'>,
  t: Telemetry,
): Promise<Record<string, string[]> | null> {
  const fn = qualifierFunctionOf(event);
  const wanted = fn ? versionsToRead(event, baseline) : [];
  if (!fn || wanted.length === 0) return null;
  const read = await Promise.all(wanted.map((v) => ports.reader.readConfiguration(fn, v)));
  const versions: Record<string, string[]> = {};
  read.forEach((r, i) => {
    const version = wanted[i] as string;
    if (r.status === 'ok') versions[version] = r.layers;
    else {
      t.logger.warn('Function version not read', {
        version,
        status: r.status,
        detail: 'message' in r ? r.message : null,
      });
      t.count('EnrichmentFailures');
    }
  });
  return versions;
}

/** Lookups of the layer versions the event brings, with `viaAccount`'s access. */
export async function readLayers(
  arns: readonly string[],
  viaAccount: string,
  reader: LayerReader,
  t: Telemetry,
): Promise<Record<string, LayerLookup>> {
  const entries = await Promise.all(
    arns.map(async (arn) => [arn, await reader.readLayer(arn, viaAccount)] as const),
  );
  for (const [arn, lookup] of entries) {
    if (lookup.status === 'ok') continue;
    t.logger.warn('Layer not read', { layerVersionArn: arn, status: lookup.status, detail: lookup.message });
    t.count('EnrichmentFailures');
  }
  return Object.fromEntries(entries);
}

/** Recent publications of those versions, for publish-then-attach correlation. */
export async function readPublishes(
  arns: readonly string[],
  correlations: CorrelationStore,
  t: Telemetry,
): Promise<PublishRecord[]> {
  if (arns.length === 0) return [];
  try {
    return await correlations.publishesOf(arns);
  } catch (error) {
    t.logger.warn('Correlation state not read', {
      error: error instanceof Error ? error.message : String(error),
    });
    t.count('EnrichmentFailures');
    return [];
  }
}

/** The organization's accounts, when there are layers to place; a failed listing is logged and counted. */
export async function readOrganization(
  organization: OrganizationAccounts | undefined,
  t: Telemetry,
): Promise<readonly string[]> {
  if (!organization) return [];
  try {
    return await organization.accounts();
  } catch (error) {
    t.logger.warn('Organization accounts not listed', {
      error: error instanceof Error ? error.message : String(error),
    });
    t.count('EnrichmentFailures');
    return [];
  }
}
