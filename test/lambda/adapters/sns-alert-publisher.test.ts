import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { PublishError } from '../../../lambda/adapters/errors.js';
import { SnsAlertPublisher } from '../../../lambda/adapters/sns-alert-publisher.js';

const sns = mockClient(SNSClient);
const topic = 'arn:aws:sns:us-east-1:111122223333:alerts';
const alert = {
  subject: '[HIGH] x',
  message: '{"default":"d"}',
  attributes: { severity: { DataType: 'String' as const, StringValue: 'high' } },
};

describe('SnsAlertPublisher', () => {
  beforeEach(() => sns.reset());

  it('publishes a JSON-structured message with subject and attributes', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    await expect(new SnsAlertPublisher(new SNSClient({}), topic).publish(alert)).resolves.toBe('m-1');
    expect(sns).toHaveReceivedCommandWith(PublishCommand, {
      TopicArn: topic,
      Subject: '[HIGH] x',
      Message: '{"default":"d"}',
      MessageStructure: 'json',
      MessageAttributes: alert.attributes,
    });
  });

  it('throws a PublishError carrying the cause', async () => {
    sns.on(PublishCommand).rejects(new Error('KMSAccessDenied'));
    const error = await new SnsAlertPublisher(new SNSClient({}), topic)
      .publish(alert)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PublishError);
    expect(((error as Error).cause as Error).message).toBe('KMSAccessDenied');
  });
});
