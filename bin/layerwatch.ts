#!/usr/bin/env node
/** The CDK app: `npx cdk deploy -c alertEmails=security@example.com`. */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { composeDeployment } from '../lib/app.js';
import { ContextError, readConfig } from './config.js';

const app = new App();
let config: ReturnType<typeof readConfig>;
try {
  config = readConfig((key) => app.node.tryGetContext(key), { region: process.env.CDK_DEFAULT_REGION });
} catch (error) {
  if (error instanceof ContextError) {
    process.stderr.write(`layerwatch: ${error.message}\n`);
    process.exit(1);
  }
  throw error;
}
try {
  composeDeployment(app, config, {
    account: process.env.CDK_DEFAULT_ACCOUNT,
    region: process.env.CDK_DEFAULT_REGION,
  });
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(1);
}
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
app.synth();
