/**
 * Every stack of a deployment, composed from the validated config: the detector stack, and the
 * forwarder stacks of multi-region mode (organization mode carries its member stack inside the
 * detector stack, as a StackSet). bin/layerwatch.ts deploys exactly this; the tests synthesize it.
 */
import type { App } from 'aws-cdk-lib';
import { LayerWatchForwarderStack } from './forwarder-stack.js';
import { type LayerWatchConfig, LayerWatchStack } from './layerwatch-stack.js';

export interface Deployment {
  readonly detector: LayerWatchStack;
  /** One per extra region (multi-region mode). */
  readonly forwarders: readonly LayerWatchForwarderStack[];
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
  const forwarders =
    config.mode === 'multi-region'
      ? (config.regions ?? []).map(
          (r) =>
            new LayerWatchForwarderStack(app, `LayerWatchForwarder-${r}`, {
              env: { account, region: r },
              centralAccount: account as string,
              centralRegion: region as string,
              heartbeat: config.heartbeat,
              logRetention: config.logRetention,
              description: `layerwatch: forwards Lambda layer events of ${r} to ${region}`,
            }),
        )
      : [];
  return { detector, forwarders };
}
