/**
 * Every grant to an AWS service principal names its source (aws:SourceArn, aws:SourceAccount,
 * aws:SourceOrgID), but for the documented exceptions, where AWS sends no source.
 */
import type { TemplateResolver } from './cfn-resolver.js';
import type { PolicyDocument, Statement } from './iam-simulation.js';
import { SNS_TOPIC_CONTEXT } from './receivers.js';

const SOURCE_KEYS = ['aws:sourcearn', 'aws:sourceaccount', 'aws:sourceorgid'];

/**
 * Service grants that cannot name a source, and why (README: Deploy, "Who may deliver"):
 * Lambda assumes a function's execution role with no source context (the role is bound to the
 * function at creation, which iam:PassRole guards); the Slack channel's role (Amazon Q Developer in
 * chat applications) carries no permission and its guardrail denies every action; EventBridge's KMS requests through SNS carry
 * no aws:SourceArn or aws:SourceAccount, so its key statements name the topic (the SNS encryption
 * context) and the topic policy names the rules.
 */
export const SOURCELESS_GRANTS: readonly {
  readonly service: string;
  readonly where: 'trust' | 'key';
  readonly instead?: string;
}[] = [
  { service: 'lambda.amazonaws.com', where: 'trust' },
  { service: 'chatbot.amazonaws.com', where: 'trust' },
  { service: 'events.amazonaws.com', where: 'key', instead: SNS_TOPIC_CONTEXT.toLowerCase() },
];

function services(principal: unknown): string[] {
  if (typeof principal !== 'object' || principal === null) return [];
  const s = (principal as { Service?: string | string[] }).Service;
  return s === undefined ? [] : [s].flat();
}

/** One line per Allow statement to a service principal that carries no source condition. */
export function sourcelessGrants(resolver: TemplateResolver, where: string): string[] {
  const found: string[] = [];
  const check = (id: string, kind: 'trust' | 'key' | 'resource', doc: unknown) => {
    for (const s of ((doc as PolicyDocument | undefined)?.Statement ?? []) as Statement[]) {
      if (s.Effect !== 'Allow') continue;
      const keys = Object.values(s.Condition ?? {}).flatMap((c) =>
        Object.keys(c).map((k) => k.toLowerCase()),
      );
      for (const service of services(s.Principal)) {
        const exception = SOURCELESS_GRANTS.find((e) => e.service === service && e.where === kind);
        const named = keys.some(
          (k) => SOURCE_KEYS.includes(k) || (exception?.instead && k === exception.instead),
        );
        if (named || (exception && !exception.instead)) continue;
        found.push(`${where} / ${id}: ${service} ${JSON.stringify(s.Action)} without a source condition`);
      }
    }
  };
  for (const [id, r] of Object.entries(resolver.template.Resources ?? {})) {
    const p = r.Properties ?? {};
    if (r.Type === 'AWS::IAM::Role') check(id, 'trust', p.AssumeRolePolicyDocument);
    else if (r.Type === 'AWS::KMS::Key') check(id, 'key', p.KeyPolicy);
    else if (['AWS::SNS::TopicPolicy', 'AWS::SQS::QueuePolicy', 'AWS::S3::BucketPolicy'].includes(r.Type))
      check(id, 'resource', p.PolicyDocument);
    else if (r.Type === 'AWS::Events::EventBusPolicy') check(id, 'resource', { Statement: [p.Statement] });
    else if (r.Type === 'AWS::Lambda::Permission') {
      const principal = String(p.Principal);
      if (principal.endsWith('.amazonaws.com') && p.SourceArn === undefined && p.SourceAccount === undefined)
        found.push(`${where} / ${id}: ${principal} may invoke without SourceArn or SourceAccount`);
    }
  }
  return found;
}
