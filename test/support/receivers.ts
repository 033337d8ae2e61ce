/**
 * Who receives a delivery, and with which policy: a topic of a template (its AWS::SNS::TopicPolicy,
 * which replaces SNS's default policy, and its key's policy), or a topic the user brings, judged
 * with the statements README documents for it (read from README, so that the two cannot drift).
 */
import { readFileSync } from 'node:fs';
import { referencedId, resourcesOfType, type TemplateResolver } from './cfn-resolver.js';
import { attachedPolicy, type PolicyDocument, type Statement } from './iam-simulation.js';

export const SNS_TOPIC_CONTEXT = 'kms:EncryptionContext:aws:sns:topicArn';
export const EMPTY_POLICY: PolicyDocument = { Version: '2012-10-17', Statement: [] };

/** A topic that is not in the template: the one the user brings, with the key the config names. */
export interface ImportedTopic {
  readonly arn: string;
  readonly keyArn?: string;
}

export interface Receivers {
  /** Topics of the deployment that no template creates (alertTopicArn, operationsTopicArn). */
  readonly imported: readonly ImportedTopic[];
  /** The central bus's resource policy (organization mode), for rules of other accounts. */
  readonly busPolicy?: PolicyDocument;
  /** `aws:PrincipalOrgID` of the deployment's roles, when there is an organization. */
  readonly organizationId?: string;
}

const README = new URL('../../README.md', import.meta.url);

/** The JSON between `<!-- name:start -->` and `<!-- name:end -->` in README.md. */
export function readmeStatements(name: string): Statement[] {
  const text = readFileSync(README, 'utf8');
  const block = text.split(`<!-- ${name}:start -->`)[1]?.split(`<!-- ${name}:end -->`)[0];
  const json = block?.match(/```json\n([\s\S]*?)```/)?.[1];
  if (!json) throw new Error(`README.md has no JSON block between the ${name} markers`);
  return JSON.parse(json) as Statement[];
}

/** README's statements with its placeholders filled in for one topic. */
export function documentedPolicy(name: string, topicArn: string): PolicyDocument {
  const [, partition, , region, account] = topicArn.split(':');
  const filled = JSON.stringify(readmeStatements(name))
    .replaceAll('TOPIC_ARN', topicArn)
    .replaceAll('arn:aws:', `arn:${partition}:`)
    .replaceAll('REGION', region ?? '')
    .replaceAll('ACCOUNT', account ?? '');
  return { Version: '2012-10-17', Statement: JSON.parse(filled) as Statement[] };
}

export interface TopicReceiver {
  readonly policy: PolicyDocument;
  readonly key?: { readonly arn: string; readonly policy: PolicyDocument };
  readonly source: string;
}

/**
 * SNS's default access policy (a topic without AWS::SNS::TopicPolicy): the topic owner's account,
 * not services. An AWS::SNS::TopicPolicy replaces it entirely.
 */
export function snsDefaultPolicy(topicArn: string): PolicyDocument {
  const [, partition, , , account] = topicArn.split(':');
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'SnsDefault',
        Effect: 'Allow',
        Principal: { AWS: `arn:${partition}:iam::${account}:root` },
        Action: ['sns:Publish', 'sns:Subscribe', 'sns:GetTopicAttributes'],
        Resource: topicArn,
      },
    ],
  };
}

export function topicReceiver(
  resolver: TemplateResolver,
  arn: string,
  r: Receivers,
): TopicReceiver | undefined {
  const found = resourcesOfType(resolver.template, 'AWS::SNS::Topic').find(
    ([id]) => resolver.ref(id) === arn,
  );
  if (found) {
    const [, topic] = found;
    const policy = attachedPolicy(resolver, 'AWS::SNS::TopicPolicy', 'Topics', arn) ?? snsDefaultPolicy(arn);
    const keyRef = topic.Properties?.KmsMasterKeyId;
    if (keyRef === undefined) return { policy, source: 'template' };
    const keyId = referencedId(keyRef);
    const key = keyId ? resolver.template.Resources?.[keyId] : undefined;
    if (!keyId || key?.Type !== 'AWS::KMS::Key') {
      // An AWS managed key (alias/aws/sns): its policy admits no service.
      return { policy, key: { arn: resolver.text(keyRef), policy: EMPTY_POLICY }, source: 'template' };
    }
    const keyPolicy = resolver.resolve(key.Properties?.KeyPolicy) as PolicyDocument;
    return { policy, key: { arn: resolver.getAtt(keyId, 'Arn'), policy: keyPolicy }, source: 'template' };
  }
  const imported = r.imported.find((t) => t.arn === arn);
  if (!imported) return undefined;
  return {
    policy: documentedPolicy('imported-topic-policy', arn),
    key: imported.keyArn
      ? { arn: imported.keyArn, policy: documentedPolicy('imported-key-policy', arn) }
      : undefined,
    source: 'README',
  };
}
