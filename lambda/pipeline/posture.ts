/**
 * Step 4b, posture (after analyze, only when there is a finding about a function): would anything
 * have stopped the call? The function's code signing (Lambda checks every added layer against it),
 * and whether a `lambda:Layer` guardrail from the current inventory would have refused the call.
 * Never blocks the alert: the whole step ends after its deadline (3 s), each read is an enrichment
 * read (3 s budget), and what was not read is named in the finding (`posture` and `gaps`).
 *
 * The guardrail's inventory, as the handler has it: the own accounts (the function's, the event's,
 * the settings' and the organization's live list) and, only when a requested layer belongs to a
 * known publisher, the layers in use in the state table's baselines (a publisher is allowed only
 * when some function uses its layers): one Scan, read only then.
 */
import type { CodeSigningReader, LayersInUse, OrganizationAccounts } from '../adapters/ports.js';
import { type FunctionArnParts, parseFunctionArn } from '../domain/arn.js';
import type { Analysis } from '../domain/engine.js';
import {
  guardedRequest,
  guardrailVerdict,
  needsLayersInUse,
  verdictInventory,
} from '../domain/guardrail/verdict.js';
import type { LambdaEvent } from '../domain/model.js';
import { type CodeSigningPosture, codeSigningNotRead, type Posture, postureGaps } from '../domain/posture.js';
import type { DetectionSettings } from '../domain/settings.js';
import type { Telemetry } from './telemetry.js';

export interface PosturePorts {
  /** Absent: code signing is "not read" (said so in the finding). */
  readonly codeSigning?: CodeSigningReader;
  /** Absent: a known publisher's layer is "not judged". */
  readonly layersInUse?: LayersInUse;
  readonly organization?: OrganizationAccounts;
}

/** The whole step's deadline: a read still running then is named as not read. */
export const POSTURE_DEADLINE_MS = 3_000;

const message = (error: unknown) =>
  error instanceof Error ? `${error.name}: ${error.message}` : String(error);

/** What the step read for one finding (the pure part below turns it into the posture). */
export interface PostureReads {
  codeSigning: CodeSigningPosture;
  /** The organization's accounts as listed, why they were not, or null outside organization mode. */
  organization: { listed: readonly string[] } | { gap: string } | null;
  /** The state table's baselines, why they were not read, or null when no requested layer needs them. */
  layersInUse:
    | { baselines: readonly { functionArn: string; layers: readonly string[] }[] }
    | { gap: string }
    | null;
}

/** The own accounts: the event's, the function's, the settings' and the organization's as listed. */
export function ownAccounts(
  event: LambdaEvent,
  fn: FunctionArnParts,
  settings: DetectionSettings,
  organization: PostureReads['organization'],
): Set<string> {
  const listed = organization && 'listed' in organization ? organization.listed : [];
  return new Set([event.meta.account, fn.account, ...settings.organizationAccounts, ...listed]);
}

/** The posture from what was read: pure, so that every host and the examples say it alike. */
export function postureOf(
  event: LambdaEvent,
  fn: FunctionArnParts,
  settings: DetectionSettings,
  reads: PostureReads,
): Posture {
  const from = [
    "the function's",
    ...(reads.organization ? ["the organization's"] : []),
    ...(settings.organizationAccounts.length > 0 ? ["the settings'"] : []),
  ].join(', ');
  const inUse = reads.layersInUse;
  const inventory = verdictInventory({
    accounts: [...ownAccounts(event, fn, settings, reads.organization)],
    accountsFrom: from,
    partition: fn.partition,
    accountsGap: reads.organization && 'gap' in reads.organization ? reads.organization.gap : null,
    baselines: inUse && 'baselines' in inUse ? inUse.baselines : null,
    layersGap: inUse && 'gap' in inUse ? inUse.gap : null,
  });
  return {
    codeSigning: reads.codeSigning,
    guardrail: guardrailVerdict(guardedRequest(event), inventory, settings.knownPublishers),
  };
}

export async function posture(
  event: LambdaEvent,
  analysis: Analysis,
  settings: DetectionSettings,
  ports: PosturePorts,
  t: Telemetry,
  deadlineMs = POSTURE_DEADLINE_MS,
): Promise<Analysis> {
  const finding = analysis.finding;
  const fn = finding?.function ? parseFunctionArn(finding.function.arn) : null;
  if (!finding) return analysis;
  if (!fn) {
    finding.posture = null;
    return analysis;
  }
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), deadlineMs);
  });
  const inTime = <T>(work: Promise<T>): Promise<T | 'late'> => Promise.race([work, late]);
  // Stops a state-table scan still paging when the step ends: no read outlives the deadline. Made
  // only for that scan: an abort builds a DOMException (a stack trace) that most events never need.
  let stop: AbortController | undefined;
  try {
    const [signing, organization] = await Promise.all([
      inTime(
        ports.codeSigning?.readCodeSigning(fn) ??
          Promise.resolve(codeSigningNotRead('this host reads no code signing')),
      ),
      readOrganization(ports.organization, inTime),
    ]);
    const codeSigning =
      signing === 'late' ? codeSigningNotRead(`no answer within ${deadlineMs} ms`) : signing;
    const own = ownAccounts(event, fn, settings, organization);
    let layersInUse: PostureReads['layersInUse'] = null;
    if (needsLayersInUse(guardedRequest(event), own, settings.knownPublishers)) {
      stop = new AbortController();
      layersInUse = await readLayersInUse(ports.layersInUse, inTime, stop.signal);
    }
    const result = postureOf(event, fn, settings, { codeSigning, organization, layersInUse });
    const gaps = postureGaps(result);
    if (gaps.length > 0) {
      t.logger.warn('Posture not read completely', { gaps });
      t.count('EnrichmentFailures');
    }
    finding.posture = result;
    finding.gaps.push(...gaps);
    return analysis;
  } finally {
    clearTimeout(timer);
    stop?.abort();
  }
}

type InTime = <T>(work: Promise<T>) => Promise<T | 'late'>;

async function readOrganization(
  organization: OrganizationAccounts | undefined,
  inTime: InTime,
): Promise<PostureReads['organization']> {
  if (!organization) return null;
  const listed = await inTime(organization.accounts().catch((e: unknown) => message(e)));
  if (listed === 'late') return { gap: "the organization's accounts were not listed in time" };
  if (typeof listed === 'string') return { gap: `the organization's accounts were not listed (${listed})` };
  return { listed };
}

async function readLayersInUse(
  reader: LayersInUse | undefined,
  inTime: InTime,
  signal: AbortSignal,
): Promise<PostureReads['layersInUse']> {
  if (!reader) return { gap: 'the layers in use were not read by this host' };
  const read = await inTime(reader.readAll(signal).catch((e: unknown) => message(e)));
  if (read === 'late') return { gap: "the state table's baselines were not read (no answer in time)" };
  if (typeof read === 'string') return { gap: `the state table's baselines were not read (${read})` };
  return { baselines: read.functions };
}
