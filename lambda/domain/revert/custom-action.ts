/**
 * What a person asked for with the containment's Security Hub custom action: the EventBridge event
 * (`Security Hub Findings - Custom Action`) carries the findings they selected, in ASFF. A finding in
 * Security Hub is a claim anyone allowed to import findings could have made, so it only names the
 * function, the layer versions and the time; the deployment's own baseline must confirm that those
 * layers were added to that function since then (`confirmRequest`) before anything is planned.
 */
import { parseFunctionArn, parseLayerArn } from '../arn.js';
import type { Baseline } from '../baseline.js';
import { type RevertRequest, requestOfBaseline } from './request.js';

export const CUSTOM_ACTION_DETAIL_TYPE = 'Security Hub Findings - Custom Action';

/** Who asked, as far as the event says (Security Hub's event does not name the person who chose the action). */
export interface Asker {
  eventId: string;
  time: string;
  account: string;
  region: string;
  actionArn: string;
  actionName: string;
}

export interface CustomActionRequests {
  asker: Asker;
  requests: RevertRequest[];
  /** Selected findings that are not layerwatch's or name no layer added to a function, with why. */
  skipped: string[];
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const text = (v: unknown): string => (typeof v === 'string' ? v : '');
const words = (v: unknown): string[] =>
  text(v)
    .split(' ')
    .filter((w) => w !== '');

/** The layerwatch finding's request, from its ASFF form; a string says why it is skipped. */
function requestOfAsff(f: unknown, productArn: string): RevertRequest | string {
  if (!isRecord(f)) return 'a selected finding is not an object';
  const id = text(f.Id) || '(no Id)';
  if (f.ProductArn !== productArn || !text(f.GeneratorId).startsWith('layerwatch/'))
    return `${id}: not a layerwatch finding of this account and region`;
  const fields = isRecord(f.ProductFields) ? f.ProductFields : {};
  const cut = words(fields['layerwatch/Truncated']);
  if (cut.some((c) => c === 'Resources' || c.startsWith('Resources[0]') || c.includes('Layers')))
    return `${id}: Security Hub holds a shortened copy of it (${cut.join(' ')}); revert it with the CLI from the alert`;
  const resources = Array.isArray(f.Resources) ? f.Resources : [];
  const fn = resources.find((r) => isRecord(r) && r.Type === 'AwsLambdaFunction') as
    | Record<string, unknown>
    | undefined;
  const parsed = fn ? parseFunctionArn(text(fn.Id)) : null;
  if (!parsed) return `${id}: it names no function`;
  const before = words(fields['layerwatch/LayersBefore']);
  const added = [
    ...words(fields['layerwatch/LayersAdded']),
    ...words(fields['layerwatch/LayersAfter']).filter((l) => !before.includes(l)),
  ];
  const subjects = [...new Set(added)].filter((l) => parseLayerArn(l)?.version != null);
  if (subjects.length === 0) return `${id}: it names no layer version added to ${parsed.arn}`;
  const time = text(fields['layerwatch/EventTime']);
  if (Number.isNaN(Date.parse(time))) return `${id}: it has no event time`;
  return {
    functionArn: parsed.arn,
    subjects,
    before: null,
    since: time,
    findingId: text(fields['layerwatch/FindingId']) || id,
  };
}

/** The event -> who asked and the requests; a string when the event is not this action's. */
export function requestsOfCustomAction(
  event: unknown,
  actionArn: string,
  partition: string,
): CustomActionRequests | string {
  if (
    !isRecord(event) ||
    event['detail-type'] !== CUSTOM_ACTION_DETAIL_TYPE ||
    event.source !== 'aws.securityhub'
  )
    return 'not a Security Hub custom action event';
  const resources = Array.isArray(event.resources) ? event.resources : [];
  if (!resources.includes(actionArn)) return `not the containment's custom action (${resources.join(', ')})`;
  const detail = isRecord(event.detail) ? event.detail : {};
  const account = text(event.account);
  const region = text(event.region);
  const asker: Asker = {
    eventId: text(event.id),
    time: text(event.time),
    account,
    region,
    actionArn,
    actionName: text(detail.actionName),
  };
  const productArn = `arn:${partition}:securityhub:${region}:${account}:product/${account}/default`;
  const out: CustomActionRequests = { asker, requests: [], skipped: [] };
  for (const f of Array.isArray(detail.findings) ? detail.findings : []) {
    const r = requestOfAsff(f, productArn);
    if (typeof r === 'string') out.skipped.push(r);
    else out.requests.push(r);
  }
  return out;
}

/**
 * The request as the deployment's own baseline confirms it: only the layer versions the finding
 * names that the baseline also shows added since the finding's time are taken off, and `$LATEST`
 * goes back to the layers the baseline held just before. A string says why nothing is confirmed.
 */
export function confirmRequest(r: RevertRequest, baseline: Baseline | null): RevertRequest | string {
  // The state the finding's own event recorded carries its time: the baseline is read from just before.
  const since = Date.parse(r.since ?? '');
  if (Number.isNaN(since)) return `${r.findingId ?? r.functionArn}: no time to confirm it from`;
  const own = requestOfBaseline(r.functionArn, baseline, new Date(since - 1).toISOString());
  if (typeof own === 'string') return `${r.findingId ?? r.functionArn}: ${own}`;
  const subjects = r.subjects.filter((s) => own.subjects.includes(s));
  if (subjects.length === 0)
    return `${r.findingId ?? r.functionArn}: the deployment's baseline does not show ${r.subjects.join(', ')} added to ${r.functionArn} since ${r.since}`;
  return { ...r, subjects, before: own.before };
}
