import { App, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { HANDLER_CALLS, SWEEP_CALLS } from '../../lambda/runtime-calls.js';
import { type LayerWatchConfig, LayerWatchStack } from '../../lib/layerwatch-stack.js';
import { TOPIC_KEY_ACTIONS } from '../../lib/permissions.js';

const ENV = { account: '111122223333', region: 'us-east-1' };
const base: LayerWatchConfig = {
  alertEmails: ['sec@example.com'],
  logRetention: logs.RetentionDays.ONE_YEAR,
  memorySize: 256,
};

function synth(config: Partial<LayerWatchConfig> = {}, bundle = false): Template {
  const app = new App({ context: bundle ? {} : { 'aws:cdk:bundling-stacks': [] } });
  return Template.fromStack(
    new LayerWatchStack(app, 'LayerWatch', { env: ENV, config: { ...base, ...config } }),
  );
}

describe('LayerWatchStack', () => {
  const template = synth({ slack: { workspaceId: 'T0123ABCD', channelId: 'C0123ABCD' } });

  it('matches successful Lambda calls by event-name prefix (CloudTrail suffixes API versions), and refused attaches', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.lambda'],
        'detail-type': ['AWS API Call via CloudTrail'],
        detail: {
          eventSource: ['lambda.amazonaws.com'],
          eventName: [
            { prefix: 'UpdateFunctionConfiguration' },
            { prefix: 'PublishLayerVersion' },
            { prefix: 'AddLayerVersionPermission' },
            'CreateFunction',
            // Not a bare prefix: CreateFunctionUrlConfig* is no layer call.
            { prefix: 'CreateFunction20' },
            // What callers of a version or an alias run.
            { prefix: 'PublishVersion' },
            { prefix: 'CreateAlias' },
            { prefix: 'UpdateAlias' },
            { prefix: 'DeleteAlias' },
          ],
          // A failed call only when it is an attach IAM refused (lambda-layer-attach-denied).
          $or: [
            { errorCode: [{ exists: false }] },
            {
              errorCode: ['AccessDenied', 'AccessDeniedException'],
              eventName: [
                { prefix: 'UpdateFunctionConfiguration' },
                'CreateFunction',
                { prefix: 'CreateFunction20' },
              ],
            },
          ],
        },
      },
      State: 'ENABLED',
    });
  });

  it('retries delivery to the handler and dead-letters what it cannot deliver', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      Targets: [
        Match.objectLike({
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('RuleDeadLetterQueue'), 'Arn'] } },
          RetryPolicy: { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 86400 },
        }),
      ],
    });
  });

  it('runs the handler on the newest Node.js runtime, arm64, with an explicit log group', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      MemorySize: 256,
      ReservedConcurrentExecutions: 10,
      Timeout: 30,
      LoggingConfig: { LogGroup: { Ref: Match.stringLikeRegexp('HandlerLogs') } },
      Environment: {
        Variables: Match.objectLike({
          ALERT_TOPIC_ARN: Match.anyValue(),
          BASELINE_TABLE: Match.anyValue(),
          // No --enable-source-maps: Node would read the 1 MiB map at every cold start
          // (adapters/readable-stack.ts maps an escaping error's stack instead).
          NODE_OPTIONS: Match.absent(),
        }),
      },
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 365 });
  });

  it('starts no runtime with Node options: the bench measures the cold start the runtimes have', () => {
    const functions = Object.values(template.findResources('AWS::Lambda::Function'));
    expect(functions.length).toBeGreaterThan(1);
    for (const fn of functions) expect(fn.Properties?.Environment?.Variables?.NODE_OPTIONS).toBeUndefined();
  });

  it('sends failed async invocations to the failure queue after retries', () => {
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      MaximumRetryAttempts: 2,
      DestinationConfig: {
        OnFailure: { Destination: { 'Fn::GetAtt': [Match.stringLikeRegexp('FailureQueue'), 'Arn'] } },
      },
    });
  });

  it('keeps baselines in an on-demand, encrypted table with point-in-time recovery, retained on delete', () => {
    template.hasResource('AWS::DynamoDB::GlobalTable', {
      Properties: Match.objectLike({
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [{ AttributeName: 'functionArn', KeyType: 'HASH' }],
        SSESpecification: { SSEEnabled: true },
        Replicas: [
          Match.objectLike({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } }),
        ],
      }),
      DeletionPolicy: 'Retain',
    });
  });

  it('encrypts each topic with a rotating customer-managed key of its own, enforces TLS, and subscribes the emails', () => {
    template.resourcePropertiesCountIs('AWS::KMS::Key', { EnableKeyRotation: true }, 2);
    template.hasResourceProperties('AWS::SNS::Topic', {
      KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('AlertTopicKey'), 'Arn'] },
    });
    template.hasResourceProperties('AWS::SNS::Topic', {
      KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('OperationsTopicKey'), 'Arn'] },
    });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
    for (const topic of ['AlertTopic', 'OperationsTopic'])
      template.hasResourceProperties('AWS::SNS::Subscription', {
        Protocol: 'email',
        Endpoint: 'sec@example.com',
        TopicArn: { Ref: Match.stringLikeRegexp(`Alerting${topic}[0-9A-F]{8}$`) },
      });
  });

  it("lets CloudWatch alarms and EventBridge (relayed remote alarms) use the operations topic's key, for that topic only", () => {
    const forTopic = { 'kms:EncryptionContext:aws:sns:topicArn': Match.anyValue() };
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
            Condition: Match.objectLike({ StringLike: forTopic, StringEquals: Match.anyValue() }),
          }),
          Match.objectLike({
            Principal: { Service: 'events.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
            Condition: { StringLike: forTopic },
          }),
        ]),
      },
    });
  });

  it('sends operations emails to the operations topic only, when they are given', () => {
    const t = synth({ operationsEmails: ['ops@example.com'] });
    t.resourceCountIs('AWS::SNS::Subscription', 2);
    t.hasResourceProperties('AWS::SNS::Subscription', {
      Endpoint: 'ops@example.com',
      TopicArn: { Ref: Match.stringLikeRegexp('AlertingOperationsTopic') },
    });
    t.hasResourceProperties('AWS::SNS::Subscription', {
      Endpoint: 'sec@example.com',
      TopicArn: { Ref: Match.stringLikeRegexp('AlertingAlertTopic') },
    });
  });

  it('creates the Slack channel subscribed to both topics, with a deny-all guardrail', () => {
    template.hasResourceProperties('AWS::Chatbot::SlackChannelConfiguration', {
      SlackWorkspaceId: 'T0123ABCD',
      SlackChannelId: 'C0123ABCD',
      SnsTopicArns: [
        { Ref: Match.stringLikeRegexp('AlertTopic') },
        { Ref: Match.stringLikeRegexp('OperationsTopic') },
      ],
      GuardrailPolicies: [
        { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/AWSDenyAll']] },
      ],
    });
  });

  it('alarms on every dead-letter queue, handler errors and throttles, unreadable events, failing detections and the sweep', () => {
    const alarms = template.findResources('AWS::CloudWatch::Alarm', {
      Properties: { MetricName: Match.not('Heartbeat') },
    });
    expect(Object.keys(alarms)).toHaveLength(11);
    for (const alarm of Object.values(alarms)) {
      expect(alarm.Properties.AlarmActions).toEqual([{ Ref: expect.stringMatching(/OperationsTopic/) }]);
      // Every alarm fires on the first of what it counts; the sweep's dead-letter queue on its age.
      const age = alarm.Properties.MetricName === 'ApproximateAgeOfOldestMessage';
      // The age: before SQS drops a thrice-received message from the metric (two 16-minute timeouts).
      expect(alarm.Properties.Threshold).toBe(age ? 27 * 60 : 1);
    }
    const metrics = Object.values(alarms)
      .map((a) => a.Properties.MetricName)
      .sort();
    expect(metrics).toEqual([
      'ApproximateAgeOfOldestMessage',
      'ApproximateNumberOfMessagesVisible',
      'ApproximateNumberOfMessagesVisible',
      'ApproximateNumberOfMessagesVisible',
      'ApproximateNumberOfMessagesVisible',
      'ApproximateNumberOfMessagesVisible',
      'DetectionErrors',
      'Errors',
      'Errors',
      'MalformedEvents',
      'Throttles',
    ]);
    // A pair given up by the sweep that cannot be settled (so its run's report may never be sent)
    // reaches a person: the age of the sweep's dead-letter queue, not its messages (they are normal there).
    const [age] = Object.values(alarms).filter(
      (a) => a.Properties.MetricName === 'ApproximateAgeOfOldestMessage',
    );
    expect(age?.Properties.Dimensions).toEqual([
      {
        Name: 'QueueName',
        Value: { 'Fn::GetAtt': [expect.stringMatching(/SweepDeadLetterQueue/), 'QueueName'] },
      },
    ]);
    expect(age?.Properties.Statistic).toBe('Maximum');
    const own = Object.values(alarms).filter((a) => a.Properties.Namespace === 'LayerWatch');
    expect(own).toHaveLength(2);
    for (const a of own) expect(a.Properties.Dimensions).toEqual([{ Name: 'service', Value: 'layerwatch' }]);
  });

  it('gives the handler only the calls its code makes', () => {
    const policies = template.findResources('AWS::IAM::Policy', {
      Properties: { Roles: [{ Ref: Match.stringLikeRegexp('HandlerServiceRole') }] },
    });
    const statements = Object.values(policies).flatMap((p) => p.Properties.PolicyDocument.Statement) as {
      Action: string | string[];
      Resource: unknown;
    }[];
    const actions = statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action])).sort();
    // Derived from the code: the calls the handler's adapters declare (none reaches a member role
    // here), the topic key's data-key actions, and sqs for the on-failure destination (Lambda sends
    // failed invocations with the function's role).
    const declared = HANDLER_CALLS.filter((c) => c.resource !== 'member-role' && !c.option).map(
      (c) => c.action,
    );
    expect(actions).toEqual([...new Set([...declared, ...TOPIC_KEY_ACTIONS, 'sqs:SendMessage'])].sort());
    // Each event is claimed, completed and (on failure) released in the table: all three are granted.
    expect(actions).toEqual(expect.arrayContaining(['dynamodb:UpdateItem', 'dynamodb:DeleteItem']));
    const sqsStatement = statements.find((s) => [s.Action].flat().includes('sqs:SendMessage'));
    expect(sqsStatement?.Resource).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/FailureQueue/), 'Arn'] });
    const lambdaRead = statements.find((s) => [s.Action].flat().includes('lambda:GetFunctionConfiguration'));
    expect(lambdaRead?.Resource).toEqual({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':lambda:us-east-1:111122223333:function:*']],
    });
  });

  it('reads layer metadata of any account (attached layers may be foreign), nothing else', () => {
    const policies = template.findResources('AWS::IAM::Policy', {
      Properties: { Roles: [{ Ref: Match.stringLikeRegexp('HandlerServiceRole') }] },
    });
    const statements = Object.values(policies).flatMap((p) => p.Properties.PolicyDocument.Statement) as {
      Action: unknown;
      Resource: unknown;
    }[];
    const layerRead = statements.find(
      (st) => Array.isArray(st.Action) && st.Action.includes('lambda:GetLayerVersion'),
    );
    expect(layerRead?.Resource).toEqual({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':lambda:*:*:layer:*:*']],
    });
  });

  it('expires correlation items with a TTL and passes validated settings to the handler', () => {
    const t = synth({
      settings: { minSeverity: 'medium', deployPrincipals: ['arn:aws:iam::111122223333:role/deploy'] },
    });
    t.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
    t.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          LAYERWATCH_SETTINGS:
            '{"minSeverity":"medium","deployPrincipals":["arn:aws:iam::111122223333:role/deploy"]}',
        }),
      },
    });
    expect(() => synth({ settings: { minSeverity: 'severe' } })).toThrow(/minSeverity/);
  });

  it('sweeps daily, with only the calls the sweep makes', () => {
    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(1 day)' });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Timeout: 900,
      ReservedConcurrentExecutions: 1,
      Environment: {
        Variables: Match.objectLike({ SWEEP_ACCOUNTS: '111122223333', SWEEP_REGIONS: 'us-east-1' }),
      },
    });
    const policies = template.findResources('AWS::IAM::Policy', {
      Properties: { Roles: [{ Ref: Match.stringLikeRegexp('SweepFunctionServiceRole') }] },
    });
    const actions = Object.values(policies)
      .flatMap((p) => p.Properties.PolicyDocument.Statement)
      .flatMap((st: { Action: string | string[] }) => (Array.isArray(st.Action) ? st.Action : [st.Action]))
      .sort();
    const declared = SWEEP_CALLS.filter((c) => c.resource !== 'member-role' && !c.option).map(
      (c) => c.action,
    );
    // One statement per topic and per key (alert and operations): the same actions, each resource once.
    expect([...new Set(actions)]).toEqual([...new Set([...declared, ...TOPIC_KEY_ACTIONS])].sort());
  });

  it('also sweeps once at deployment, asynchronously, to seed baselines', () => {
    template.hasResourceProperties('Custom::Trigger', {
      InvocationType: 'Event',
      HandlerArn: { Ref: Match.stringLikeRegexp('SweepFunctionCurrentVersion') },
      ExecuteOnHandlerChange: false,
    });
  });

  it('tags the detector roles so that member roles can trust them without knowing their names', () => {
    for (const id of ['HandlerServiceRole', 'SweepFunctionServiceRole']) {
      const roles = template.findResources('AWS::IAM::Role', {
        Properties: { Tags: Match.arrayWith([{ Key: 'layerwatch:role', Value: 'detector' }]) },
      });
      expect(Object.keys(roles).some((k) => k.includes(id))).toBe(true);
    }
  });

  it('publishes to an existing topic by ARN without creating a topic or key for it', () => {
    const t = synth({
      alertEmails: [],
      alertTopicArn: 'arn:aws:sns:us-east-1:111122223333:existing',
      operationsTopicArn: 'arn:aws:sns:us-east-1:111122223333:ops',
    });
    t.resourceCountIs('AWS::SNS::Topic', 0);
    t.resourceCountIs('AWS::KMS::Key', 0);
    t.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({ ALERT_TOPIC_ARN: 'arn:aws:sns:us-east-1:111122223333:existing' }),
      },
    });
  });

  it('sends alarms to a separate operations topic when one is given', () => {
    const t = synth({ operationsTopicArn: 'arn:aws:sns:us-east-1:111122223333:ops' });
    for (const alarm of Object.values(t.findResources('AWS::CloudWatch::Alarm'))) {
      expect(alarm.Properties.AlarmActions).toEqual(['arn:aws:sns:us-east-1:111122223333:ops']);
    }
  });
});

describe('cdk-nag AwsSolutions', () => {
  function nag(build: (app: App) => void): () => void {
    const app = new App();
    build(app);
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    return () => app.synth();
  }

  it('has no unacknowledged finding, with Slack and with the handler bundled for real', () => {
    expect(
      nag(
        (app) =>
          new LayerWatchStack(app, 'LayerWatch', {
            env: ENV,
            config: { ...base, slack: { workspaceId: 'T0123ABCD', channelId: 'C0123ABCD' } },
          }),
      ),
    ).not.toThrow();
  });

  it('has no unacknowledged finding with an existing topic, in an environment-agnostic stack', () => {
    expect(
      nag(
        (app) =>
          new LayerWatchStack(app, 'LayerWatch', {
            config: { ...base, alertTopicArn: 'arn:aws:sns:us-east-1:111122223333:existing' },
          }),
      ),
    ).not.toThrow();
  });

  it('is live: an unencrypted queue fails the check', () => {
    expect(
      nag((app) => {
        new sqs.Queue(new Stack(app, 'Bad'), 'Plain', { encryption: sqs.QueueEncryption.UNENCRYPTED });
      }),
    ).toThrow();
  });
});
