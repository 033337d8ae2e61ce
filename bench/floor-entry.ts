// The floor for a bundled handler: only the SDK clients and commands the handler uses, constructed
// once as the handler does, and nothing of ours; the clients of the optional sinks and of
// organization discovery only when their option is on, as the construct bundles the handler.
import {
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import {
  GetFunctionConfigurationCommand,
  GetLayerVersionCommand,
  GetLayerVersionPolicyCommand,
  LambdaClient,
} from '@aws-sdk/client-lambda';
import { ListAccountsCommand } from '@aws-sdk/client-organizations';
import { BatchImportFindingsCommand } from '@aws-sdk/client-securityhub';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';

const clients = [new LambdaClient({}), new DynamoDBClient({}), new SNSClient({}), new STSClient({})];
const commands = [
  GetFunctionConfigurationCommand,
  GetLayerVersionCommand,
  GetLayerVersionPolicyCommand,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
  DeleteItemCommand,
  PublishCommand,
  AssumeRoleCommand,
  // The optional clients, bundled as the handler bundles them: only for the options that are on.
  process.env.LAYERWATCH_BUNDLE_SECURITY_HUB !== 'false' ? BatchImportFindingsCommand : null,
  process.env.LAYERWATCH_BUNDLE_FINDING_EVENTS !== 'false' ? PutEventsCommand : null,
  process.env.LAYERWATCH_BUNDLE_ORGANIZATION_DISCOVERY !== 'false' ? ListAccountsCommand : null,
];

export const handler = async (event: unknown) => ({
  clients: clients.length,
  commands: commands.length,
  event: typeof event,
});
