#!/usr/bin/env node
/** The CDK app: `npx cdk deploy -c alertEmails=security@example.com`. */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { LayerWatchForwarderStack } from '../lib/forwarder-stack.js';
import { LayerWatchStack } from '../lib/layerwatch-stack.js';
import { ContextError, readConfig } from './config.js';

const app = new App();
let config: ReturnType<typeof readConfig>;
try {
  config = readConfig((key) => app.node.tryGetContext(key));
} catch (error) {
  if (error instanceof ContextError) {
    process.stderr.write(`layerwatch: ${error.message}\n`);
    process.exit(1);
  }
  throw error;
}
const account = process.env.CDK_DEFAULT_ACCOUNT;
const region = process.env.CDK_DEFAULT_REGION;
if (config.mode !== 'single' && (!account || !region)) {
  process.stderr.write(
    `layerwatch: ${config.mode} mode needs an explicit account and region (AWS credentials, or CDK_DEFAULT_ACCOUNT and CDK_DEFAULT_REGION)\n`,
  );
  process.exit(1);
}
new LayerWatchStack(app, 'LayerWatch', {
  config,
  env: { account, region },
  description: 'layerwatch: detects Lambda layers attached to functions (MITRE ATT&CK T1648)',
});
if (config.mode === 'multi-region') {
  for (const r of config.regions ?? []) {
    new LayerWatchForwarderStack(app, `LayerWatchForwarder-${r}`, {
      env: { account, region: r },
      centralBusArn: `arn:aws:events:${region}:${account}:event-bus/default`,
      description: `layerwatch: forwards Lambda layer events of ${r} to ${region}`,
    });
  }
}
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
app.synth();
