/**
 * A finding in the AWS Security Finding Format (ASFF 2018-10-08), for Security Hub's
 * BatchImportFindings under the importing account's default product. Pure: the version, the
 * import time and the importing account and region are passed in. The Id is stable per finding
 * (detection + finding id), so a re-import updates the finding and never duplicates it.
 */
import { DETECTIONS } from '../detections/index.js';
import type { Finding } from '../finding.js';
import { codeSigningLine } from '../posture.js';
import type { Severity } from '../severity.js';
import { oneLine } from '../text.js';
import { runsInText } from './describe.js';
import { Cuts, exactInteger, ownPlace, type Place, renderTime, resourcePlace } from './limits.js';
import { describeFinding, isIpAddress } from './ocsf.js';
import { serviceSource } from './target.js';

export const ASFF_SCHEMA_VERSION = '2018-10-08';
export const TITLE_MAX = 256;
export const DESCRIPTION_MAX = 1024;
export const RECOMMENDATION_MAX = 512;
export const PRODUCT_FIELDS_MAX = 50;
export const PRODUCT_FIELD_VALUE_MAX = 2048;
export const RESOURCES_MAX = 32;
export const RESOURCE_ID_MAX = 512;
export const API_MAX = 128;
/** The partitions Security Hub's `Resources[].Partition` takes (its documented values). */
export const ASFF_PARTITIONS = ['aws', 'aws-cn', 'aws-us-gov'] as const;

export interface AsffOptions {
  /** layerwatch's version (package.json). */
  productVersion: string;
  /** When this import happens (UpdatedAt), ISO 8601; never earlier than the event. */
  updatedAt: string;
  /** The account calling BatchImportFindings; default: the account the event happened in. */
  account?: string;
  /** The region of the Security Hub imported into; default: the event's region. */
  region?: string;
  /** A link for people (console page, runbook). */
  sourceUrl?: string;
}

/** An ASFF finding as BatchImportFindings takes it (the subset layerwatch fills). */
export interface AsffFinding {
  SchemaVersion: string;
  Id: string;
  ProductArn: string;
  GeneratorId: string;
  AwsAccountId: string;
  Types: string[];
  CreatedAt: string;
  UpdatedAt: string;
  FirstObservedAt: string;
  LastObservedAt: string;
  Severity: { Label: string; Original: string };
  FindingProviderFields: { Severity: { Label: string; Original: string }; Types: string[] };
  Title: string;
  Description: string;
  CompanyName: string;
  ProductName: string;
  Remediation: { Recommendation: { Text: string; Url?: string } };
  SourceUrl?: string;
  ProductFields: Record<string, string>;
  Resources: AsffResource[];
  Action: Record<string, unknown>;
  RecordState: 'ACTIVE';
}

export interface AsffResource {
  Type: string;
  Id: string;
  Partition: string;
  /** Left out when neither the ARN nor the finding names a real region. */
  Region?: string;
  Details?: Record<string, unknown>;
}

const LABEL: Record<Severity, string> = {
  informational: 'INFORMATIONAL',
  low: 'LOW',
  medium: 'MEDIUM',
  high: 'HIGH',
  critical: 'CRITICAL',
};

/** ASFF finding types of each detection, besides the ATT&CK technique (namespace/category/classifier). */
const TYPES: Record<string, string[]> = {
  'lambda-layer-added': ['TTPs/Persistence/Lambda Layer Attached'],
  'lambda-function-created-with-layers': ['TTPs/Persistence/Lambda Layer Attached'],
  'lambda-layer-version-changed': ['TTPs/Persistence/Lambda Layer Attached'],
  'lambda-layer-drift': [
    'TTPs/Persistence/Lambda Layer Attached',
    'Unusual Behaviors/Serverless/Layer Drift',
  ],
  'lambda-layer-removed': ['TTPs/Defense Evasion/Lambda Layer Removed'],
  'lambda-layer-version-published': ['Unusual Behaviors/Serverless/Lambda Layer Published'],
  'lambda-layer-shared': ['Unusual Behaviors/Serverless/Lambda Layer Shared'],
  'detector-tampered': ['TTPs/Defense Evasion/Detector Tampered'],
};

/** ASFF resource types of a tampering call's target; a rule, subscription, StackSet or schedule has none: `Other`. */
const TARGET_TYPES: Record<string, { type: string; detail: (t: Target) => Record<string, unknown> }> = {
  trail: {
    type: 'AwsCloudTrailTrail',
    detail: (t) => ({ Name: t.name, ...(t.arn ? { TrailArn: t.arn } : {}) }),
  },
  'event-bus': {
    type: 'AwsEventsEventbus',
    detail: (t) => ({ Name: t.name, ...(t.arn ? { Arn: t.arn } : {}) }),
  },
  topic: { type: 'AwsSnsTopic', detail: (t) => ({ TopicName: t.name }) },
  function: { type: 'AwsLambdaFunction', detail: (t) => ({ FunctionName: t.name }) },
  key: { type: 'AwsKmsKey', detail: (t) => ({ KeyId: t.name }) },
  table: { type: 'AwsDynamoDbTable', detail: (t) => ({ TableName: t.name }) },
  alarm: {
    type: 'AwsCloudWatchAlarm',
    detail: (t) => ({ AlarmName: t.name, ...(t.arn ? { AlarmArn: t.arn } : {}) }),
  },
  queue: { type: 'AwsSqsQueue', detail: (t) => ({ QueueName: t.name }) },
  role: { type: 'AwsIamRole', detail: (t) => ({ RoleName: t.name }) },
  stack: { type: 'AwsCloudFormationStack', detail: (t) => ({ StackName: t.name }) },
};

type Target = NonNullable<Finding['target']>;

function targetResource(t: Target, at: ResourceContext): AsffResource {
  const known = TARGET_TYPES[t.type];
  const details = known
    ? { [known.type]: known.detail(t) }
    : {
        Other: {
          Service: t.service,
          Type: t.type,
          Name: at.cuts.fit(`${at.path}.Details.Other.Name`, t.name, 1024, clip),
        },
      };
  return {
    Type: known?.type ?? 'Other',
    Id: at.cuts.fit(`${at.path}.Id`, t.arn ?? t.name, RESOURCE_ID_MAX, clip),
    ...placed(resourcePlace(t.arn?.split(':')[3], at.own)),
    Details: details,
  };
}

/** What a resource is rendered with: the finding's own place, and where cuts are recorded. */
interface ResourceContext {
  own: Place;
  cuts: Cuts;
  /** `Resources[2]` */
  path: string;
}

function placed(p: Place): { Partition: string; Region?: string } {
  return p.region ? { Partition: p.partition, Region: p.region } : { Partition: p.partition };
}

export function asffTypes(f: Finding): string[] {
  const types = [...(TYPES[f.detectionId] ?? [`Unusual Behaviors/Serverless/${f.detectionId}`])];
  if (f.permission?.public) types.push('Effects/Data Exposure/Lambda Layer Shared Publicly');
  for (const m of f.mitre) types.push(`TTPs/${m.tactic}/${m.techniqueId}-${m.techniqueName}`);
  return [...new Set(types)];
}

/**
 * At most `max` UTF-16 code units (the stricter way to count characters), whole code points only,
 * an ellipsis marking a cut.
 */
export function clip(value: string, max: number): string {
  if (value.length <= max) return value;
  let out = '';
  for (const ch of value) {
    if (out.length + ch.length > max - 1) break;
    out += ch;
  }
  return `${out}\u2026`;
}

/** RFC 3339 in UTC with milliseconds, as Security Hub prints its own timestamps. */
function timestamp(ms: number): string {
  return new Date(ms).toISOString();
}

export function defaultProductArn(partition: string, region: string, account: string): string {
  return `arn:${partition}:securityhub:${region}:${account}:product/${account}/default`;
}

const LAYER = /^arn:([^:]+):lambda:([^:]+):(\d{12}):layer:([^:]+):(\d+)$/;

function layerResource(arn: string, f: Finding, at: ResourceContext): AsffResource {
  const m = LAYER.exec(arn);
  const p = f.provenance.find((x) => x.versionArn === arn);
  const details: Record<string, unknown> = {};
  // A Long in ASFF: a version of more digits than a JSON number keeps exactly is left out (the Id has it).
  const version = m ? exactInteger(m[5] as string) : null;
  if (version !== null) details.Version = version;
  if (p?.details?.compatibleRuntimes.length) details.CompatibleRuntimes = p.details.compatibleRuntimes;
  if (p?.details?.createdDate) details.CreatedDate = p.details.createdDate;
  return {
    Type: 'AwsLambdaLayerVersion',
    Id: at.cuts.fit(`${at.path}.Id`, arn, RESOURCE_ID_MAX, clip),
    ...placed(resourcePlace(m?.[2], at.own)),
    ...(Object.keys(details).length > 0 ? { Details: { AwsLambdaLayerVersion: details } } : {}),
  };
}

/**
 * The function (with what is known of it) first, then each layer version the finding names. Each
 * resource's partition is the finding's own, its region the ARN's only when real and of that
 * partition: a forged ARN cannot put `evil` or blanks in Security Hub's fields.
 */
export function asffResources(
  f: Finding,
  account: string,
  own: Place = ownPlace(f.event.region, ASFF_PARTITIONS),
  cuts: Cuts = new Cuts(),
): AsffResource[] {
  const out: AsffResource[] = [];
  const at = (): ResourceContext => ({ own, cuts, path: `Resources[${out.length}]` });
  if (f.function) {
    const details: Record<string, unknown> = { FunctionName: f.function.name };
    if (f.function.runtime) details.Runtime = f.function.runtime;
    if (f.function.role) details.Role = f.function.role;
    const layers = f.layers?.current ?? f.layers?.after;
    if (layers && layers.length > 0) details.Layers = layers.map((Arn) => ({ Arn }));
    const c = at();
    out.push({
      Type: 'AwsLambdaFunction',
      Id: cuts.fit(`${c.path}.Id`, f.function.arn, RESOURCE_ID_MAX, clip),
      ...placed(resourcePlace(f.function.region, own)),
      Details: { AwsLambdaFunction: details },
    });
  }
  const layers = new Set<string>(f.provenance.map((p) => p.versionArn));
  if (f.layer?.versionArn) layers.add(f.layer.versionArn);
  for (const arn of layers) if (out.length < RESOURCES_MAX) out.push(layerResource(arn, f, at()));
  if (f.target && out.length < RESOURCES_MAX) out.push(targetResource(f.target, at()));
  if (out.length === 0) out.push({ Type: 'AwsAccount', Id: `AWS::::Account:${account}`, ...placed(own) });
  if (layers.size + (f.function ? 1 : 0) + (f.target ? 1 : 0) > RESOURCES_MAX) cuts.add('Resources');
  return out;
}

function productFields(f: Finding, version: string, cuts: Cuts): Record<string, string> {
  const join = (xs: readonly string[] | null | undefined) => (xs && xs.length > 0 ? xs.join(' ') : null);
  const fields: Record<string, string | null> = {
    ProviderName: 'layerwatch',
    ProviderVersion: version,
    'layerwatch/FindingId': f.findingId,
    'layerwatch/DetectionId': f.detectionId,
    'layerwatch/RiskScore': String(f.riskScore),
    'layerwatch/EventId': f.event.id,
    'layerwatch/EventName': f.event.name,
    'layerwatch/EventTime': f.event.time,
    'layerwatch/EventAccount': f.event.account,
    'layerwatch/EventRegion': f.event.region,
    'layerwatch/SourceIp': f.event.sourceIp,
    'layerwatch/UserAgent': f.event.userAgent,
    'layerwatch/ActorArn': f.actor.arn ?? f.actor.principalId,
    'layerwatch/ActorKind': f.actor.kind,
    'layerwatch/AccessKeyId': f.actor.accessKeyId,
    'layerwatch/SessionIssuer': f.actor.sessionIssuerArn,
    'layerwatch/LayersBefore': join(f.layers?.before),
    'layerwatch/LayersAfter': join(f.layers?.after),
    'layerwatch/LayersAdded': join(f.layers?.added),
    'layerwatch/LayersRemoved': join(f.layers?.removed),
    'layerwatch/SharedWith': f.permission?.principal ?? null,
    'layerwatch/Target': f.target ? `${f.target.type} ${f.target.arn ?? f.target.name}` : null,
    'layerwatch/RevertCommand': f.remediation.revertCommand,
    'layerwatch/Reasons': f.reasons.join('; ') || null,
    'layerwatch/Gaps': f.gaps.join('; ') || null,
    'layerwatch/ContentSignals': contentSignals(f),
    'layerwatch/Related': join(f.related),
    'layerwatch/RunsIn': f.runsIn ? runsInText(f.runsIn) || 'nowhere known' : null,
    'layerwatch/CodeSigning': f.posture ? codeSigningLine(f.posture.codeSigning) : null,
    'layerwatch/Guardrail': f.posture ? `${f.posture.guardrail.verdict}: ${f.posture.guardrail.line}` : null,
    'layerwatch/Suppression': f.suppression ? `${f.suppression.rule}: ${f.suppression.match}` : null,
    'layerwatch/ExecHooks': f.execHooks
      ? Object.entries(f.execHooks.after)
          .map(([k, v]) => `${k}=${v}`)
          .join('; ')
      : null,
    'layerwatch/ExecHooksChanged': f.execHooks?.changed.map((c) => c.variable).join(' ') || null,
  };
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(fields)) {
    const text = value === null ? '' : oneLine(value);
    if (text !== '') out[key] = cuts.fit(`ProductFields.${key}`, text, PRODUCT_FIELD_VALUE_MAX - 1, clip);
  }
  return out;
}

/** Every layer's signals as `id:severity path`, most severe first (Lambda host; null when none). */
function contentSignals(f: Finding): string | null {
  const all = (f.inspection?.layers ?? []).flatMap((l) =>
    l.signals.map((s) => `${s.id}:${s.severity}${s.path ? ` ${s.path}` : ''}`),
  );
  return all.length > 0 ? all.join('; ') : null;
}

function recommendation(f: Finding, cuts: Cuts): { Text: string; Url?: string } {
  const revert = f.remediation.revertCommand;
  const first = f.remediation.nextSteps[0] ?? 'Confirm the change with the owner of the resource.';
  let text = revert ? `${first} To undo it: ${revert}` : f.remediation.nextSteps.join(' ') || first;
  // A long revert command lives whole in ProductFields; the text says where.
  if (text.length > RECOMMENDATION_MAX && revert)
    text = `${first} The command that undoes it is in ProductFields "layerwatch/RevertCommand".`;
  const url = DETECTIONS.find((d) => d.id === f.detectionId)?.references[0];
  return {
    Text: cuts.fit('Remediation.Recommendation.Text', oneLine(text), RECOMMENDATION_MAX, clip),
    ...(url ? { Url: url } : {}),
  };
}

function action(f: Finding, seen: string, cuts: Cuts): Record<string, unknown> {
  const ip = f.event.sourceIp;
  const call: Record<string, unknown> = {
    Api: cuts.fit('Action.AwsApiCallAction.Api', f.event.name.replace(/\d{8}(v\d+)?$/, ''), API_MAX, clip),
    ServiceName: serviceSource(f.target?.service),
    FirstSeen: seen,
    LastSeen: seen,
  };
  if (ip && isIpAddress(ip)) {
    call.CallerType = 'remoteip';
    if (!ip.includes(':')) call.RemoteIpDetails = { IpAddressV4: ip };
  } else if (ip) {
    call.CallerType = 'domain';
    call.DomainDetails = { Domain: cuts.fit('Action.AwsApiCallAction.DomainDetails.Domain', ip, 128, clip) };
  }
  return { ActionType: 'AWS_API_CALL', AwsApiCallAction: call };
}

/**
 * Every field within Security Hub's documented limits whatever the record says; `ProductFields`
 * `layerwatch/Truncated` lists each field that was cut (and `EventTime` when a forged time was
 * brought within range), so a cut value is never taken for the event's exact text.
 */
export function renderAsff(f: Finding, options: AsffOptions): AsffFinding {
  const time = renderTime(f);
  const seen = timestamp(time.ms);
  const updatedMs = Date.parse(options.updatedAt);
  if (Number.isNaN(updatedMs)) throw new Error(`updatedAt "${options.updatedAt}" is not a date`);
  const account = options.account ?? f.event.account;
  const region = options.region ?? f.event.region;
  const own = ownPlace(region, ASFF_PARTITIONS);
  const cuts = new Cuts();
  if (time.clamped) cuts.add('CreatedAt');
  const severity = { Label: LABEL[f.severity], Original: String(f.riskScore) };
  const types = asffTypes(f);
  const finding: AsffFinding = {
    SchemaVersion: ASFF_SCHEMA_VERSION,
    Id: `layerwatch/${f.detectionId}/${f.findingId}`,
    ProductArn: defaultProductArn(own.partition, region, account),
    GeneratorId: `layerwatch/${f.detectionId}`,
    AwsAccountId: account,
    Types: types,
    CreatedAt: seen,
    UpdatedAt: timestamp(Math.max(updatedMs, time.ms)),
    FirstObservedAt: seen,
    LastObservedAt: seen,
    Severity: severity,
    FindingProviderFields: { Severity: severity, Types: types },
    Title: cuts.fit('Title', oneLine(f.title), TITLE_MAX, clip),
    Description: cuts.fit('Description', describeFinding(f), DESCRIPTION_MAX, clip),
    CompanyName: 'layerwatch',
    ProductName: 'layerwatch',
    Remediation: { Recommendation: recommendation(f, cuts) },
    ...(options.sourceUrl ? { SourceUrl: options.sourceUrl } : {}),
    ProductFields: productFields(f, options.productVersion, cuts),
    Resources: asffResources(f, account, own, cuts),
    Action: action(f, seen, cuts),
    RecordState: 'ACTIVE',
  };
  if (cuts.list.length > 0)
    finding.ProductFields['layerwatch/Truncated'] = clip(cuts.list.join(' '), PRODUCT_FIELD_VALUE_MAX - 1);
  return finding;
}
