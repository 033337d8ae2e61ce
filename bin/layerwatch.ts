#!/usr/bin/env node
/** The CDK app: `npx cdk deploy -c alertEmails=security@example.com`. */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
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
new LayerWatchStack(app, 'LayerWatch', {
  config,
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  description: 'layerwatch: detects Lambda layers attached to functions (MITRE ATT&CK T1648)',
});
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
app.synth();
