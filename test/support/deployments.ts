/**
 * Every documented deployment mode, synthesized as bin/layerwatch.ts composes it (composeDeployment),
 * with the templates AWS would receive: the detector stack, one forwarder stack per extra region,
 * and in organization mode the member template the StackSet carries. Each template comes with the
 * places it is deployed to (account, region), so that tests can resolve it as CloudFormation would.
 * No bundling runs (context `aws:cdk:bundling-stacks: []`). Each mode is synthesized once for a
 * given source and kept in .cache/synth (test/support/synth-cache.ts).
 */
import { App } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import { composeDeployment } from '../../lib/app.js';
import type { LayerWatchConfig } from '../../lib/layerwatch-stack.js';
import { cachedSynthesis } from './synth-cache.js';

export const HOME = { account: '111122223333', region: 'us-east-1' } as const;
export const MEMBER_ACCOUNTS = ['222233334444', '444455556666'] as const;
export const ORGANIZATION_ID = 'o-abcdef1234';
export const MEMBER_ROLE_NAME = 'LayerWatchReadOnly';
export const IMPORTED_ALERT_TOPIC_ARN = 'arn:aws:sns:us-east-1:111122223333:security-alerts';
export const IMPORTED_TOPIC_KEY_ARN =
  'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
export const IMPORTED_OPERATIONS_TOPIC_ARN = 'arn:aws:sns:us-east-1:111122223333:platform-operations';

/** A CloudFormation template as JSON. */
export type CfnTemplate = {
  Resources?: Record<string, CfnResource>;
  Conditions?: Record<string, unknown>;
  Parameters?: Record<string, unknown>;
  [key: string]: unknown;
};
export interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
  Condition?: string;
  DependsOn?: string | string[];
  [key: string]: unknown;
}

/** Where one template is deployed: one stack instance per (account, region). */
export interface Placement {
  readonly account: string;
  readonly region: string;
}

export type StackRole = 'detector' | 'forwarder' | 'member';

export interface SynthesizedStack {
  readonly role: StackRole;
  /** A readable name for messages, e.g. `forwarder eu-west-1`. */
  readonly name: string;
  readonly template: CfnTemplate;
  /** Every (account, region) this template is deployed to; the first is the one to resolve by default. */
  readonly placements: readonly Placement[];
}

export interface ModeCase {
  readonly name: string;
  readonly config: LayerWatchConfig;
  /** `undefined` account and region: environment-agnostic synthesis (single mode without credentials). */
  readonly env: { account?: string; region?: string };
}

export interface SynthesizedDeployment extends ModeCase {
  readonly detector: SynthesizedStack;
  readonly forwarders: readonly SynthesizedStack[];
  /** Organization mode: the StackSet's template body. */
  readonly member?: SynthesizedStack;
  /** Every template of the deployment, detector first. */
  readonly stacks: readonly SynthesizedStack[];
  /** Accounts and regions whose functions the deployment watches (see `coverage`). */
  readonly coverage: Coverage;
}

export interface Coverage {
  readonly homeAccount: string;
  readonly homeRegion: string;
  /** Regions of the home account whose functions are watched (home region first). */
  readonly homeRegions: readonly string[];
  /** Other accounts (reached through the member role), and their regions. */
  readonly memberAccounts: readonly string[];
  readonly memberRegions: readonly string[];
  readonly memberRoleName?: string;
  readonly organizationId?: string;
}

const base: LayerWatchConfig = {
  alertEmails: ['security@example.com'],
  logRetention: logs.RetentionDays.ONE_YEAR,
  memorySize: 256,
};

/** The documented modes (README: Deployment modes, Configure). */
export const MODES: readonly ModeCase[] = [
  { name: 'single', config: base, env: {} },
  {
    name: 'single with Slack, trail, Security Hub and finding events',
    config: {
      ...base,
      slack: { workspaceId: 'T0123ABCD', channelId: 'C0123ABCD' },
      createTrail: true,
      securityHub: true,
      findingEvents: true,
    },
    env: HOME,
  },
  {
    name: 'single with Security Hub and the one-click containment',
    config: { ...base, securityHub: true, containment: 'security-hub' },
    env: HOME,
  },
  {
    name: 'existing alert topic with KMS key',
    config: { ...base, alertTopicArn: IMPORTED_ALERT_TOPIC_ARN, alertTopicKmsKeyArn: IMPORTED_TOPIC_KEY_ARN },
    env: HOME,
  },
  {
    name: 'existing alert topic with KMS key and operations topic',
    config: {
      ...base,
      alertTopicArn: IMPORTED_ALERT_TOPIC_ARN,
      alertTopicKmsKeyArn: IMPORTED_TOPIC_KEY_ARN,
      operationsTopicArn: IMPORTED_OPERATIONS_TOPIC_ARN,
    },
    env: HOME,
  },
  {
    name: 'multi-region',
    config: { ...base, mode: 'multi-region', regions: ['eu-west-1', 'ap-southeast-2'] },
    env: HOME,
  },
  {
    // Homed outside us-east-1: IAM's events come from the stack of global services there.
    name: 'multi-region homed in eu-west-1',
    config: { ...base, mode: 'multi-region', regions: ['eu-central-1'] },
    env: { account: HOME.account, region: 'eu-west-1' },
  },
  {
    name: 'organization',
    config: {
      ...base,
      mode: 'organization',
      organization: {
        organizationId: ORGANIZATION_ID,
        organizationalUnitIds: ['ou-ab12-cdef3456'],
        regions: ['us-east-1', 'eu-west-1'],
        memberRoleName: MEMBER_ROLE_NAME,
        callAs: 'SELF',
      },
      sweepAccounts: [...MEMBER_ACCOUNTS],
    },
    env: HOME,
  },
  {
    name: 'organization with member heartbeats',
    config: {
      ...base,
      mode: 'organization',
      organization: {
        organizationId: ORGANIZATION_ID,
        organizationalUnitIds: ['ou-ab12-cdef3456'],
        regions: ['us-east-1', 'eu-west-1'],
        memberRoleName: MEMBER_ROLE_NAME,
        callAs: 'SELF',
      },
      sweepAccounts: [...MEMBER_ACCOUNTS],
      memberHeartbeat: true,
    },
    env: HOME,
  },
];

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}

/** Which accounts and regions a mode watches, from its config (README: Deployment modes). */
export function coverageOf(mode: ModeCase): Coverage {
  const { config } = mode;
  const homeAccount = mode.env.account ?? HOME.account;
  const homeRegion = mode.env.region ?? HOME.region;
  const org = config.mode === 'organization' ? config.organization : undefined;
  const extra = config.mode === 'multi-region' ? (config.regions ?? []) : [];
  const homeRegions = unique([homeRegion, ...extra, ...(org?.regions ?? []), ...(config.sweepRegions ?? [])]);
  const memberAccounts = org ? (config.sweepAccounts ?? []).filter((a) => a !== homeAccount) : [];
  // The sweep lists every covered account in every sweep region (home region and member regions).
  const memberRegions = org ? unique([homeRegion, ...org.regions, ...(config.sweepRegions ?? [])]) : [];
  return {
    homeAccount,
    homeRegion,
    homeRegions,
    memberAccounts,
    memberRegions,
    memberRoleName: org?.memberRoleName,
    organizationId: org?.organizationId,
  };
}

function memberTemplateOf(detector: CfnTemplate, name: string): CfnTemplate | undefined {
  const stackSets = Object.values(detector.Resources ?? {}).filter(
    (r) => r.Type === 'AWS::CloudFormation::StackSet',
  );
  if (stackSets.length === 0) return undefined;
  if (stackSets.length > 1) throw new Error(`${name}: expected one StackSet, found ${stackSets.length}`);
  const body = stackSets[0]?.Properties?.TemplateBody;
  if (typeof body !== 'string') throw new Error(`${name}: the StackSet has no literal TemplateBody`);
  return JSON.parse(body) as CfnTemplate;
}

/** The templates of one synthesis, as plain JSON (what the synthesis cache stores). */
interface Synthesis {
  readonly detector: CfnTemplate;
  readonly forwarders: readonly { region: string; globalServices: boolean; template: CfnTemplate }[];
}

function synthesize(mode: ModeCase): Synthesis {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const deployment = composeDeployment(app, mode.config, mode.env);
  const assembly = app.synth();
  const templateOf = (artifactId: string) => assembly.getStackArtifact(artifactId).template as CfnTemplate;
  return {
    detector: templateOf(deployment.detector.artifactId),
    forwarders: [
      ...deployment.forwarders,
      ...(deployment.globalServices ? [deployment.globalServices] : []),
    ].map((f) => ({
      region: f.region,
      globalServices: f === deployment.globalServices,
      template: templateOf(f.artifactId),
    })),
  };
}

/**
 * Synthesizes one mode: every template, as AWS receives it. The templates come from the synthesis
 * cache (test/support/synth-cache.ts) when the same sources synthesized the same mode before.
 */
export function synthesizeDeployment(mode: ModeCase): SynthesizedDeployment {
  const synthesis = cachedSynthesis('test/support/deployments.ts', mode, () => synthesize(mode));
  const coverage = coverageOf(mode);
  const home = { account: coverage.homeAccount, region: coverage.homeRegion };
  const detectorTemplate = synthesis.detector;
  const detector: SynthesizedStack = {
    role: 'detector',
    name: 'detector',
    template: detectorTemplate,
    placements: [home],
  };
  const forwarders = synthesis.forwarders.map(
    (f): SynthesizedStack => ({
      role: 'forwarder',
      name: `forwarder ${f.region}${f.globalServices ? ' (global services)' : ''}`,
      template: f.template,
      placements: [{ account: coverage.homeAccount, region: f.region }],
    }),
  );
  const memberTemplate = memberTemplateOf(detectorTemplate, mode.name);
  const org = mode.config.mode === 'organization' ? mode.config.organization : undefined;
  if (org && !memberTemplate)
    throw new Error(`${mode.name}: organization mode synthesized no member StackSet`);
  const member: SynthesizedStack | undefined =
    memberTemplate && org
      ? {
          role: 'member',
          name: 'member template',
          template: memberTemplate,
          // The StackSet deploys one instance per member account and member region.
          placements: coverage.memberAccounts.flatMap((account) =>
            org.regions.map((region) => ({ account, region })),
          ),
        }
      : undefined;
  return {
    ...mode,
    detector,
    forwarders,
    member,
    stacks: [detector, ...forwarders, ...(member ? [member] : [])],
    coverage,
  };
}

let cache: SynthesizedDeployment[] | undefined;

/** Every mode (synthesized once for given sources; the same objects within a test file). */
export function allDeployments(): SynthesizedDeployment[] {
  cache ??= MODES.map(synthesizeDeployment);
  return cache;
}

/** The member template as the organization construct built it (it must be what the StackSet carries). */
export function memberTemplateFromConstruct(mode: ModeCase): unknown {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const { detector } = composeDeployment(app, mode.config, mode.env);
  const found = detector.node
    .findAll()
    .map((c) => (c as unknown as { memberTemplate?: unknown }).memberTemplate)
    .filter((t) => t !== undefined);
  if (found.length !== 1) throw new Error(`${mode.name}: expected one memberTemplate, found ${found.length}`);
  return found[0];
}
