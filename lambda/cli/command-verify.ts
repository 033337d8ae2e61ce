/** `layerwatch verify`: the checklist of a deployed detector, with the caller's AWS credentials. */
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { CLI_CALLS, sdkClient } from '../adapters/client-options.js';
import { DeploymentReader, regionalClients } from '../adapters/deployment-reader.js';
import type { Command } from './command.js';
import { terminalText } from './terminal-text.js';
import { runVerify, VERIFY_USAGE } from './verify.js';

export const verifyCommand: Command = {
  name: 'verify',
  synopsis: 'layerwatch verify [--stack NAME] [--region REGION] [--send-test-alert]',
  help: () => `${VERIFY_USAGE}\n`,
  run: (args, io) => {
    if (args.includes('-h') || args.includes('--help')) {
      io.stdout.write(`${VERIFY_USAGE}\n`);
      return Promise.resolve(0);
    }
    return runVerify(args, process.env, {
      view: new DeploymentReader(regionalClients({}, CLI_CALLS)),
      publish: async (topicArn, alert) => {
        const sns = sdkClient(SNSClient, CLI_CALLS, { region: topicArn.split(':')[3] });
        const out = await sns.send(
          new PublishCommand({
            TopicArn: topicArn,
            Subject: alert.subject,
            Message: alert.message,
            MessageStructure: 'json',
            MessageAttributes: alert.attributes,
          }),
        );
        return out.MessageId ?? '';
      },
      now: () => new Date(),
      // Names from AWS (stacks, topics, trails) are escaped; the line breaks of a fix are kept.
      out: (line) => io.stdout.write(`${line.split('\n').map(terminalText).join('\n')}\n`),
      err: (line) => io.stderr.write(`${line.split('\n').map(terminalText).join('\n')}\n`),
    });
  },
};
