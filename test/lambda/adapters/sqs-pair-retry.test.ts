import { ChangeMessageVisibilityCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { SqsPairRetry } from '../../../lambda/adapters/sqs-pair-retry.js';

const sqs = mockClient(SQSClient);
const url = 'https://sqs.us-east-1.amazonaws.com/111122223333/sweep.fifo';

describe('SqsPairRetry', () => {
  beforeEach(() => sqs.reset());

  it.each([
    { seconds: 30, sent: 30 },
    { seconds: 119.6, sent: 120 },
    { seconds: -5, sent: 0 },
  ])('makes the message visible again in $seconds s (sends $sent)', async (c) => {
    sqs.on(ChangeMessageVisibilityCommand).resolves({});
    await new SqsPairRetry(new SQSClient({}), url).retryIn('handle-1', c.seconds);
    expect(sqs).toHaveReceivedCommandWith(ChangeMessageVisibilityCommand, {
      QueueUrl: url,
      ReceiptHandle: 'handle-1',
      VisibilityTimeout: c.sent,
    });
  });

  it('throws when the queue refuses (the worker then leaves the visibility timeout as it is)', async () => {
    sqs
      .on(ChangeMessageVisibilityCommand)
      .rejects(Object.assign(new Error('denied'), { name: 'AccessDenied' }));
    await expect(new SqsPairRetry(new SQSClient({}), url).retryIn('h', 30)).rejects.toThrow('denied');
  });
});
