/**
 * Builders for the IAM-enforced moto suite: the runtimes' role policies from the synthesized
 * detector stack, as moto can evaluate them (Lambda, SNS and DynamoDB statements on "*" without
 * conditions: moto matches those services against "*" only and treats an identity-policy
 * Condition as a deny), roles and STS sessions from them, and a recorder of the IAM action of
 * every command an SDK client sends.
 */
import {
  CreateAccessKeyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  type IAMClient,
  PutRolePolicyCommand,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import { AssumeRoleCommand, type STSClient } from '@aws-sdk/client-sts';
import { App, type CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { RuntimeCall } from '../../lambda/adapters/calls.js';
import type { RUNTIME_CALLS } from '../../lambda/runtime-calls.js';
import { composeDeployment } from '../../lib/app.js';
import type { Credentials } from './moto.js';
import type { Rec } from './records.js';
import { MOTO_DEFAULT_ACCOUNT, type SdkClient } from './world.js';

/**
 * The runtimes of every deployment (the opt-in containment's role is proven by the IAM simulation:
 * moto matches Lambda statements against `*`, so its Deny on layerwatch's own functions cannot show here).
 */
export type Runtime = Exclude<keyof typeof RUNTIME_CALLS, 'containment'>;
export interface Statement {
  Effect: string;
  Action: string | string[];
  Resource?: unknown;
  Condition?: unknown;
}
export interface RolePolicy {
  trust: unknown;
  statements: Statement[];
}
export type SessionCredentials = Credentials & { sessionToken: string };

export const ACCOUNT = MOTO_DEFAULT_ACCOUNT;
export const REGION = 'us-east-1';
/**
 * Services whose statements moto matches against "*" only; and SQS, whose queues here are the
 * test's, not the stack's (the sweep's queue: its ARN is scoped by the policy simulation).
 */
const STAR_ONLY = new Set(['lambda', 'sns', 'dynamodb', 'sqs']);
/** IAM service prefix of each SDK client the runtimes build. */
const PREFIX: Record<string, string> = {
  LambdaClient: 'lambda',
  DynamoDBClient: 'dynamodb',
  SNSClient: 'sns',
  SQSClient: 'sqs',
  STSClient: 'sts',
};

export const actionsOf = (s: Statement): string[] => [s.Action].flat();

/** The role policy of each runtime of the detector stack, as synthesized for a single-account deployment. */
export function rolePolicies(): Record<Runtime, RolePolicy> {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const { detector } = composeDeployment(
    app,
    { alertEmails: [], logRetention: logs.RetentionDays.ONE_YEAR, memorySize: 256 },
    {},
  );
  const resources = Template.fromStack(detector).toJSON().Resources as Record<
    string,
    { Type: string; Properties: Rec }
  >;
  const w = detector.layerWatch;
  const functions: Record<Runtime, lambda.IFunction | undefined> = {
    handler: w.handler,
    sweep: w.sweepFunction,
    sweepWorker: w.sweepWorkerFunction,
    heartbeat: w.heartbeatFunction,
  };
  const policyOf = (id: Runtime): RolePolicy => {
    const fn = functions[id];
    if (!fn?.role) throw new Error(`no ${id} function with a role in the detector stack`);
    const roleId = detector.getLogicalId(fn.role.node.defaultChild as CfnElement);
    const statements = Object.values(resources)
      .filter(
        (r) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties.Roles).includes(`"${roleId}"`),
      )
      .flatMap((r) => (r.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
    return { trust: resources[roleId]?.Properties.AssumeRolePolicyDocument, statements };
  };
  return {
    handler: policyOf('handler'),
    sweep: policyOf('sweep'),
    sweepWorker: policyOf('sweepWorker'),
    heartbeat: policyOf('heartbeat'),
  };
}

/** CloudFormation values as they would deploy in moto's account; a resource of the stack becomes an ARN nothing here has. */
function resolve(value: unknown): unknown {
  if (typeof value === 'string' || value === undefined) return value;
  if (Array.isArray(value)) return value.map(resolve);
  const v = value as Rec;
  if ('Fn::Join' in v) {
    const [sep, parts] = v['Fn::Join'] as [string, unknown[]];
    return parts.map(resolve).join(sep);
  }
  if ('Ref' in v) {
    const pseudo: Record<string, string> = {
      'AWS::Partition': 'aws',
      'AWS::Region': REGION,
      'AWS::AccountId': ACCOUNT,
      'AWS::URLSuffix': 'amazonaws.com',
    };
    return pseudo[v.Ref as string] ?? `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack-resource/${v.Ref}`;
  }
  if ('Fn::GetAtt' in v) {
    return `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack-resource/${(v['Fn::GetAtt'] as string[])[0]}`;
  }
  throw new Error(`cannot resolve ${JSON.stringify(value)}`);
}

/** A statement as moto can evaluate it: Lambda, SNS and DynamoDB on "*" without conditions. */
function forMoto(s: Statement): Statement {
  if (actionsOf(s).every((a) => STAR_ONLY.has(a.split(':')[0] as string))) {
    const { Condition: _dropped, ...rest } = s;
    return { ...rest, Resource: '*' };
  }
  return { ...s, Resource: resolve(s.Resource) };
}

/** The policy without `action` (a statement left with no action goes). */
export function without(policy: RolePolicy, action: string): RolePolicy {
  const statements = policy.statements
    .map((s) => ({ ...s, Action: actionsOf(s).filter((a) => a !== action) }))
    .filter((s) => s.Action.length > 0);
  if (statements.flatMap(actionsOf).length === policy.statements.flatMap(actionsOf).length)
    throw new Error(`the role does not allow ${action}: nothing to remove`);
  return { ...policy, statements };
}

/** Actions a runtime sent that its RUNTIME_CALLS do not declare. */
export function undeclared(sent: Iterable<string>, calls: readonly RuntimeCall[]): string[] {
  const declared = new Set(calls.map((c) => c.action));
  return [...sent].filter((a) => !declared.has(a)).sort();
}

/** An error and its causes on one line, each with its HTTP status. */
export function explain(error: unknown): string {
  const parts: string[] = [];
  for (let e = error; e instanceof Error; e = e.cause) {
    const status = (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    parts.push(`${e.name}: ${e.message.split('\n')[0]}${status ? ` [HTTP ${status}]` : ''}`);
  }
  return parts.join(' <- ');
}

/** What a runtime's clients sent, as IAM actions, and which of them AWS refused (HTTP 403). */
export interface ActionLog {
  sent: Set<string>;
  denied: Set<string>;
}

/**
 * Records the IAM action of every command `client` sends (an unknown client is named so), and of
 * every one refused with 403: moto answers DynamoDB and Lambda denials in XML, which SDK v3 cannot
 * parse, so the action would otherwise be lost in a SyntaxError.
 */
export function recordActions(log: ActionLog): (client: SdkClient) => void {
  type Stack = { add: (mw: unknown, opts: unknown) => void };
  return (client) =>
    (client.middlewareStack as unknown as Stack).add(
      (next: (args: unknown) => Promise<unknown>, context: { clientName?: string; commandName?: string }) =>
        async (args: unknown) => {
          const service = PREFIX[context.clientName ?? ''] ?? `unknown-client(${context.clientName})`;
          const action = `${service}:${(context.commandName ?? '').replace(/Command$/, '')}`;
          log.sent.add(action);
          try {
            return await next(args);
          } catch (error) {
            if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 403)
              log.denied.add(action);
            throw error;
          }
        },
      { step: 'initialize', name: 'recordIamAction' },
    );
}

/** An IAM user allowed everything, for the world's own setup and reads once enforcement is on. */
export async function adminUser(iam: IAMClient): Promise<Credentials> {
  await iam.send(new CreateUserCommand({ UserName: 'admin' }));
  await iam.send(
    new PutUserPolicyCommand({
      UserName: 'admin',
      PolicyName: 'all',
      PolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
      }),
    }),
  );
  const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'admin' }))).AccessKey;
  return { accessKeyId: key?.AccessKeyId as string, secretAccessKey: key?.SecretAccessKey as string };
}

/** Creates the role `name` with `policy` (as moto can evaluate it); answers credentials of a session in it. */
export async function assumed(
  iam: IAMClient,
  sts: STSClient,
  name: string,
  policy: RolePolicy,
): Promise<SessionCredentials> {
  await iam.send(
    new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: JSON.stringify(policy.trust) }),
  );
  await iam.send(
    new PutRolePolicyCommand({
      RoleName: name,
      PolicyName: 'from-template',
      PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: policy.statements.map(forMoto) }),
    }),
  );
  const c = (
    await sts.send(
      new AssumeRoleCommand({
        RoleArn: `arn:aws:iam::${ACCOUNT}:role/${name}`,
        RoleSessionName: 'layerwatch',
      }),
    )
  ).Credentials;
  return {
    accessKeyId: c?.AccessKeyId as string,
    secretAccessKey: c?.SecretAccessKey as string,
    sessionToken: c?.SessionToken as string,
  };
}
