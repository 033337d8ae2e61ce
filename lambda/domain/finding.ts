/** The finding: what every host emits. Mirrors schema/finding.schema.json (version 1). */
import { createHash } from 'node:crypto';
import type { ActorContext } from './actor.js';
import { parseFunctionArn, parseLayerArn } from './arn.js';
import type { Detection, Evidence, LayerChange, MitreTechnique } from './detections/detection.js';
import type { VersionChange } from './layers.js';
import { type FunctionDetails, isFunctionEvent, type LambdaEvent } from './model.js';
import type { LayerProvenance } from './provenance.js';
import type { Score } from './scoring.js';
import type { Severity } from './severity.js';
import type { Suppression } from './suppression.js';

export const SCHEMA_VERSION = 1;

export interface Finding {
  schemaVersion: 1;
  findingId: string;
  detectionId: string;
  title: string;
  severity: Severity;
  riskScore: number;
  reasons: string[];
  event: {
    id: string;
    name: string;
    time: string;
    region: string;
    account: string;
    sourceIp: string | null;
    userAgent: string | null;
  };
  actor: {
    type: string | null;
    arn: string | null;
    principalId: string | null;
    accountId: string | null;
    accessKeyId: string | null;
    sessionIssuerArn: string | null;
    mfaAuthenticated: boolean | null;
    invokedBy: string | null;
  } & ActorContext;
  function: {
    arn: string;
    name: string;
    account: string;
    region: string;
    runtime: string | null;
    role: string | null;
  } | null;
  layers: {
    before: string[] | null;
    after: string[];
    added: string[];
    removed: string[];
    versionChanged: VersionChange[];
    /** The function's live list when the detector read it; null when not read. */
    current: string[] | null;
    baseline: 'known' | 'unknown';
  } | null;
  layer: {
    versionArn: string | null;
    layerArn: string;
    account: string;
    name: string;
    version: number | null;
  } | null;
  permission: {
    principal: string;
    organizationId: string | null;
    public: boolean;
    statementId: string | null;
    action: string | null;
  } | null;
  /** Event ids of earlier events that bear on this one. */
  related: string[];
  mitre: MitreTechnique[];
  remediation: {
    /** The exact AWS CLI command that undoes the change, when the previous state is known. */
    revertCommand: string | null;
    nextSteps: string[];
  };
  /** What the detector could not find out (enrichment that failed), in words. */
  gaps: string[];
  /** Where each layer the finding is about comes from, and what could be read about it. */
  provenance: LayerProvenance[];
  /** Set when settings keep this finding from being published (it is still logged and counted). */
  suppression: Suppression | null;
}

export function findingIdOf(event: LambdaEvent, detectionId: string): string {
  const key = `${event.meta.account}|${event.meta.region}|${event.meta.id}|${detectionId}`;
  return createHash('sha256').update(key).digest('hex').slice(0, 32);
}

/** Characters that need no quoting in a POSIX shell; ARNs from a valid record only use these. */
const SHELL_SAFE = /^[A-Za-z0-9_.:/$-]+$/;

function quote(value: string): string {
  return SHELL_SAFE.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * `aws lambda update-function-configuration` restoring `layers`, or null when a value could not be
 * a real ARN (a crafted record must never produce a command someone pastes into a shell).
 */
export function revertLayersCommand(
  functionArn: string,
  region: string,
  layers: readonly string[],
): string | null {
  if (!parseFunctionArn(functionArn) || !layers.every((arn) => parseLayerArn(arn)?.version != null))
    return null;
  const list = layers.length === 0 ? '[]' : layers.map(quote).join(' ');
  return `aws lambda update-function-configuration --region ${quote(region)} --function-name ${quote(functionArn)} --layers ${list}`;
}

export function removePermissionCommand(
  layerArn: string,
  version: number,
  region: string,
  statementId: string,
): string | null {
  if (!parseLayerArn(layerArn) || !/^[A-Za-z0-9_-]{1,100}$/.test(statementId)) return null;
  return `aws lambda remove-layer-version-permission --region ${quote(region)} --layer-name ${quote(layerArn)} --version-number ${version} --statement-id ${quote(statementId)}`;
}

export interface FindingParts {
  detection: Detection;
  evidence: Evidence;
  event: LambdaEvent;
  change: LayerChange | null;
  score: Score;
  related: string[];
  gaps: string[];
  /** Runtime and role: the event's own, else what the host read from the live function. */
  details: FunctionDetails;
  actor: ActorContext;
  provenance: LayerProvenance[];
}

export function buildFinding({
  detection,
  evidence,
  event,
  change,
  score,
  related,
  gaps,
  details,
  actor: context,
  provenance,
}: FindingParts): Finding {
  const { meta, actor } = event;
  const layerParts = evidence.layerArn ? parseLayerArn(evidence.layerArn) : null;
  const finding: Finding = {
    schemaVersion: 1,
    findingId: findingIdOf(event, detection.id),
    detectionId: detection.id,
    title: evidence.title,
    severity: score.severity,
    riskScore: score.riskScore,
    reasons: score.reasons,
    event: {
      id: meta.id,
      name: meta.name,
      time: meta.time,
      region: meta.region,
      account: meta.account,
      sourceIp: meta.sourceIp,
      userAgent: meta.userAgent,
    },
    actor: {
      type: actor.type,
      arn: actor.arn,
      principalId: actor.principalId,
      accountId: actor.accountId,
      accessKeyId: actor.accessKeyId,
      sessionIssuerArn: actor.sessionIssuerArn,
      mfaAuthenticated: actor.mfaAuthenticated,
      invokedBy: actor.invokedBy,
      ...context,
    },
    function: null,
    layers: null,
    layer: null,
    permission: null,
    related,
    mitre: detection.mitre,
    remediation: { revertCommand: null, nextSteps: [] },
    gaps,
    provenance,
    suppression: null,
  };

  if (isFunctionEvent(event)) {
    finding.function = { ...pick(event.fn), runtime: details.runtime, role: details.role };
    if (change?.after) {
      finding.layers = {
        before: change.before,
        after: change.after,
        added: change.diff ? change.diff.added : change.after,
        removed: change.diff ? change.diff.removed : [],
        versionChanged: change.diff ? change.diff.versionChanged : [],
        current: change.current,
        baseline: change.before === null ? 'unknown' : 'known',
      };
    }
    if (layerParts) {
      finding.layer = {
        versionArn: evidence.layerArn,
        layerArn: layerParts.layerArn,
        account: layerParts.account,
        name: layerParts.name,
        version: layerParts.version,
      };
    }
    if (event.kind === 'UpdateFunctionConfiguration' && change?.before) {
      finding.remediation.revertCommand = revertLayersCommand(event.fn.arn, event.fn.region, change.before);
    }
  } else {
    const { layer } = event;
    finding.layer = {
      versionArn: layer.versionArn,
      layerArn: layer.layerArn,
      account: layer.account,
      name: layer.name,
      version: layer.version,
    };
    if (event.kind === 'AddLayerVersionPermission') {
      const p = event.permission;
      finding.permission = {
        principal: p.principal,
        organizationId: p.organizationId,
        public: p.public,
        statementId: p.statementId,
        action: p.action,
      };
      if (layer.version !== null && p.statementId) {
        finding.remediation.revertCommand = removePermissionCommand(
          layer.layerArn,
          layer.version,
          layer.region,
          p.statementId,
        );
      }
    }
  }
  finding.remediation.nextSteps = nextSteps(finding);
  return finding;
}

function pick(fn: { arn: string; name: string; account: string; region: string }) {
  return { arn: fn.arn, name: fn.name, account: fn.account, region: fn.region };
}

function nextSteps(f: Finding): string[] {
  const steps: string[] = [];
  const who = f.actor.arn ?? f.actor.principalId ?? 'the caller';
  switch (f.detectionId) {
    case 'lambda-layer-added':
    case 'lambda-function-created-with-layers':
    case 'lambda-layer-drift':
    case 'lambda-layer-version-changed':
      steps.push(
        `Confirm with the owner of ${f.function?.name ?? 'the function'} that this layer change was planned.`,
      );
      if (f.layer) {
        steps.push(
          `Inspect the layer: aws lambda get-layer-version --region ${f.event.region} --layer-name ${f.layer.layerArn} --version-number ${f.layer.version ?? '<version>'} (download Content.Location and read its code, extensions live in /opt/extensions).`,
        );
      }
      steps.push(`Review what else ${who} did around ${f.event.time} (CloudTrail event history).`);
      if (f.remediation.revertCommand)
        steps.push('If it was not planned, restore the previous layers with the revert command.');
      break;
    case 'lambda-layer-removed':
      steps.push('Check whether a layer added earlier is being cleaned up after use.');
      break;
    case 'lambda-layer-version-published':
      steps.push(`Check that ${who} publishes layers as part of a known release process.`);
      steps.push('Watch for this layer version being attached to functions.');
      break;
    case 'lambda-layer-shared':
      steps.push('Confirm that the layer is meant to be used by the principal it was shared with.');
      if (f.remediation.revertCommand) steps.push('If not, remove the permission with the revert command.');
      break;
  }
  return steps;
}
