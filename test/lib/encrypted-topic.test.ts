/**
 * encryptedTopic: a topic and a key of its own, whose services are named by the alarms and rules
 * that target the topic, whenever they are added (a rule added by another construct after the
 * topic, as the tamper watch's, is granted by targeting it), and nothing else.
 */
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import { encryptedTopic, SNS_TOPIC_CONTEXT } from '../../lib/constructs/encrypted-topic.js';

type Statement = { Sid?: string; Principal?: { Service?: string }; Condition?: Record<string, unknown> };

function build(add: (stack: Stack, topic: ReturnType<typeof encryptedTopic>['topic']) => void) {
  const stack = new Stack(new App(), 'LayerWatch', { env: { account: '111122223333', region: 'us-east-1' } });
  const { topic } = encryptedTopic(stack, 'OperationsTopic', 'layerwatch operations');
  encryptedTopic(stack, 'AlertTopic', 'layerwatch alerts');
  add(stack, topic);
  const t = Template.fromStack(stack);
  const statements = (type: string, property: string, idPart: string) =>
    Object.entries(t.findResources(type))
      .filter(([id]) => id.includes(idPart))
      .flatMap(([, r]) => r.Properties[property].Statement as Statement[]);
  return { t, statements };
}

const alarm = (stack: Stack, id: string) =>
  new cloudwatch.Alarm(stack, id, {
    metric: new cloudwatch.Metric({ namespace: 'X', metricName: 'Y', period: Duration.minutes(5) }),
    threshold: 1,
    evaluationPeriods: 1,
  });

describe('encryptedTopic', () => {
  const { statements } = build((stack, topic) => {
    alarm(stack, 'Early').addAlarmAction(new cwActions.SnsAction(topic));
    new events.Rule(stack, 'LateRule', {
      schedule: events.Schedule.rate(Duration.hours(1)),
      targets: [new targets.SnsTopic(topic)],
    });
    alarm(stack, 'Late').addOkAction(new cwActions.SnsAction(topic));
    topic.grantPublish(new iam.Role(stack, 'Publisher', { assumedBy: new iam.AccountRootPrincipal() }));
  });
  const topicPolicy = statements('AWS::SNS::TopicPolicy', 'PolicyDocument', 'OperationsTopicPolicy');
  const service = (list: Statement[], name: string) => list.filter((s) => s.Principal?.Service === name);

  it('admits exactly the alarms and rules that target it, whenever they were added', () => {
    const [cw] = service(topicPolicy, 'cloudwatch.amazonaws.com');
    const [ev, ...more] = service(topicPolicy, 'events.amazonaws.com');
    expect(more).toEqual([]);
    const arns = (s: Statement | undefined) =>
      (s?.Condition?.ArnEquals as Record<string, unknown[]> | undefined)?.['aws:SourceArn'];
    expect(arns(cw)).toEqual([
      { 'Fn::GetAtt': [expect.stringMatching(/^Early/), 'Arn'] },
      { 'Fn::GetAtt': [expect.stringMatching(/^Late/), 'Arn'] },
    ]);
    expect(arns(ev)).toEqual([{ 'Fn::GetAtt': [expect.stringMatching(/^LateRule/), 'Arn'] }]);
    for (const s of [cw, ev])
      expect(s?.Condition?.StringEquals).toEqual({ 'aws:SourceAccount': '111122223333' });
  });

  it('lets each service use its key for this topic only, never without a condition', () => {
    const key = statements('AWS::KMS::Key', 'KeyPolicy', 'OperationsTopicKey');
    const [cw] = service(key, 'cloudwatch.amazonaws.com');
    const [ev] = service(key, 'events.amazonaws.com');
    expect(cw?.Condition).toEqual({
      StringLike: { [SNS_TOPIC_CONTEXT]: expect.anything() },
      StringEquals: { 'aws:SourceAccount': '111122223333' },
      ArnLike: { 'aws:SourceArn': expect.anything() },
    });
    // EventBridge's KMS requests through SNS carry no source: the topic's encryption context only.
    expect(Object.keys(ev?.Condition ?? {})).toEqual(['StringLike']);
    expect(key.filter((s) => s.Principal?.Service && !s.Condition)).toEqual([]);
  });

  it('grants roles as before, and gives services nothing on a topic nobody targets', () => {
    const alert = statements('AWS::SNS::TopicPolicy', 'PolicyDocument', 'AlertTopicPolicy');
    const alertKey = statements('AWS::KMS::Key', 'KeyPolicy', 'AlertTopicKey');
    expect(alert.filter((s) => s.Principal?.Service)).toEqual([]);
    expect(alertKey.filter((s) => s.Principal?.Service)).toEqual([]);
  });
});
