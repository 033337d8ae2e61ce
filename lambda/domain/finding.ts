/** Builds the finding (finding-model.ts) from a detection's evidence and what the host knows. */
import * as crypto from 'node:crypto';
import type { ActorContext } from './actor.js';
import { parseLayerArn } from './arn.js';
import type { Detection, Evidence, HookChange, LayerChange } from './detections/detection.js';
import type { ExecHooks, Finding } from './finding-model.js';
import type { FindingInspection } from './layer-inspection.js';
import {
  type FunctionDetails,
  type FunctionEvent,
  type FunctionRef,
  isAliasEvent,
  isFunctionEvent,
  type LambdaEvent,
  type PublishEvent,
  type ShareEvent,
  type TamperEvent,
} from './model.js';
import type { LayerProvenance } from './provenance.js';
import {
  nextSteps,
  removePermissionCommand,
  revertLayersCommand,
  tamperRevertCommand,
} from './remediation.js';
import type { Score } from './scoring.js';
import { cut, oneLine, safeText } from './text.js';

export { type Finding, SCHEMA_VERSION } from './finding-model.js';
export { removePermissionCommand, revertLayersCommand } from './remediation.js';

/**
 * SHA-256 in hex: node's one-shot `hash` (20.12 and later; no Hash stream object per finding),
 * else `createHash`.
 */
const sha256Hex: (text: string) => string =
  typeof crypto.hash === 'function'
    ? (text) => crypto.hash('sha256', text, 'hex')
    : (text) => crypto.createHash('sha256').update(text).digest('hex');

export function findingIdOf(event: LambdaEvent, detectionId: string): string {
  const key = `${event.meta.account}|${event.meta.region}|${event.meta.id}|${detectionId}`;
  return sha256Hex(key).slice(0, 32);
}

export interface FindingParts {
  detection: Detection;
  evidence: Evidence;
  event: LambdaEvent;
  change: LayerChange | null;
  /** The hook variables before and after (function events whose host read them). */
  hooks?: HookChange | null;
  score: Score;
  related: string[];
  gaps: string[];
  /** Runtime and role: the event's own, else what the host read from the live function. */
  details: FunctionDetails;
  actor: ActorContext;
  provenance: LayerProvenance[];
  /** What the layers' content runs (Lambda host); null when nothing was inspected. */
  inspection?: FindingInspection | null;
}

export function buildFinding(parts: FindingParts): Finding {
  const { event, change, evidence } = parts;
  const finding = commonPart(parts);
  if (isFunctionEvent(event)) {
    Object.assign(finding, functionPart(event, change, evidence, parts.details));
    finding.execHooks = execHooksOf(parts.hooks ?? null);
  } else if (event.kind === 'Tamper') Object.assign(finding, tamperPart(event));
  else if (event.kind === 'PublishVersion' || isAliasEvent(event) || event.kind === 'Denied')
    Object.assign(finding, functionAndLayer(event.fn, evidence, parts.details));
  else Object.assign(finding, layerPart(event));
  // The resource a detection names (detector-tampered on a function event, or the own one of several).
  if (evidence.target) finding.target = { ...evidence.target };
  hookAndOrderRemediation(finding, change);
  finding.remediation.nextSteps = [...nextSteps(finding), ...hookAndOrderSteps(finding)];
  return finding;
}

/**
 * A hook variable cannot be reverted by a command built here: `--environment` replaces the whole
 * environment, whose other values (secrets) layerwatch never keeps. The layer revert stays when the
 * same change attached layers, and for a reorder it restores the previous order.
 */
function hookAndOrderRemediation(finding: Finding, change: LayerChange | null): void {
  if (finding.detectionId !== 'lambda-exec-hook-set') return;
  const layersChanged = change?.diff
    ? change.diff.added.length + change.diff.removed.length + change.diff.versionChanged.length > 0
    : false;
  if (!layersChanged) finding.remediation.revertCommand = null;
}

function hookAndOrderSteps(f: Finding): string[] {
  const fn = f.function?.name ?? 'the function';
  if (f.detectionId === 'lambda-exec-hook-set') {
    const names = (f.execHooks?.changed ?? []).filter((c) => c.to !== null).map((c) => c.variable);
    return [
      `Confirm with the owner of ${fn} that ${names.join(', ') || 'the hook variable'} was set on purpose.`,
      'Read what the value loads: a path in /opt comes from one of the layers (layerwatch inspect on its archive).',
      `To undo it: read the environment (aws lambda get-function-configuration --function-name ${f.function?.arn ?? fn}), then set it again without the variable (--environment replaces every variable, so keep the others).`,
      ...(f.remediation.revertCommand
        ? ['The revert command removes the layers the same change attached.']
        : []),
    ];
  }
  if (f.detectionId === 'lambda-layer-reordered')
    return [
      `Confirm with the owner of ${fn} that the new layer order was planned.`,
      'See which layer now wins each shared file: layerwatch inspect --attached on the layers in their new order.',
      ...(f.remediation.revertCommand
        ? ['If not planned, restore the previous order with the revert command.']
        : []),
    ];
  return [];
}

/** What every finding has, whatever the event: the verdict, the event, the caller, the context. */
function commonPart(parts: FindingParts): Finding {
  const { detection, evidence, event, score, related, gaps, actor: context, provenance } = parts;
  const { meta, actor } = event;
  return {
    schemaVersion: 1,
    findingId: findingIdOf(event, detection.id),
    detectionId: detection.id,
    // Prose for people: one line each, nothing a chat client acts on (the fields below stay exact).
    title: safeText(evidence.title),
    severity: score.severity,
    riskScore: score.riskScore,
    reasons: score.reasons.map(safeText),
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
    gaps: gaps.map(safeText),
    provenance,
    inspection: parts.inspection ?? null,
    suppression: null,
    execHooks: null,
    target: null,
  };
}

/** Longest hook value a finding shows (the baseline keeps the whole value). */
export const HOOK_VALUE_SHOWN = 512;

function shownValue(value: string): string;
function shownValue(value: string | null): string | null;
function shownValue(value: string | null): string | null {
  return value === null ? null : cut(oneLine(value), HOOK_VALUE_SHOWN);
}

function shownValues(values: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, shownValue(v)]));
}

/** The finding's view of the hook variables: null when not read, or when there are none on either side. */
function execHooksOf(hooks: HookChange | null): ExecHooks | null {
  if (!hooks) return null;
  const empty = (v: Readonly<Record<string, string>> | null) => v !== null && Object.keys(v).length === 0;
  if (hooks.changed.length === 0 && empty(hooks.after) && (hooks.before === null || empty(hooks.before)))
    return null;
  return {
    before: hooks.before === null ? null : shownValues(hooks.before),
    after: shownValues(hooks.after),
    changed: hooks.changed.map((c) => ({
      variable: c.variable,
      from: shownValue(c.from),
      to: shownValue(c.to),
      reason: c.reason === null ? null : safeText(c.reason),
    })),
  };
}

type FunctionPart = Pick<Finding, 'function' | 'layers' | 'layer' | 'remediation'>;

/** A function event: the function, its layer lists, the layer the evidence names, the revert. */
function functionPart(
  event: FunctionEvent,
  change: LayerChange | null,
  evidence: Evidence,
  details: FunctionDetails,
): FunctionPart {
  const { fn } = event;
  const named = functionAndLayer(fn, evidence, details);
  return {
    function: named.function,
    layers: change?.after
      ? {
          before: change.before,
          after: change.after,
          added: change.diff ? change.diff.added : change.after,
          removed: change.diff ? change.diff.removed : [],
          versionChanged: change.diff ? change.diff.versionChanged : [],
          current: change.current,
          baseline: change.before === null ? 'unknown' : 'known',
        }
      : null,
    layer: named.layer,
    remediation: {
      revertCommand:
        event.kind === 'UpdateFunctionConfiguration' && change?.before
          ? revertLayersCommand(fn.arn, fn.region, change.before)
          : null,
      nextSteps: [],
    },
  };
}

/** The function an event names, and the layer its evidence names: every function finding has both. */
function functionAndLayer(
  fn: FunctionRef,
  evidence: Evidence,
  details: FunctionDetails,
): Pick<Finding, 'function' | 'layer'> {
  const layerParts = evidence.layerArn ? parseLayerArn(evidence.layerArn) : null;
  return {
    function: {
      arn: fn.arn,
      name: fn.name,
      account: fn.account,
      region: fn.region,
      runtime: details.runtime,
      role: details.role,
    },
    layer: layerParts
      ? {
          versionArn: evidence.layerArn,
          layerArn: layerParts.layerArn,
          account: layerParts.account,
          name: layerParts.name,
          version: layerParts.version,
        }
      : null,
  };
}

type LayerPart = Pick<Finding, 'layer' | 'permission' | 'remediation'>;

/** A layer event (publish, share): the layer version, and for a share the grant and its undo. */
function layerPart(event: PublishEvent | ShareEvent): LayerPart {
  const { layer } = event;
  const part: LayerPart = {
    layer: {
      versionArn: layer.versionArn,
      layerArn: layer.layerArn,
      account: layer.account,
      name: layer.name,
      version: layer.version,
    },
    permission: null,
    remediation: { revertCommand: null, nextSteps: [] },
  };
  if (event.kind !== 'AddLayerVersionPermission') return part;
  const p = event.permission;
  part.permission = {
    principal: p.principal,
    organizationId: p.organizationId,
    public: p.public,
    statementId: p.statementId,
    action: p.action,
  };
  if (layer.version !== null && p.statementId)
    part.remediation.revertCommand = removePermissionCommand(
      layer.layerArn,
      layer.version,
      layer.region,
      p.statementId,
    );
  return part;
}

/** A tampering call: the resource it touched, and the command that undoes it when one exists. */
function tamperPart(event: TamperEvent): Pick<Finding, 'target' | 'remediation'> {
  return {
    target: { ...event.target },
    remediation: { revertCommand: tamperRevertCommand(event), nextSteps: [] },
  };
}
