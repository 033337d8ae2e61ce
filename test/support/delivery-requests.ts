/**
 * What EventBridge itself must be allowed to do for each rule of a template: invoke its Lambda
 * targets, send to its queues and dead-letter queues, publish to its topics (and use their keys).
 * Each is a request by the service principal `events.amazonaws.com`, judged against the resource
 * policy the template gives that resource (AWS::Lambda::Permission, AWS::SQS::QueuePolicy,
 * AWS::SNS::TopicPolicy, the KMS key policy). Event bus targets are delivered with a role instead
 * (judged with the rule's role elsewhere).
 */
import { resourcesOfType, type TemplateResolver } from './cfn-resolver.js';
import { type AccessRequest, attachedPolicy, type PolicyDocument, type Statement } from './iam-simulation.js';
import type { TopicKey } from './runtime-requests.js';

const EVENTS = { label: 'EventBridge', service: 'events.amazonaws.com' } as const;

/** The resource policy of a Lambda function: its AWS::Lambda::Permission resources. */
export function functionPolicy(resolver: TemplateResolver, functionArn: string): PolicyDocument {
  const statements: Statement[] = [];
  for (const [id, p] of resourcesOfType(resolver.template, 'AWS::Lambda::Permission')) {
    const props = resolver.resolve(p.Properties) as Record<string, string>;
    const target = props.FunctionName ?? '';
    if (!resolver.exists(id) || (target !== functionArn && !functionArn.endsWith(`:function:${target}`)))
      continue;
    const condition: Statement['Condition'] = {};
    if (props.SourceArn) condition.ArnLike = { 'aws:SourceArn': props.SourceArn };
    if (props.SourceAccount) condition.StringEquals = { 'aws:SourceAccount': props.SourceAccount };
    const principal = String(props.Principal);
    statements.push({
      Effect: 'Allow',
      Principal: principal.endsWith('.amazonaws.com') ? { Service: principal } : { AWS: principal },
      Action: String(props.Action),
      Resource: functionArn,
      ...(Object.keys(condition).length > 0 ? { Condition: condition } : {}),
    });
  }
  return { Version: '2012-10-17', Statement: statements };
}

/** The logical id of the resource of `type` whose `attribute` (or Ref) resolves to `value`. */
function findBy(
  resolver: TemplateResolver,
  type: string,
  value: string,
  attribute?: string,
): string | undefined {
  return resourcesOfType(resolver.template, type).find(
    ([id]) => (attribute ? resolver.getAtt(id, attribute) : resolver.ref(id)) === value,
  )?.[0];
}

export interface Delivery {
  readonly requests: AccessRequest[];
  /** Targets whose policy this template cannot show (imported resources), for messages. */
  readonly unknown: string[];
}

/**
 * Every request EventBridge makes for the rules of a template. `keyOf` finds an SNS topic's KMS
 * key (see DeploymentModel.topicKey).
 */
export function deliveryRequests(
  resolver: TemplateResolver,
  where: string,
  keyOf: (topicArn: string) => TopicKey | undefined,
): Delivery {
  const requests: AccessRequest[] = [];
  const unknown: string[] = [];
  const { account } = resolver.placement;
  for (const [ruleId, rule] of resourcesOfType(resolver.template, 'AWS::Events::Rule')) {
    if (!resolver.exists(ruleId)) continue;
    const context = {
      'aws:SourceArn': resolver.getAtt(ruleId, 'Arn'),
      'aws:SourceAccount': account,
      'aws:SecureTransport': 'true',
    };
    const why = `${where} / rule ${ruleId}`;
    const ask = (
      action: string,
      resource: string,
      resourcePolicy: PolicyDocument | undefined,
      what: string,
      sent: Record<string, string> = context,
    ) =>
      requests.push({
        principal: EVENTS,
        action,
        resource,
        resourceAccount: resource.split(':')[4] ?? '',
        resourcePolicy: resourcePolicy ?? { Version: '2012-10-17', Statement: [] },
        context: sent,
        why: `${why}: ${what}`,
      });
    const targets =
      (rule.Properties?.Targets as {
        Arn: unknown;
        RoleArn?: unknown;
        DeadLetterConfig?: { Arn: unknown };
      }[]) ?? [];
    for (const t of targets) {
      const arn = resolver.text(t.Arn);
      const service = arn.split(':')[2];
      if (t.DeadLetterConfig) {
        const dlq = resolver.text(t.DeadLetterConfig.Arn);
        const queueId = findBy(resolver, 'AWS::SQS::Queue', dlq, 'Arn');
        if (!queueId) unknown.push(`${why}: dead-letter queue ${dlq}`);
        else
          ask(
            'sqs:SendMessage',
            dlq,
            attachedPolicy(resolver, 'AWS::SQS::QueuePolicy', 'Queues', resolver.ref(queueId)),
            'dead letters',
          );
      }
      if (t.RoleArn !== undefined) continue;
      if (service === 'lambda')
        ask('lambda:InvokeFunction', arn, functionPolicy(resolver, arn), 'invoke the target');
      else if (service === 'sqs') {
        const queueId = findBy(resolver, 'AWS::SQS::Queue', arn, 'Arn');
        if (!queueId) unknown.push(`${why}: queue ${arn}`);
        else
          ask(
            'sqs:SendMessage',
            arn,
            attachedPolicy(resolver, 'AWS::SQS::QueuePolicy', 'Queues', resolver.ref(queueId)),
            'send to the target',
          );
      } else if (service === 'sns') {
        if (!findBy(resolver, 'AWS::SNS::Topic', arn)) {
          unknown.push(`${why}: topic ${arn}`);
          continue;
        }
        ask(
          'sns:Publish',
          arn,
          attachedPolicy(resolver, 'AWS::SNS::TopicPolicy', 'Topics', arn),
          'publish to the target',
        );
        const key = keyOf(arn);
        for (const action of key ? ['kms:GenerateDataKey', 'kms:Decrypt'] : []) {
          // Through SNS, EventBridge's KMS request carries the topic's encryption context and no
          // aws:SourceArn or aws:SourceAccount (SNS developer guide, key management).
          ask(action, key?.arn ?? '', key?.policy, `use the key of ${arn}`, {
            'kms:EncryptionContext:aws:sns:topicArn': arn,
            'aws:SecureTransport': 'true',
          });
        }
      } else unknown.push(`${why}: target ${arn} of a kind this test does not model`);
    }
  }
  return { requests, unknown };
}
