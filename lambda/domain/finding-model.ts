/**
 * The finding's shape: what every host emits. Mirrors schema/finding.schema.json (version 1).
 * Types only, so that the modules that build, judge and render findings can all depend on it.
 */
import type { ActorContext } from './actor.js';
import type { MitreTechnique } from './detections/detection.js';
import type { FindingInspection } from './layer-inspection.js';
import type { VersionChange } from './layers.js';
import type { TamperTarget } from './model.js';
import type { Posture } from './posture.js';
import type { LayerProvenance } from './provenance.js';
import type { Severity } from './severity.js';

export const SCHEMA_VERSION = 1;

/** Why settings keep a finding from being published. */
export interface Suppression {
  /** Which setting matched, e.g. `suppress.principals` or `minSeverity`. */
  rule: string;
  /** The pattern or value that matched. */
  match: string;
}

/**
 * A function's start-up hook variables (inspection/exec-hook-variable.ts) before and after the
 * event: only those variables, never another environment value; values on one line, cut.
 */
export interface ExecHooks {
  /** Name -> value before the event; null when no earlier state knew them. */
  before: Record<string, string> | null;
  /** Name -> value after the event, as read from the live function. */
  after: Record<string, string>;
  /** Every variable that differs: set (`from` null), changed, removed (`to` null). */
  changed: { variable: string; from: string | null; to: string | null; reason: string | null }[];
}

/** A qualifier that runs a finding's layers (runs-in.ts). */
export interface RunsIn {
  /** `$LATEST`, an alias name, or a version number (called by its number). */
  qualifier: string;
  /** The version an alias routes to, or the version itself; null for `$LATEST`. */
  version: string | null;
  /** The share of the qualifier's traffic that runs the layers (1 for `$LATEST` and a version). */
  share: number;
}

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
  /**
   * What the layers' content will run (Lambda host: the zips read by the inspect step): per layer
   * version its status and signals, per version change what the new version adds. Null when
   * nothing was inspected (the CLI's scan cannot read layers).
   */
  inspection: FindingInspection | null;
  /** Set when settings keep this finding from being published (it is still logged and counted). */
  suppression: Suppression | null;
  /** Start-up hook variables before and after; null when not read or the function has none. */
  execHooks: ExecHooks | null;
  /** detector-tampered: the layerwatch resource (or trail) the call touched; null otherwise. */
  target: TamperTarget | null;
  /**
   * Where the finding's layers run after the event: `$LATEST`, each alias routing traffic to a
   * version that runs them (with its share), each published version known to run them. Null when
   * the finding is about no function's layers; absent in findings written before it existed.
   */
  runsIn?: RunsIn[] | null;
  /**
   * Lambda Managed Instances: the capacity provider the function runs on and the other function
   * versions on it (they share its hosts: the isolation boundary is the capacity provider, not the
   * function). Absent on Lambda's own fleet and in findings written before it existed.
   */
  capacityProvider?: CapacityProviderFinding;
  /**
   * What would have stopped the call (posture.ts): the function's code signing and whether a
   * `lambda:Layer` guardrail from the current inventory would have refused it. Set by the host (the
   * handler reads code signing; the scan cannot: "not read"); null when the finding is about no
   * function; absent in findings written before it existed, and from the sweep.
   */
  posture?: Posture | null;
}

export interface CapacityProviderFinding {
  arn: string;
  /** The other function versions on it (qualified ARNs), as listed; empty when not listed. */
  others: string[];
  /** False when the listing stopped at its bound or failed (`error` says why). */
  complete: boolean;
  error: string | null;
}
