/**
 * A finding as an OCSF Detection Finding (class 2004, schema 1.5.0), for security data lakes and
 * SIEMs that speak OCSF (Amazon Security Lake, Splunk, Sentinel...). Pure: the product version is
 * passed in by the host. Profiles: `cloud` (cloud, api) and `host` (actor); what OCSF has no
 * attribute for travels in `unmapped.layerwatch`.
 */
import type { MitreTechnique } from '../detections/detection.js';
import { DETECTIONS } from '../detections/index.js';
import type { Finding } from '../finding.js';
import type { Severity } from '../severity.js';
import { cut, oneLine } from '../text.js';
import { Cuts, ownPlace, renderTime, resourcePlace } from './limits.js';
import { apiOf, ocsfTargetResource, type Resource } from './target.js';

export const OCSF_VERSION = '1.5.0';
const CLASS_UID = 2004;
/** 1 Create: every finding is a new detection of one CloudTrail event. */
const ACTIVITY_ID = 1;

export interface OcsfOptions {
  /** layerwatch's version (package.json), for metadata.product.version. */
  productVersion: string;
}

const SEVERITY_ID: Record<Severity, number> = {
  informational: 1,
  low: 2,
  medium: 3,
  high: 4,
  critical: 5,
};
const SEVERITY_NAME: Record<Severity, string> = {
  informational: 'Informational',
  low: 'Low',
  medium: 'Medium',
  high: 'High',
  critical: 'Critical',
};
/** OCSF risk_level_id: 0 Info, 1 Low, 2 Medium, 3 High, 4 Critical. */
const RISK_LEVEL_ID: Record<Severity, number> = { informational: 0, low: 1, medium: 2, high: 3, critical: 4 };
const RISK_LEVEL_NAME: Record<Severity, string> = {
  informational: 'Info',
  low: 'Low',
  medium: 'Medium',
  high: 'High',
  critical: 'Critical',
};

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const IPV6 = /^[0-9a-fA-F:.]{2,45}$/;

/** CloudTrail puts an IP address, or an AWS service's host name, in sourceIPAddress. */
export function isIpAddress(value: string): boolean {
  return IPV4.test(value) || (value.includes(':') && IPV6.test(value));
}

/** ATT&CK tactics by name, for their ids. */
const TACTICS: Record<string, string> = {
  Reconnaissance: 'TA0043',
  'Resource Development': 'TA0042',
  'Initial Access': 'TA0001',
  Execution: 'TA0002',
  Persistence: 'TA0003',
  'Privilege Escalation': 'TA0004',
  'Defense Evasion': 'TA0005',
  'Credential Access': 'TA0006',
  Discovery: 'TA0007',
  'Lateral Movement': 'TA0008',
  Collection: 'TA0009',
  'Command and Control': 'TA0011',
  Exfiltration: 'TA0010',
  Impact: 'TA0040',
};

export interface OcsfAttack {
  tactic: { name: string; uid?: string; src_url?: string };
  technique: { uid: string; name: string; src_url: string };
  sub_technique?: { uid: string; name: string; src_url: string };
}

/** One OCSF attack per technique the finding names; `T1234.001` is a sub-technique of T1234. */
export function mitreAttacks(mitre: readonly MitreTechnique[]): OcsfAttack[] {
  return mitre.map((m) => {
    const tacticUid = TACTICS[m.tactic];
    const tactic = tacticUid
      ? { name: m.tactic, uid: tacticUid, src_url: `https://attack.mitre.org/tactics/${tacticUid}/` }
      : { name: m.tactic };
    const [parent = m.techniqueId, sub] = m.techniqueId.split('.');
    if (!sub) return { tactic, technique: { uid: m.techniqueId, name: m.techniqueName, src_url: m.url } };
    return {
      tactic,
      technique: { uid: parent, name: parent, src_url: `https://attack.mitre.org/techniques/${parent}/` },
      sub_technique: { uid: m.techniqueId, name: m.techniqueName, src_url: m.url },
    };
  });
}

/** Every AWS partition: a resource's own is one of them, whatever its ARN says. */
export const PARTITIONS = [
  'aws',
  'aws-cn',
  'aws-us-gov',
  'aws-iso',
  'aws-iso-b',
  'aws-iso-e',
  'aws-iso-f',
  'aws-eusc',
];

export type OcsfDetectionFinding = Record<string, unknown> & {
  class_uid: 2004;
  type_uid: number;
  finding_info: Record<string, unknown> & { uid: string; title: string; attacks: OcsfAttack[] };
};

function analyticName(detectionId: string): string {
  return DETECTIONS.find((d) => d.id === detectionId)?.title ?? detectionId;
}

/** The finding in a few sentences: what, how bad, and why. */
export function describeFinding(f: Finding): string {
  const parts = [
    `${oneLine(f.title)}.`,
    `Severity ${f.severity} (risk score ${f.riskScore}).`,
    f.reasons.length > 0 ? `Why: ${f.reasons.map(oneLine).join('; ')}.` : '',
    f.gaps.length > 0 ? `Not known: ${f.gaps.map(oneLine).join('; ')}.` : '',
  ];
  return parts.filter(Boolean).join(' ');
}

function account(uid: string) {
  return { uid, name: uid, type_id: 10, type: 'AWS Account' };
}

/** OCSF user.type_id: 1 User, 2 Admin, 3 System, 99 Other. */
function userType(f: Finding): { type_id: number; type: string } {
  const a = f.actor;
  if (a.kind === 'root') return { type_id: 2, type: 'Admin' };
  if (a.kind === 'aws-service') return { type_id: 3, type: 'System' };
  if (a.human) return { type_id: 1, type: 'User' };
  return { type_id: 99, type: a.type ?? 'Unknown' };
}

/** The OCSF actor (host profile): the CloudTrail userIdentity, with its session when it has one. */
export function ocsfActor(f: Finding, cuts: Cuts = new Cuts()): Record<string, unknown> {
  const a = f.actor;
  const actor: Record<string, unknown> = {};
  const uid = a.arn ?? a.principalId ?? a.invokedBy;
  if (uid) {
    const name = a.arn ? (a.arn.split('/').pop() ?? a.arn) : uid;
    actor.user = {
      uid,
      name: cuts.fit('actor.user.name', oneLine(name), 256, cut),
      ...userType(f),
      account: account(a.accountId ?? f.event.account),
      ...(a.accessKeyId ? { credential_uid: a.accessKeyId } : {}),
      ...(a.principalId && a.principalId !== uid ? { uid_alt: a.principalId } : {}),
    };
  }
  if (a.sessionIssuerArn || a.credentials === 'temporary') {
    const session: Record<string, unknown> = {};
    if (a.sessionIssuerArn) session.issuer = a.sessionIssuerArn;
    if (a.accessKeyId) session.credential_uid = a.accessKeyId;
    if (a.mfaAuthenticated !== null) session.is_mfa = a.mfaAuthenticated;
    actor.session = session;
  }
  if (a.invokedBy) actor.invoked_by = a.invokedBy;
  if (f.event.userAgent) actor.app_name = cuts.fit('actor.app_name', oneLine(f.event.userAgent), 256, cut);
  return actor;
}

/** The function and every layer version the finding is about, each with its account and region. */
export function ocsfResources(f: Finding): Resource[] {
  const own = ownPlace(f.event.region, PARTITIONS);
  const partition = own.partition;
  // A forged ARN's region is replaced by the finding's own (the event's, as `cloud.region`).
  const at = (arnRegion: string | null | undefined) => resourcePlace(arnRegion, own).region ?? f.event.region;
  const out: Resource[] = [];
  if (f.function) {
    out.push({
      uid: f.function.arn,
      name: f.function.name,
      type: 'AWS::Lambda::Function',
      region: at(f.function.region),
      cloud_partition: partition,
      data: {
        account_uid: f.function.account,
        runtime: f.function.runtime,
        role: f.function.role,
        // Where the layers run: `$LATEST`, each alias (its version, its share), each version.
        ...(f.runsIn ? { runs_in: f.runsIn.map((r) => ({ ...r })) } : {}),
      },
    });
  }
  const layers = new Set<string>(f.provenance.map((p) => p.versionArn));
  if (f.layer) layers.add(f.layer.versionArn ?? f.layer.layerArn);
  for (const arn of layers) {
    const m = /^arn:[^:]+:lambda:([^:]+):(\d{12}):layer:([^:]+)/.exec(arn);
    const p = f.provenance.find((x) => x.versionArn === arn);
    out.push({
      uid: arn,
      name: m?.[3] ?? arn,
      type: 'AWS::Lambda::LayerVersion',
      region: at(m?.[1]),
      cloud_partition: partition,
      data: {
        account_uid: m?.[2] ?? null,
        relation: p?.relation ?? null,
        sharing: p?.sharing ?? null,
        code_sha256: p?.details?.codeSha256 ?? null,
        ...contentData(f, arn),
      },
    });
  }
  if (f.target) {
    const target = ocsfTargetResource(f.target, f.event.region, partition);
    out.push({ ...target, region: at(target.region) });
  }
  return out;
}

/** What the inspection found in a layer version (Lambda host), when it was inspected. */
function contentData(f: Finding, arn: string): Record<string, unknown> {
  const l = f.inspection?.layers.find((x) => x.versionArn === arn);
  if (!l) return {};
  return { content_status: l.status, content_signals: l.signals.map((s) => `${s.id}:${s.severity}`) };
}

/** The CloudTrail event that fired the finding, as evidence: who, from where, which call. */
function evidence(f: Finding, cuts: Cuts): Record<string, unknown> {
  const ev: Record<string, unknown> = {
    name: `CloudTrail event ${f.event.id}`,
    api: apiOf(f.event.name, f.target?.service),
    actor: ocsfActor(f, cuts),
    data: {
      event_uid: f.event.id,
      event_time: f.event.time,
      account_uid: f.event.account,
      region: f.event.region,
      source_ip_address: f.event.sourceIp,
      user_agent: f.event.userAgent,
    },
  };
  const ip = f.event.sourceIp;
  if (ip && isIpAddress(ip)) ev.src_endpoint = { ip };
  else if (ip) ev.src_endpoint = { svc_name: ip };
  return ev;
}

function remediation(f: Finding): Record<string, unknown> {
  const steps = [...f.remediation.nextSteps];
  if (f.remediation.revertCommand) steps.push(`Revert: ${f.remediation.revertCommand}`);
  return {
    desc: steps.length > 0 ? steps.join('\n') : 'Review the change with the owner of the resource.',
    references: f.mitre.map((m) => m.url),
  };
}

function observables(f: Finding): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  if (f.event.sourceIp && isIpAddress(f.event.sourceIp))
    out.push({
      name: 'evidences.src_endpoint.ip',
      type_id: 2,
      type: 'IP Address',
      value: f.event.sourceIp,
    });
  if (f.actor.arn)
    out.push({ name: 'actor.user.uid', type_id: 10, type: 'Resource UID', value: f.actor.arn });
  for (const r of ocsfResources(f))
    out.push({ name: 'resources.uid', type_id: 10, type: 'Resource UID', value: r.uid });
  return out;
}

function status(f: Finding): Record<string, unknown> {
  if (f.suppression)
    return {
      status_id: 3,
      status: 'Suppressed',
      status_detail: `${f.suppression.rule}: ${f.suppression.match}`,
    };
  return { status_id: 1, status: 'New' };
}

/** What layerwatch knows of the caller beyond OCSF's actor (unmapped.layerwatch.actor_context). */
function actorContext(f: Finding) {
  return {
    kind: f.actor.kind,
    human: f.actor.human,
    credentials: f.actor.credentials,
    console_session: f.actor.consoleSession,
    sso_permission_set: f.actor.ssoPermissionSet,
    tooling: f.actor.tooling,
    deploy_principal: f.actor.deployPrincipal,
    cross_account: f.actor.crossAccount,
  };
}

/**
 * A forged time is brought within range (never a negative `time`), and every field that was cut or
 * moved is named in `unmapped.layerwatch.truncated_fields` with `truncated: true`.
 */
export function renderOcsf(f: Finding, options: OcsfOptions): OcsfDetectionFinding {
  const { ms: time, clamped } = renderTime(f);
  const name = analyticName(f.detectionId);
  const cuts = new Cuts();
  if (clamped) cuts.add('time');
  const rendered: OcsfDetectionFinding = {
    activity_id: ACTIVITY_ID,
    activity_name: 'Create',
    category_uid: 2,
    category_name: 'Findings',
    class_uid: CLASS_UID,
    class_name: 'Detection Finding',
    type_uid: CLASS_UID * 100 + ACTIVITY_ID,
    type_name: 'Detection Finding: Create',
    severity_id: SEVERITY_ID[f.severity],
    severity: SEVERITY_NAME[f.severity],
    risk_score: f.riskScore,
    risk_level_id: RISK_LEVEL_ID[f.severity],
    risk_level: RISK_LEVEL_NAME[f.severity],
    ...status(f),
    time,
    message: oneLine(f.title),
    metadata: {
      version: OCSF_VERSION,
      uid: f.findingId,
      event_code: f.event.name,
      original_time: f.event.time,
      log_provider: 'AWS CloudTrail',
      profiles: ['cloud', 'host'],
      product: { name: 'layerwatch', vendor_name: 'layerwatch', version: options.productVersion },
    },
    finding_info: {
      uid: f.findingId,
      title: cuts.fit('finding_info.title', oneLine(f.title), 256, cut),
      desc: describeFinding(f),
      types: [f.detectionId],
      created_time: time,
      first_seen_time: time,
      last_seen_time: time,
      data_sources: ['AWS CloudTrail'],
      analytic: { uid: f.detectionId, name, type_id: 1, type: 'Rule' },
      attacks: mitreAttacks(f.mitre),
      related_events: f.related.map((uid) => ({ uid, type: 'CloudTrail event' })),
    },
    cloud: { provider: 'AWS', region: f.event.region, account: account(f.event.account) },
    api: apiOf(f.event.name, f.target?.service),
    actor: ocsfActor(f, cuts),
    resources: ocsfResources(f),
    evidences: [evidence(f, cuts)],
    observables: observables(f),
    remediation: remediation(f),
    unmapped: {
      layerwatch: {
        schema_version: f.schemaVersion,
        reasons: f.reasons,
        gaps: f.gaps,
        layers: f.layers,
        permission: f.permission,
        provenance: f.provenance,
        inspection: f.inspection ?? null,
        posture: f.posture ?? null,
        actor_context: actorContext(f),
        revert_command: f.remediation.revertCommand,
        suppression: f.suppression,
        exec_hooks: f.execHooks,
        target: f.target ?? null,
        ...(cuts.list.length > 0 ? { truncated: true, truncated_fields: [...new Set(cuts.list)] } : {}),
      },
    },
  };
  return rendered;
}
