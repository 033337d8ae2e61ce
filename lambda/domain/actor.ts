/** What the caller's identity tells, derived once from the CloudTrail userIdentity and user agent. */
import type { Actor, EventMeta } from './model.js';
import { type DetectionSettings, globMatch } from './settings.js';

export interface ActorContext {
  kind: 'root' | 'iam-user' | 'sso-user' | 'federated-user' | 'assumed-role' | 'aws-service' | 'unknown';
  /** A person, not a pipeline: root, IAM users, IAM Identity Center users, federated users, console sessions. */
  human: boolean;
  /** AKIA...: long-term access key; ASIA...: temporary credentials. */
  credentials: 'long-term' | 'temporary' | 'unknown';
  consoleSession: boolean;
  /** The IAM Identity Center permission set behind an AWSReservedSSO_ role. */
  ssoPermissionSet: string | null;
  /** What the user agent claims (callers choose their user agent: context, never trust). */
  tooling: string | null;
  /** Matches `deployPrincipals` in the settings. */
  deployPrincipal: boolean;
  /** The account the caller belongs to differs from the account the call was made in. */
  crossAccount: boolean;
}

const TOOLS: readonly [RegExp, string][] = [
  [/^cloudformation\.amazonaws\.com$/i, 'CloudFormation'],
  [/aws-cdk|\bcdk\//i, 'AWS CDK'],
  [/terraform/i, 'Terraform'],
  [/pulumi/i, 'Pulumi'],
  [/\bserverless\/|serverless[- ]framework/i, 'Serverless Framework'],
  [/aws-sam|sam-cli|\bSAM CLI\b/i, 'AWS SAM'],
  [/^(signin|console)\.amazonaws\.com$|^AWS Internal$/i, 'AWS Management Console'],
  [/aws-cli\//i, 'AWS CLI'],
  [/boto3|botocore/i, 'AWS SDK (Python)'],
  [/aws-sdk-js|aws-sdk-nodejs/i, 'AWS SDK (JavaScript)'],
  [/aws-sdk-go/i, 'AWS SDK (Go)'],
  [/aws-sdk-java/i, 'AWS SDK (Java)'],
];

export function toolingOf(userAgent: string | null): string | null {
  if (!userAgent) return null;
  return TOOLS.find(([re]) => re.test(userAgent))?.[1] ?? null;
}

const SSO_ROLE = /(?:^|\/)AWSReservedSSO_(.+?)(?:_[0-9a-f]{16})?$/;

export function actorContext(actor: Actor, meta: EventMeta, settings: DetectionSettings): ActorContext {
  const type = actor.type ?? '';
  const ssoPermissionSet = SSO_ROLE.exec(actor.sessionIssuerArn ?? '')?.[1] ?? null;
  const consoleSession =
    actor.consoleSession || /^(signin|console)\.amazonaws\.com$|^AWS Internal$/i.test(meta.userAgent ?? '');
  const kind: ActorContext['kind'] =
    type === 'Root'
      ? 'root'
      : type === 'IAMUser'
        ? 'iam-user'
        : type === 'FederatedUser'
          ? 'federated-user'
          : type === 'AWSService'
            ? 'aws-service'
            : type === 'AssumedRole'
              ? ssoPermissionSet
                ? 'sso-user'
                : 'assumed-role'
              : 'unknown';
  const key = actor.accessKeyId ?? '';
  const candidates = [actor.arn, actor.sessionIssuerArn].filter((x): x is string => !!x);
  return {
    kind,
    human:
      ['root', 'iam-user', 'sso-user', 'federated-user'].includes(kind) ||
      (kind === 'assumed-role' && consoleSession),
    credentials: key.startsWith('AKIA') ? 'long-term' : key.startsWith('ASIA') ? 'temporary' : 'unknown',
    consoleSession,
    ssoPermissionSet,
    tooling: toolingOf(meta.userAgent),
    deployPrincipal: candidates.some((arn) => settings.deployPrincipals.some((p) => globMatch(p, arn))),
    crossAccount: actor.accountId !== null && actor.accountId !== meta.account,
  };
}
