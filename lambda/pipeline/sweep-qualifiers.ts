/**
 * Sweep step 3b, versions and aliases of one observed function (after its `$LATEST`, observe step):
 * list its aliases (at most SWEEP_MAX_ALIASES), read the published versions they route to that are
 * not kept (at most SWEEP_MAX_VERSION_READS a run; a version is immutable, so each is read once,
 * ever, and kept), and for a Managed Instances function read `$LATEST.PUBLISHED`; then judge what
 * changed without an event as the handler judges the event (domain/sweep-qualifiers.ts), deliver
 * each finding to every sink and record the new routing. What lies past a bound or could not be
 * read is a named gap in the run's coverage report. A failed delivery throws before the routing is
 * recorded, so that the next run reports it again.
 */
import type { BaselineStore, QualifierLister } from '../adapters/ports.js';
import { type Baseline, recordQualifier } from '../domain/baseline.js';
import { analyze } from '../domain/engine.js';
import type { LambdaEvent } from '../domain/model.js';
import type { Observation } from '../domain/observation.js';
import { addQualifierGap, type SweepSummary } from '../domain/render/sweep.js';
import {
  SWEEP_MAX_ALIASES,
  SWEEP_MAX_VERSION_READS,
  sweptActivation,
  sweptAliasEvents,
  versionsToSweep,
} from '../domain/sweep-qualifiers.js';
import { deliverToSinks, throwIfFailed, unguarded } from './sinks.js';
import type { ObservePorts } from './sweep-observe.js';
import type { Telemetry } from './telemetry.js';

export interface QualifierPorts extends ObservePorts {
  readonly lister: QualifierLister;
  readonly baselines: BaselineStore;
}

const why = (error: unknown) =>
  error instanceof Error ? `${error.name}: ${error.message}` : `Error: ${String(error)}`;

export async function observeQualifiers(
  o: Observation,
  run: { runId: string; summary: SweepSummary },
  ports: QualifierPorts,
  t: Telemetry,
): Promise<void> {
  const { fn } = o;
  const gap = (text: string) => addQualifierGap(run.summary, fn.arn, text);
  let listed: Awaited<ReturnType<QualifierLister['listAliases']>>;
  try {
    listed = await ports.lister.listAliases(fn, SWEEP_MAX_ALIASES);
  } catch (error) {
    gap(`aliases not listed (${why(error)})`);
    return;
  }
  run.summary.aliases = (run.summary.aliases ?? 0) + listed.aliases.length;
  if (listed.more)
    gap(`more than ${SWEEP_MAX_ALIASES} aliases: only the first ${SWEEP_MAX_ALIASES} listed were compared`);
  let baseline = await ports.baselines.get(fn.arn);
  const { read, beyond } = versionsToSweep(baseline, listed.aliases);
  if (beyond.length > 0)
    gap(
      `versions ${beyond.join(', ')} (routed to by an alias) not read: at most ${SWEEP_MAX_VERSION_READS} a run, the next runs read them`,
    );
  const versions: Record<string, string[]> = {};
  for (const version of read) {
    try {
      versions[version] = (await ports.lister.readVersion(fn, version)).layers;
      run.summary.versionsRead = (run.summary.versionsRead ?? 0) + 1;
    } catch (error) {
      gap(`version ${version} not read (${why(error)}): the aliases routing to it were not judged`);
    }
  }
  const events: LambdaEvent[] = sweptAliasEvents(fn, baseline, listed, run.runId, o.observedAt);
  if (o.capacityProvider) {
    try {
      const activation = sweptActivation(
        fn,
        baseline,
        await ports.lister.readVersion(fn, '$LATEST.PUBLISHED'),
        run.runId,
        o.observedAt,
      );
      if (typeof activation === 'string') gap(activation);
      else if (activation) events.push(activation);
    } catch (error) {
      gap(`$LATEST.PUBLISHED not read (${why(error)})`);
    }
  }
  // Versions read are kept even when nothing moved: a version is read once, ever.
  if (events.length === 0 && Object.keys(versions).length > 0) {
    const observed = Object.entries(versions).map(([version, layers]) => ({
      version,
      layers,
      eventTime: o.observedAt,
      eventId: `sweep:${run.runId}:${fn.arn}#read:${version}`,
    }));
    await ports.baselines.recordQualifier(fn.arn, { observed });
    return;
  }
  for (const event of events) baseline = await judge(event, baseline, versions, run.summary, ports, t);
}

/** One swept event: analyzed as the handler would, delivered, recorded; answers the baseline after it. */
async function judge(
  event: LambdaEvent,
  baseline: Baseline | null,
  versions: Readonly<Record<string, readonly string[]>>,
  summary: SweepSummary,
  ports: QualifierPorts,
  t: Telemetry,
): Promise<Baseline | null> {
  const { finding, qualifier } = analyze(event, {
    baseline,
    live: { status: 'not-read' },
    versions,
    settings: ports.settings,
  });
  if (finding && !finding.suppression) {
    summary.qualifiersDrifted = (summary.qualifiersDrifted ?? 0) + 1;
    const settled = await deliverToSinks(finding, ports.sinks, unguarded, t);
    t.logger.info('Version or alias drift published', {
      functionArn: finding.function?.arn,
      findingId: finding.findingId,
      severity: finding.severity,
      deliveries: settled.deliveries,
    });
    throwIfFailed(settled, finding.findingId);
  }
  if (!qualifier || !('fn' in event)) return baseline;
  await ports.baselines.recordQualifier(event.fn.arn, qualifier);
  return recordQualifier(baseline, event.fn.arn, qualifier);
}
