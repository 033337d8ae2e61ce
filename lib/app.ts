/**
 * Every stack of a deployment, composed from the validated config: the detector stack, the
 * forwarder stacks of multi-region mode, and the stack of global services in us-east-1 when the
 * detector lives elsewhere (organization mode carries its member stack inside the detector stack,
 * as a StackSet). bin/layerwatch.ts deploys exactly this; the tests synthesize it.
 */
import { Annotations, type App, Token } from 'aws-cdk-lib';
import { GLOBAL_EVENTS_REGION, globalServicesRegion, LayerWatchForwarderStack } from './forwarder-stack.js';
import { type LayerWatchConfig, LayerWatchStack } from './layerwatch-stack.js';

export interface Deployment {
  readonly detector: LayerWatchStack;
  /** One per extra region (multi-region mode). */
  readonly forwarders: readonly LayerWatchForwarderStack[];
  /**
   * IAM's events reach EventBridge in us-east-1 only: a detector homed elsewhere has this stack
   * there, in its own account, forwarding the calls of global services to its bus.
   */
  readonly globalServices?: LayerWatchForwarderStack;
}

/** `account` and `region` may be undefined in single mode (environment-agnostic synthesis). */
export function composeDeployment(
  app: App,
  config: LayerWatchConfig,
  env: { account?: string; region?: string },
): Deployment {
  const { account, region } = env;
  if (config.mode && config.mode !== 'single' && (!account || !region)) {
    throw new Error(
      `layerwatch: ${config.mode} mode needs an explicit account and region (AWS credentials, or CDK_DEFAULT_ACCOUNT and CDK_DEFAULT_REGION)`,
    );
  }
  const detector = new LayerWatchStack(app, 'LayerWatch', {
    config,
    env: { account, region },
    description: 'layerwatch: detects Lambda layers attached to functions (MITRE ATT&CK T1648)',
  });
  const forwarderRegions = config.mode === 'multi-region' ? (config.regions ?? []) : [];
  const forwarders = forwarderRegions.map(
    (r) =>
      new LayerWatchForwarderStack(app, `LayerWatchForwarder-${r}`, {
        env: { account, region: r },
        centralAccount: account as string,
        centralRegion: region as string,
        heartbeat: config.heartbeat,
        logRetention: config.logRetention,
        description: `layerwatch: forwards Lambda layer events of ${r} to ${region}`,
      }),
  );
  const home = region ?? detector.region;
  const globalRegion = globalServicesRegion(home, forwarderRegions);
  if (Token.isUnresolved(home)) {
    Annotations.of(detector).addWarningV2(
      'layerwatch:global-services-unseen',
      `layerwatch: synthesized without a region, so no stack forwards IAM's events from ${GLOBAL_EVENTS_REGION}: deployed in another region, the detector does not see its roles changed (README: Watching itself). Synthesize with a region (AWS credentials or CDK_DEFAULT_REGION) to add it.`,
    );
  }
  const memberRegions = config.mode === 'organization' ? (config.organization?.regions ?? []) : undefined;
  if (memberRegions && !memberRegions.includes(GLOBAL_EVENTS_REGION)) {
    Annotations.of(detector).addWarningV2(
      'layerwatch:member-iam-unseen',
      `layerwatch: ${GLOBAL_EVENTS_REGION} is not a member region, so no member stack forwards the member accounts' IAM calls (they reach EventBridge there only): their roles changed are not seen (README: Watching itself). Add ${GLOBAL_EVENTS_REGION} to the member regions to see them.`,
    );
  }
  const globalServices = globalRegion
    ? new LayerWatchForwarderStack(app, `LayerWatchForwarder-${globalRegion}`, {
        // Same account as the detector (the stack's own, when environment-agnostic).
        env: { account, region: globalRegion },
        centralAccount: account ?? detector.account,
        centralRegion: home,
        coverage: 'global-services',
        logRetention: config.logRetention,
        description: `layerwatch: forwards the calls of global services (IAM) from ${globalRegion} to ${home}`,
      })
    : undefined;
  return { detector, forwarders, ...(globalServices ? { globalServices } : {}) };
}
