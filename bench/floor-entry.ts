// The floor for a bundled handler: only the SDK clients and commands the handler uses, constructed
// once as the handler does, and nothing of ours.
import {
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import {
  GetFunctionConfigurationCommand,
  GetLayerVersionCommand,
  GetLayerVersionPolicyCommand,
  LambdaClient,
} from '@aws-sdk/client-lambda';
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
];

export const handler = async (event: unknown) => ({
  clients: clients.length,
  commands: commands.length,
  event: typeof event,
});
